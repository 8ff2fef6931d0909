// How every report names the era a run spoke and the protocol version it negotiated: "legacy era,
// protocol 2025-11-25", "modern era, protocol 2026-07-28", or "modern era: not spoken" when the server does
// not speak the era asked for. One wording for the table, plain, JUnit, GitHub and HTML reporters.
import type { RunResult } from '../results.js';
import { LEGACY_PROTOCOL_VERSION, MODERN_PROTOCOL_VERSION } from '../era.js';

export const NOT_SPOKEN = 'not spoken';

/** The era of a run: negotiated, else asked for (`auto` with nothing negotiated is unknown). */
export function runEra(run: RunResult): 'legacy' | 'modern' | null {
  return run.era ?? (run.requestedEra === 'auto' ? null : (run.requestedEra ?? null));
}

/** "modern (2026-07-28)", for the Era row and the HTML facts. */
export function eraCell(run: RunResult): string {
  const era = runEra(run);
  const name = era === 'modern' ? `modern (${run.protocolVersion ?? MODERN_PROTOCOL_VERSION})` : era === 'legacy' ? `legacy (${run.protocolVersion ?? LEGACY_PROTOCOL_VERSION})` : 'unknown';
  return run.eraNotSpoken ? `${name}: ${NOT_SPOKEN}` : run.requestedEra === 'auto' && run.era ? `${name}, by auto` : name;
}

/** "legacy era, protocol 2025-11-25", for summary lines. */
export function eraText(run: RunResult): string {
  const era = runEra(run);
  if (run.eraNotSpoken) return `${era ?? 'requested'} era: ${NOT_SPOKEN}`;
  return `${era ?? 'unknown'} era${run.requestedEra === 'auto' && run.era ? ' (by --era auto)' : ''}, protocol ${run.protocolVersion ?? 'unknown'}`;
}
