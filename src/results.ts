// Results: plain, serializable data (no class instances, no open handles). Every reporter is a function
// of these; comparing local and remote is two RunResults side by side. The JSON reporter writes this
// shape as it is, so it is versioned: bump RESULTS_SCHEMA_VERSION on any incompatible change.
import type { SessionIdFormat } from './session/session-id.js';
import type { TranscriptEntry } from './session/transcript.js';
import type { WireTrace } from './session/wire-capture.js';

export const RESULTS_SCHEMA_VERSION = 1;

/**
 * 'warning': everything checked held, but the server did something that will break elsewhere or
 * deviates from the spec (a call's traffic on the GET stream, an undeclared capability used). It passes
 * the run unless --strict, which turns every warning into a failure.
 */
export type Verdict = 'passed' | 'failed' | 'skipped' | 'warning';
export type ScenarioStatus = Verdict | 'flaky' | 'interrupted' | 'expected-failure';

export interface CheckResult {
  /** e.g. "progress.increasing", "session.persistent", "text.contains". */
  name: string;
  verdict: Verdict;
  expected?: unknown;
  actual?: unknown;
  /** Why it failed (or was skipped, or warns), in words. */
  message?: string;
  /** For warnings: the spec section or platform contract behind it, and the fix. */
  reference?: string;
  fix?: string;
  /** For a failed text/JSON expectation: `- expected` / `+ actual` lines (JSON pretty-printed). */
  diff?: string[];
}

export interface StepResult {
  index: number;
  id: string;
  /** "call plan_trip", "list tools", "read travel://destinations". */
  label: string;
  /** The step's `description:`, when it has one. */
  description?: string;
  file: string;
  line: number;
  verdict: Verdict;
  durationMs: number;
  checks: CheckResult[];
  /** Transcript lines behind a failure (redacted), for the report; for every step with --verbose. */
  evidence?: string[];
  /** LLM answers to the step's sampling requests (src/responders/llm/): calls, tokens, models. */
  llm?: LlmStepUsage;
  /** The server under test's last output lines when the step failed (`server:` / `--server-command`), redacted. */
  serverOutput?: string[];
}

export interface LlmStepUsage {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  /** "openai:gpt-4o-mini-2024-07-18": the model ids the providers reported. */
  models: string[];
}

export interface SessionSummary {
  id: string | null;
  format: SessionIdFormat;
  protocolVersion: string | null;
  era: 'legacy' | 'modern';
  serverName: string | null;
  /** DELETE at the end: status, or null when not sent. */
  deleteStatus: number | null;
  exchanges: number;
  /** The standalone GET stream: open, refused (405), failed, or not opened (the server did not answer initialized 202). */
  getStream?: string;
}

/** What a listener learns when a scenario (or a protocol check) begins: plain values, no YAML behind them. */
export interface ScenarioInfo {
  id: string;
  name: string;
  file: string;
  line: number;
  feature: string | null;
  tags: string[];
}

/** A scenario's result: its ScenarioInfo, and what happened. */
export interface ScenarioResult extends ScenarioInfo {
  status: ScenarioStatus;
  /** How many attempts ran (1 without retries). */
  attempts: number;
  /** Why each earlier attempt failed, when --retries ran it again (status 'flaky' if a retry passed). */
  failedAttempts?: string[];
  durationMs: number;
  session: SessionSummary | null;
  /** Scenario-level checks (session id issued and persistent). */
  checks: CheckResult[];
  steps: StepResult[];
  /** A failure that stopped the scenario before or between steps (connect, timeout). */
  error?: string;
  /** The stateless-server diagnosis, when the evidence points at it. */
  diagnosis?: string;
  /**
   * Every session of the scenario as it went over the wire (a re-initialized scenario has two), kept only
   * when a reporter needs it (HTML report, --trace HAR). Left out of the JSON report.
   */
  trace?: SessionTrace[];
}

/** One session's evidence in full: the raw exchanges and the transcript. */
export interface SessionTrace {
  sessionId: string | null;
  wire: WireTrace;
  transcript: TranscriptEntry[];
  /** Transcript entries not kept past its bound. */
  transcriptDropped: number;
}

export interface TargetSummary {
  label: string;
  kind: 'local' | 'remote';
  url: string;
  authMethod: 'None' | 'SigV4' | 'Bearer';
  details?: Record<string, string>;
}

export interface FeatureSummary {
  feature: string;
  verdict: Verdict;
  scenarios: number;
  failed: number;
  /** Scenarios that passed with warnings. */
  warned?: number;
}

export interface RunResult {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  tool: { name: 'mcp-verify'; version: string };
  target: TargetSummary;
  startedAt: string;
  durationMs: number;
  /** The era and protocol version negotiated (from the first session that opened). */
  era: 'legacy' | 'modern' | null;
  protocolVersion: string | null;
  /** The era the run was asked to speak (--era; `both` is one run per era). Absent in reports older than it. */
  requestedEra?: 'legacy' | 'modern' | 'auto';
  /** The server does not speak the era asked for (a 2026-07-28 run against a legacy-only server): the one-line reason. */
  eraNotSpoken?: string;
  sessionIdFormat: SessionIdFormat;
  scenarios: ScenarioResult[];
  features: FeatureSummary[];
  summary: { total: number; passed: number; failed: number; skipped: number; flaky: number; interrupted: number; expectedFailures: number; warnings: number };
  /** Findings about the whole run, said once (the stateless diagnosis), rather than per scenario. */
  diagnosis?: string;
  interrupted: boolean;
  /** Set when the run could not reach the target at all (exit 3). */
  connectError?: string;
}

/** A scenario counts as passing for the exit code when it passed, was flaky, or failed as expected. */
export function isPassing(s: ScenarioStatus): boolean {
  return s === 'passed' || s === 'flaky' || s === 'skipped' || s === 'expected-failure' || s === 'warning';
}

/** Every warning check of a scenario (its own and its steps'), with the step it belongs to. */
export function warningsOf(s: ScenarioResult): { step?: StepResult; check: CheckResult }[] {
  return [
    ...s.checks.filter((c) => c.verdict === 'warning').map((check) => ({ check })),
    ...s.steps.flatMap((step) => step.checks.filter((c) => c.verdict === 'warning').map((check) => ({ step, check }))),
  ];
}
