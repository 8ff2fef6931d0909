// The JSON report's shape as zod: the source of schema/report.schema.json (`mcp-verify schema --report`).
// src/results.ts keeps the plain TypeScript types (no zod at start-up); the assertions at the end make
// the two fail to compile the moment they drift apart. Bump RESULTS_SCHEMA_VERSION on any incompatible change.
import { z } from 'zod';
import { RESULTS_SCHEMA_VERSION, type RunResult } from '../results.js';

const Verdict = z.enum(['passed', 'failed', 'skipped', 'warning']).describe('warning: everything checked held, but the server did something that breaks elsewhere or deviates from the spec (--strict makes it a failure).');
const ScenarioStatus = z.enum(['passed', 'failed', 'skipped', 'flaky', 'interrupted', 'expected-failure', 'warning']);
const SessionIdFormat = z.enum(['UUID', 'hex string', 'other', 'none']);

const CheckResult = z.object({
  name: z.string().describe('e.g. "progress.increasing", "session.persistent", "text".'),
  verdict: Verdict,
  expected: z.unknown().optional(),
  actual: z.unknown().optional(),
  message: z.string().optional().describe('Why it failed (or was skipped, or warns), in words.'),
  reference: z.string().optional().describe('For warnings: the spec section or platform contract behind it.'),
  fix: z.string().optional().describe('For warnings: what to change in the server.'),
});

const StepResult = z.object({
  index: z.number().int().nonnegative(),
  id: z.string(),
  label: z.string().describe('"call plan_trip", "list tools", "read travel://destinations".'),
  description: z.string().optional().describe('The step\'s description: key.'),
  file: z.string(),
  line: z.number().int(),
  verdict: Verdict,
  durationMs: z.number().nonnegative(),
  checks: z.array(CheckResult),
  evidence: z.array(z.string()).optional().describe('Transcript lines behind a failure (redacted).'),
  llm: z
    .object({
      calls: z.number().int().nonnegative().describe('LLM answers to the step\'s sampling requests.'),
      inputTokens: z.number().int().nonnegative(),
      outputTokens: z.number().int().nonnegative(),
      models: z.array(z.string()).describe('"provider:model id" as the providers reported them.'),
    })
    .optional()
    .describe('Present when an LLM answered sampling during the step (--sampling-llm or an llm: rule).'),
});

const SessionSummary = z.object({
  id: z.string().nullable(),
  format: SessionIdFormat,
  protocolVersion: z.string().nullable(),
  era: z.enum(['legacy', 'modern']),
  serverName: z.string().nullable(),
  deleteStatus: z.number().int().nullable().describe('DELETE at the end: its status, or null when not sent.'),
  exchanges: z.number().int().nonnegative(),
  getStream: z.string().optional().describe('The standalone GET stream: open, refused (405), failed (status), or not opened.'),
});

const ScenarioResult = z.object({
  id: z.string().describe('file#name: stable across runs.'),
  name: z.string(),
  file: z.string(),
  line: z.number().int(),
  feature: z.string().nullable(),
  tags: z.array(z.string()),
  status: ScenarioStatus,
  attempts: z.number().int().nonnegative(),
  failedAttempts: z.array(z.string()).optional(),
  durationMs: z.number().nonnegative(),
  session: SessionSummary.nullable(),
  checks: z.array(CheckResult),
  steps: z.array(StepResult),
  error: z.string().optional(),
  diagnosis: z.string().optional(),
});

const TargetSummary = z.object({
  label: z.string(),
  kind: z.enum(['local', 'remote']),
  url: z.string(),
  authMethod: z.enum(['None', 'SigV4', 'Bearer']),
  details: z.record(z.string(), z.string()).optional(),
});

export const RunResultSchema = z
  .object({
    schemaVersion: z.literal(RESULTS_SCHEMA_VERSION).describe('The report format version: bumped on any incompatible change.'),
    tool: z.object({ name: z.literal('mcp-verify'), version: z.string() }),
    target: TargetSummary,
    startedAt: z.string().describe('ISO 8601.'),
    durationMs: z.number().nonnegative(),
    era: z.enum(['legacy', 'modern']).nullable().describe('The era the server and client negotiated: legacy (2025-11-25 sessions) or modern (2026-07-28); null when no session opened.'),
    protocolVersion: z.string().nullable().describe('The protocol version negotiated, e.g. 2025-11-25 or 2026-07-28.'),
    requestedEra: z.enum(['legacy', 'modern', 'auto']).optional().describe('The era the run was asked to speak (--era); --era both writes one run per era.'),
    eraNotSpoken: z.string().optional().describe('Present when the server does not speak the era asked for: why, in one line.'),
    sessionIdFormat: SessionIdFormat,
    scenarios: z.array(ScenarioResult),
    features: z.array(z.object({ feature: z.string(), verdict: Verdict, scenarios: z.number().int(), failed: z.number().int(), warned: z.number().int().optional() })),
    summary: z.object({
      total: z.number().int(),
      passed: z.number().int(),
      failed: z.number().int(),
      skipped: z.number().int(),
      flaky: z.number().int(),
      interrupted: z.number().int(),
      expectedFailures: z.number().int(),
      warnings: z.number().int().describe('Scenarios that passed with warnings (status "warning").'),
    }),
    diagnosis: z.string().optional().describe('A finding about the whole run, said once (the stateless diagnosis).'),
    interrupted: z.boolean(),
    connectError: z.string().optional().describe('Set when the run could not reach the target at all (exit 3).'),
  })
  .describe('An mcp-verify JSON report (--reporter json): one run on one target.');

/** The JSON Schema published as schema/report.schema.json. */
export function reportJsonSchema(): unknown {
  return z.toJSONSchema(RunResultSchema, { io: 'output', unrepresentable: 'any' });
}

// Drift guard: each direction must type-check.
type Parsed = z.infer<typeof RunResultSchema>;
const toSchema = (r: RunResult): Parsed => r;
const fromSchema = (r: Parsed): RunResult => r;
void toSchema;
void fromSchema;
