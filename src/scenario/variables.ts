// Variables in scenario files: `${env.NAME}` reads the environment, `${name}` reads a variable (the
// file's or scenario's `variables:`, `--var name=value`, `--secret-var name=value`) or a value an earlier
// step captured (`capture: {name: json.path}`). Values named in `secrets:` (or given with --secret-var)
// are handed to the Redactor, so they appear in no output or report.
// References are checked before anything runs (exit 2 with file:line), so a typo never fails mid-run.
import { UsageError } from '../errors.js';
import type { LoadedScenario } from './loader.js';
import type { Scenario, Step } from './schema.js';

/** The built-in variable: the session's Mcp-Session-Id (in steps; the session is open by then). */
export const SESSION_ID = 'session.id';

/** `${env.NAME}` or `${name}`; `$${` is a literal `${`. */
const REFERENCE = /\$(\$?)\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}/g;
const WHOLE = /^\$\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}$/;

export interface VariableSources {
  env: Record<string, string | undefined>;
  /** `--var` and `--secret-var` values (they override the files' `variables:` defaults). */
  cli: Record<string, string>;
  /** Names given with `--secret-var`. */
  cliSecrets: string[];
}

/** Parse repeated `name=value` flags. */
export function parseVarFlags(values: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    const name = eq > 0 ? v.slice(0, eq) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) throw new UsageError(`${flag} takes name=value with a name of letters, digits, _ or - (got "${eq > 0 ? name : v}")`);
    out[name] = v.slice(eq + 1);
  }
  return out;
}

/** The variables one scenario run sees; captures are added as its steps run. */
export class ScenarioVariables {
  private readonly values = new Map<string, unknown>();
  private readonly secretNames: Set<string>;
  private readonly secretValues = new Set<string>();

  constructor(
    scenario: Scenario,
    private readonly sources: VariableSources,
  ) {
    for (const [k, v] of Object.entries(scenario.variables ?? {})) this.values.set(k, v);
    for (const [k, v] of Object.entries(sources.cli)) this.values.set(k, v);
    // Every ${env.NAME} the scenario uses is secret unless listed under `public:` (an environment
    // variable is where CI keeps tokens; a value shown by mistake cannot be taken back).
    const shown = new Set(scenario.public ?? []);
    const envUsed = [...referencedNames(scenario)].filter((n) => n.startsWith('env.') && !shown.has(n));
    this.secretNames = new Set([...(scenario.secrets ?? []), ...sources.cliSecrets, ...envUsed]);
    for (const name of this.secretNames) {
      const v = this.lookup(name);
      if (v !== undefined) this.secretValues.add(stringOf(v));
    }
  }

  /** `${session.id}`: the Mcp-Session-Id of the scenario's session, once it is open. */
  sessionId?: string;

  lookup(name: string): unknown {
    if (name.startsWith('env.')) return this.sources.env[name.slice(4)];
    if (name === SESSION_ID) return this.sessionId;
    return this.values.get(name);
  }

  /** Record a captured value; a capture named in `secrets:` is redacted like any other secret. */
  capture(name: string, value: unknown): void {
    this.values.set(name, value);
    if (this.secretNames.has(name) && value !== undefined) this.secretValues.add(stringOf(value));
  }

  /** Values to redact from everything this scenario produces. */
  get secrets(): string[] {
    return [...this.secretValues];
  }

  /** A deep copy of `value` with every reference replaced. A string that is one reference keeps the value's type. */
  resolve<T>(value: T): T {
    if (typeof value === 'string') {
      const whole = WHOLE.exec(value);
      if (whole) {
        const v = this.lookup(whole[1]!);
        if (v === undefined) throw new UsageError(`\${${whole[1]}} is not defined`);
        return v as T;
      }
      return value.replace(REFERENCE, (all, escaped: string, name: string) => {
        if (escaped) return all.slice(1);
        const v = this.lookup(name);
        if (v === undefined) throw new UsageError(`\${${name}} is not defined`);
        return stringOf(v);
      }) as T;
    }
    if (Array.isArray(value)) return value.map((x) => this.resolve(x)) as T;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = k === 'capture' ? v : this.resolve(v);
      return out as T;
    }
    return value;
  }
}

function stringOf(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Every `${…}` name referenced inside a value (captures' own paths excluded). */
export function referencedNames(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(REFERENCE)) if (!m[1]) out.add(m[2]!);
  } else if (Array.isArray(value)) value.forEach((v) => referencedNames(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (k !== 'capture') referencedNames(v, out);
  }
  return out;
}

/**
 * Check every reference before the run: env variables set, variables defined, captures made by an
 * earlier step. Throws one UsageError listing every problem as file:line.
 */
export function checkVariables(scenarios: LoadedScenario[], sources: VariableSources): void {
  const problems: string[] = [];
  const secretsByFile = new Map<string, { line: number; names: Set<string>; known: Set<string> }>();
  for (const s of scenarios) {
    const known = new Set([...Object.keys(s.scenario.variables ?? {}), ...Object.keys(sources.cli)]);
    const stepsKnown = new Set([...known, SESSION_ID]);
    const problem = (name: string, line: number, capturedLater: boolean) => {
      if (name.startsWith('env.')) {
        if (sources.env[name.slice(4)] === undefined) problems.push(`${s.file}:${line}: \${${name}}: the environment variable ${name.slice(4)} is not set`);
      } else if (!known.has(name)) {
        problems.push(
          `${s.file}:${line}: \${${name}} is not defined${capturedLater ? ' yet (it is captured by a later step)' : '; define it under variables:, pass --var ' + name + '=VALUE, or capture it in an earlier step'}`,
        );
      }
    };
    const captures = s.scenario.steps.flatMap((st) => Object.keys(st.capture ?? {}));
    const { steps, ...rest } = s.scenario;
    for (const name of referencedNames({ ...rest, variables: undefined })) problem(name, s.line, captures.includes(name));
    steps.forEach((step: Step, i) => {
      for (const name of referencedNames(step)) if (!stepsKnown.has(name)) problem(name, s.stepLines[i] ?? s.line, captures.includes(name));
      for (const c of Object.keys(step.capture ?? {})) {
        known.add(c);
        stepsKnown.add(c);
      }
    });
    for (const name of s.scenario.secrets ?? []) {
      if (name.startsWith('env.') && sources.env[name.slice(4)] === undefined) problems.push(`${s.file}:${s.line}: secrets: "${name}" is not set in the environment`);
      else if (!name.startsWith('env.')) (secretsByFile.get(s.file) ?? secretsByFile.set(s.file, { line: s.line, names: new Set(), known: new Set() }).get(s.file)!).names.add(name);
    }
    // File-level secrets apply to every scenario: a name need only be defined in one of the file's scenarios.
    const f = secretsByFile.get(s.file);
    if (f) for (const k of known) f.known.add(k);
  }
  for (const [file, f] of secretsByFile) {
    for (const name of f.names) if (!f.known.has(name)) problems.push(`${file}:${f.line}: secrets: "${name}" is not a variable or capture in this file (a typo would leave a secret unredacted)`);
  }
  if (problems.length) throw new UsageError([...new Set(problems)].join('\n'));
}

/** The secret values known before the run (file `secrets:` and --secret-var), for the run's Redactor. */
export function knownSecrets(scenarios: LoadedScenario[], sources: VariableSources): string[] {
  const out = new Set<string>();
  for (const name of sources.cliSecrets) if (sources.cli[name] !== undefined) out.add(sources.cli[name]!);
  for (const s of scenarios) for (const v of new ScenarioVariables(s.scenario, sources).secrets) out.add(v);
  return [...out];
}

/**
 * Read a capture path from a step's result. Paths start at one of: `json` (the result text parsed as
 * JSON), `structured` (structuredContent), `text`, `names` (list steps), `result` (the raw result);
 * then `.key` and `[index]` segments, e.g. `json.destination`, `names[0]`, `result.content[0].text`.
 */
export function readCapturePath(root: Record<string, unknown>, path: string): { value?: unknown; problem?: string } {
  const p = path.replace(/^\$\.?/, '');
  const segments: (string | number)[] = [];
  for (const m of p.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) segments.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  let cur: unknown = root;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (cur === null || typeof cur !== 'object' || !(seg in (cur as object))) {
      const at = segments.slice(0, i).join('.') || '(root)';
      return { problem: `${path}: nothing at "${seg}" under ${at}` };
    }
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur === undefined ? { problem: `${path}: no value` } : { value: cur };
}
