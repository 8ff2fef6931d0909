// The bundled suite (scenarios/travel/) tests the reference travel server's tools. Pointed at any other
// server it would print ten FAILs that say nothing about that server, so before running it the server's
// tool list is asked once: a server with none of the travel tools gets one message saying what to run
// instead (your own files, `init`, or the protocol suite), exit 2, and nothing runs.
import { UsageError } from '../errors.js';
import { ScriptedResponder } from '../responders/scripted.js';
import { Session } from '../session/session.js';
import type { Target } from '../target/target.js';
import type { RunEra } from '../era.js';

export const TRAVEL_TOOLS = ['plan_trip', 'quick_recommend', 'search_flights'];

/** Throws a UsageError when the target lists tools and none is a travel tool; connection problems are left to the run. */
export async function checkBundledSuiteFits(target: Target, timeoutMs: number, command: string, signal?: AbortSignal, era: RunEra = 'legacy'): Promise<void> {
  let names: string[];
  let session: Session | undefined;
  try {
    session = await Session.open(target, { responder: new ScriptedResponder(), timeoutMs: Math.min(timeoutMs, 10_000), era, ...(signal ? { signal } : {}) });
    names = (await session.client.listTools(undefined, { timeout: Math.min(timeoutMs, 10_000), ...(signal ? { signal } : {}) })).tools.map((t) => t.name);
  } catch {
    return; // unreachable, unauthenticated or no tools capability: the run itself reports it properly
  } finally {
    await session?.close().catch(() => {});
  }
  if (names.some((n) => TRAVEL_TOOLS.includes(n))) return;
  const url = target.url.toString();
  const listed = names.length ? names.slice(0, 8).join(', ') + (names.length > 8 ? `, … (${names.length})` : '') : 'no tools';
  throw new UsageError(
    `the bundled suite (scenarios/travel/) is for the reference travel server (tools ${TRAVEL_TOOLS.join(', ')}); ${url} lists ${listed}.\n` +
      `Run your own scenario files (${command} my-scenarios/), write a starter suite from what this server lists (mcp-verify init --url ${url}), or run the spec checks every endpoint owes (${command} --suite protocol).`,
  );
}
