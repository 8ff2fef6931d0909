// How the SDK client is set up for an era, and what a failed era negotiation means to a person. The
// 2026-07-28 client is pinned (`versionNegotiation: {pin}`: anything else fails loudly, never a silent
// fallback to the legacy wire), `auto` probes with server/discover and takes the legacy wire when the
// server does not speak the modern one. Either way the harness drives every multi-round-trip round itself
// (`inputRequired: {autoFulfill: false}`, rounds.ts), so each round is evidence.
import { SdkError, SdkErrorCode } from '@modelcontextprotocol/client';
import { ConnectError } from '../errors.js';
import { MODERN_PROTOCOL_VERSION, type RunEra } from '../era.js';
import type { Target } from '../target/target.js';

export function clientEraOptions(era: RunEra): Record<string, unknown> {
  const inputRequired = { inputRequired: { autoFulfill: false } };
  if (era === 'modern') return { versionNegotiation: { mode: { pin: MODERN_PROTOCOL_VERSION } }, ...inputRequired };
  if (era === 'auto') return { versionNegotiation: { mode: 'auto' }, ...inputRequired };
  return {};
}

/** The one line for "this server does not speak 2026-07-28" (exit 3), told apart from every other connect failure. */
export class EraNotSpoken extends ConnectError {
  readonly notSpoken = true;
}

export function notSpokenMessage(url: string): string {
  return `${url} does not speak ${MODERN_PROTOCOL_VERSION}: it did not offer it in answer to server/discover (a legacy-only server, e.g. MCP SDK v1 or FastMCP 2); run it with --era legacy, or --era both to see what the other wire does`;
}

/** A connect error that says the server does not speak the era asked for, or undefined for any other failure. */
export function eraConnectFailure(target: Target, era: RunEra, e: unknown): ConnectError | undefined {
  if (era !== 'modern') return undefined;
  if (e instanceof SdkError && e.code === SdkErrorCode.EraNegotiationFailed) return new EraNotSpoken(notSpokenMessage(target.url.toString()));
  return undefined;
}
