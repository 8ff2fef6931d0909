// Doctor's findings: one line each, a verdict, what was seen, and (when something is wrong) the fix.
// Plain data, so the text and JSON renderings are two functions over the same list.
import type { Outcome } from '../run/exit-code.js';
export type FindingVerdict = 'PASS' | 'FAIL' | 'WARN' | 'INFO' | 'SKIP';

export interface Finding {
  /** Short topic: "session id", "GET stream". */
  topic: string;
  verdict: FindingVerdict;
  detail: string;
  /** What to change, when the verdict says something is wrong. */
  fix?: string;
}

export interface DoctorReport {
  target: { label: string; url: string; authMethod: string };
  findings: Finding[];
  /** Nothing answered, or authentication was refused: exit 3. */
  unreachable: boolean;
  /** The stateless diagnosis in one paragraph, when it applies. */
  diagnosis?: string;
}

export const STATELESS_FIX =
  'run the server stateful: FastMCP `mcp.run(transport="streamable-http", stateless_http=False)` (the default); ' +
  'TypeScript SDK `new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID() })` and reuse that transport for the session\'s later requests';

/**
 * The report as an exit-code Outcome (src/run/exit-code.ts): unreachable is 3, a FAIL finding 1, and with
 * --strict a WARN finding too.
 */
export function doctorOutcome(r: DoctorReport, strict = false): Outcome {
  return { ...(r.unreachable ? { connectError: 'unreachable' } : {}), interrupted: false, passed: !r.findings.some((f) => f.verdict === 'FAIL' || (strict && f.verdict === 'WARN')) };
}
