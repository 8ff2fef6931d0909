// The config file turned into the options the commands already take: each value lands on the command's
// option of the same meaning, unless that option was given on the command line (flags override the
// file). Repeatable options (`--var`, `--header`) are merged: the file's first, the flags' on top.
// Relative paths in the file are relative to the file's directory. The result is the same flags object
// a command gets without a config file, so everything after this point is unaware of where a value came from.
import path from 'node:path';
import type { Command } from 'commander';
import { glob, isDynamicPattern } from 'tinyglobby';
import { UsageError } from '../errors.js';
import { durationMs } from '../scenario/duration.js';
import type { LoadedConfig } from './load.js';
import type { ServerConfig } from './schema.js';

/** The config's server block with its paths resolved, as commands receive it (`flags.server`). */
export interface ResolvedServer extends Omit<ServerConfig, 'cwd'> {
  cwd: string;
}

/** Values only a config file gives (set on the command's options next to the flags). */
export interface ConfigExtras {
  /** The config file in effect (watch mode watches it). */
  configFile?: string;
  /** Feature names declared under `features:`. */
  features?: string[];
  server?: ResolvedServer;
  /** `samplingLlm:` as an object: its keys no flag carries (temperature, maxTokens, models), and where it is written. */
  samplingLlmExtras?: SamplingLlmExtras;
}

export interface SamplingLlmExtras {
  where: string;
  temperature?: number;
  maxTokens?: number;
  models?: Record<string, string>;
}

const REMOTE_KEYS = { arn: 'arn', runtimeId: 'runtimeId', account: 'accountId', region: 'region', qualifier: 'qualifier', profile: 'profile', endpointUrl: 'endpointUrl', bearerTokenEnv: 'bearerTokenEnv' } as const;

/** Which part of the file a command takes: the local endpoint, the AgentCore runtime, or both (compare). */
function targetsOf(cmd: Command): { local: boolean; remote: boolean } {
  const name = cmd.name();
  if (name === 'demo') return { local: false, remote: false }; // its own servers: only run settings apply
  if (name === 'remote') return { local: false, remote: true };
  if (name === 'compare') return { local: true, remote: true };
  if (name === 'doctor' || name === 'call') {
    // Local unless the command line names a runtime; then the file's other remote settings apply.
    const remote = ['arn', 'runtimeId'].some((k) => cmd.getOptionValueSource(k) === 'cli');
    return { local: !remote, remote };
  }
  return { local: true, remote: false };
}

const hasOption = (cmd: Command, key: string) => cmd.options.some((o) => o.attributeName() === key);
const fromCli = (cmd: Command, key: string) => {
  const src = cmd.getOptionValueSource(key);
  return src === 'cli' || src === 'env';
};

function setDefault(cmd: Command, key: string, value: unknown): void {
  if (value === undefined || !hasOption(cmd, key) || fromCli(cmd, key)) return;
  cmd.setOptionValueWithSource(key, value, 'config');
}

function mergeRepeatable(cmd: Command, key: string, fromFile: string[]): void {
  if (!fromFile.length || !hasOption(cmd, key)) return;
  const given = fromCli(cmd, key) ? ((cmd.getOptionValue(key) as string[] | undefined) ?? []) : [];
  cmd.setOptionValueWithSource(key, [...fromFile, ...given], fromCli(cmd, key) ? 'cli' : 'config');
}

const relToCwd = (dir: string, p: string) => path.relative(process.cwd(), path.resolve(dir, p)) || '.';

/** `${env.NAME}` in a config value (headers): unset is exit 2, naming the variable, never a value. */
export function expandEnv(value: string, where: string, env: NodeJS.ProcessEnv = process.env): string {
  return value.replace(/\$(\$?)\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}/g, (whole, escaped: string, name: string) => {
    if (escaped) return whole.slice(1);
    const v = env[name];
    if (v === undefined) throw new UsageError(`${where} uses \${env.${name}}, which is not set; export ${name} or remove it`);
    return v;
  });
}

/** Scenario paths and globs from the file, relative to its directory. A glob that matches nothing is exit 2. */
export async function configScenarioPaths(loaded: LoadedConfig): Promise<string[]> {
  const entries = loaded.config.scenarios === undefined ? [] : Array.isArray(loaded.config.scenarios) ? loaded.config.scenarios : [loaded.config.scenarios];
  const out: string[] = [];
  for (const entry of entries) {
    if (isDynamicPattern(entry)) {
      const found = (await glob(entry, { cwd: loaded.dir, absolute: true, onlyFiles: true })).sort();
      if (!found.length) throw new UsageError(`${relToCwd(process.cwd(), loaded.file)}: scenarios: "${entry}" matches no files (relative to ${relToCwd(process.cwd(), loaded.dir)})`);
      out.push(...found.map((f) => relToCwd(loaded.dir, f)));
    } else out.push(relToCwd(loaded.dir, entry));
  }
  return out;
}

/** Puts the file's values on the command's options (flags win) and returns the scenario paths it names. */
export async function applyConfig(cmd: Command, loaded: LoadedConfig): Promise<string[]> {
  const c = loaded.config;
  const { local, remote } = targetsOf(cmd);
  const shownFile = relToCwd(process.cwd(), loaded.file);
  if (cmd.name() === 'demo') {
    // The demo brings its own servers and suite: only how verdicts are judged and the LLM apply.
    setDefault(cmd, 'strict', c.strict);
    setDefault(cmd, 'era', c.era);
    applySamplingLlm(cmd, loaded, shownFile);
    return [];
  }
  if (local) {
    setDefault(cmd, 'url', c.url ?? (c.server?.url !== undefined ? c.server.url : undefined));
    mergeRepeatable(cmd, 'header', Object.entries(c.headers ?? {}).map(([k, v]) => `${k}: ${expandEnv(v, `${shownFile}: headers.${k}`)}`));
    if (!remote) setDefault(cmd, 'bearerTokenEnv', c.bearerTokenEnv);
  }
  if (remote && c.remote) {
    for (const [from, to] of Object.entries(REMOTE_KEYS)) setDefault(cmd, to, c.remote[from as keyof typeof REMOTE_KEYS]);
  }
  if (c.reporters !== undefined) {
    const list = Array.isArray(c.reporters) ? c.reporters : c.reporters.split(',');
    setDefault(cmd, 'reporter', list.map((r) => {
      const eq = r.indexOf('=');
      return eq > 0 ? `${r.slice(0, eq).trim()}=${relToCwd(loaded.dir, r.slice(eq + 1).trim())}` : r.trim();
    }).join(','));
  }
  setDefault(cmd, 'workers', c.workers === undefined ? undefined : String(c.workers));
  // Options parsed by commander's argParser (durations) take the parsed value: milliseconds.
  setDefault(cmd, 'timeout', c.timeout === undefined ? undefined : durationMs(c.timeout, 30_000));
  setDefault(cmd, 'retries', c.retries === undefined ? undefined : String(c.retries));
  setDefault(cmd, 'maxResponse', c.maxResponse);
  setDefault(cmd, 'regexTimeout', c.regexTimeout === undefined ? undefined : durationMs(c.regexTimeout, 1000));
  setDefault(cmd, 'expectedFailures', c.expectedFailures === undefined ? undefined : relToCwd(loaded.dir, c.expectedFailures));
  setDefault(cmd, 'strict', c.strict);
  setDefault(cmd, 'era', c.era);
  applySamplingLlm(cmd, loaded, shownFile);
  mergeRepeatable(cmd, 'var', Object.entries(c.vars ?? {}).map(([k, v]) => `${k}=${String(v)}`));
  cmd.setOptionValueWithSource('configFile', loaded.file, 'config');
  if (c.features) cmd.setOptionValueWithSource('features', c.features, 'config');
  if (c.server && local && cmd.getOptionValueSource('serverCommand') !== 'cli') {
    cmd.setOptionValueWithSource('server', { ...c.server, cwd: path.resolve(loaded.dir, c.server.cwd ?? '.') } satisfies ResolvedServer, 'config');
  }
  return configScenarioPaths(loaded);
}

/**
 * `samplingLlm:` onto --sampling-llm and the --llm-* flags. A --sampling-llm on the command line replaces
 * the file's LLM whole (its baseUrl, key variable and the rest do not leak onto another provider); the
 * other --llm-* flags override the file's value of the same meaning one by one.
 */
function applySamplingLlm(cmd: Command, loaded: LoadedConfig, shownFile: string): void {
  const c = loaded.config;
  setDefault(cmd, 'llmBudget', c.llmBudget === undefined ? undefined : String(c.llmBudget));
  const llm = c.samplingLlm;
  if (llm === undefined || !hasOption(cmd, 'samplingLlm') || fromCli(cmd, 'samplingLlm')) return;
  const where = `${shownFile}: samplingLlm`;
  if (typeof llm === 'string') {
    setDefault(cmd, 'samplingLlm', llm);
    cmd.setOptionValueWithSource('samplingLlmExtras', { where } satisfies SamplingLlmExtras, 'config');
    return;
  }
  setDefault(cmd, 'samplingLlm', `${llm.provider}:${llm.model}`);
  setDefault(cmd, 'llmBaseUrl', llm.baseUrl);
  setDefault(cmd, 'llmApiKeyEnv', llm.apiKeyEnv);
  setDefault(cmd, 'llmRegion', llm.region);
  setDefault(cmd, 'llmProfile', llm.profile);
  setDefault(cmd, 'llmTimeout', llm.timeout === undefined ? undefined : durationMs(llm.timeout, 20_000));
  const extras: SamplingLlmExtras = {
    where,
    ...(llm.temperature !== undefined ? { temperature: llm.temperature } : {}),
    ...(llm.maxTokens !== undefined ? { maxTokens: llm.maxTokens } : {}),
    ...(llm.models ? { models: llm.models } : {}),
  };
  cmd.setOptionValueWithSource('samplingLlmExtras', extras, 'config');
}
