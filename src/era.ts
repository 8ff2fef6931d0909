// The protocol era a run speaks: `legacy` is the 2025-11-25 wire (initialize, Mcp-Session-Id, server->
// client requests for elicitation and sampling; what AgentCore's stateful mode runs), `modern` the
// 2026-07-28 wire (no initialize, no session: every request carries its own _meta, and elicitation and
// sampling come back inside the result as `input_required` rounds). `auto` lets the client probe with
// server/discover and take what the server speaks; `both` runs the suite once per era. Parsed once, here,
// for the flag and the config file alike.
import { UsageError } from './errors.js';

/** A wire a session actually speaks. */
export type Era = 'legacy' | 'modern';
/** What one plan runs: an era, or `auto` (the era is whatever the server's server/discover answer selects). */
export type RunEra = Era | 'auto';
/** What the user may ask for. */
export type EraChoice = RunEra | 'both';

export const ERA_CHOICES: readonly EraChoice[] = ['legacy', 'modern', 'auto', 'both'];
export const DEFAULT_ERA: EraChoice = 'legacy';

/** The protocol revisions of the two eras. */
export const LEGACY_PROTOCOL_VERSION = '2025-11-25';
export const MODERN_PROTOCOL_VERSION = '2026-07-28';

export const ERA_HELP = 'protocol era: legacy (2025-11-25 sessions, the default), modern (2026-07-28 multi-round-trip requests, no sessions), auto (whatever the server speaks, modern first), both (the suite once per era)';

/** `--era` / `era:` as given: a mistake is a UsageError (exit 2) naming the choices. */
export function parseEra(value: unknown, where = '--era'): EraChoice {
  if (value === undefined || value === null || value === '') return DEFAULT_ERA;
  const v = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (typeof v === 'string' && (ERA_CHOICES as readonly string[]).includes(v)) return v as EraChoice;
  const hint = typeof v === 'string' && /^20\d\d-\d\d-\d\d$/.test(v) ? ` (${LEGACY_PROTOCOL_VERSION} is legacy, ${MODERN_PROTOCOL_VERSION} is modern)` : '';
  throw new UsageError(`${where} takes legacy, modern, auto or both (got "${String(value)}")${hint}`);
}

/** The eras a choice runs, in order: `both` is legacy then modern. */
export function erasOf(choice: EraChoice): RunEra[] {
  return choice === 'both' ? ['legacy', 'modern'] : [choice];
}

/** How an era is named in reports and tables. */
export function eraLabel(era: RunEra): string {
  return era === 'legacy' ? `legacy (${LEGACY_PROTOCOL_VERSION})` : era === 'modern' ? `modern (${MODERN_PROTOCOL_VERSION})` : 'auto';
}

/** The era a protocol version belongs to (a negotiated version decides `auto`). */
export function eraOfVersion(version: string | null | undefined): Era | undefined {
  if (!version) return undefined;
  return version >= MODERN_PROTOCOL_VERSION ? 'modern' : 'legacy';
}
