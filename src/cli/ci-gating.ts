// The CI-gating run flags (`--shard`, `--grep`, `--tag`, `--bail`, `--retries`, `--var`, `--secret-var`,
// `--expected-failures`), parsed and checked before anything is sent: which scenarios run, with which
// variables and secrets, and which failures are known. Every problem here is a usage error (exit 2).
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { LoadedScenario } from '../scenario/loader.js';
import type { RunOptions } from '../scenario/runner.js';

export interface CiFlags {
  shard?: string;
  grep?: string;
  tag?: string[];
  bail?: boolean;
  retries?: string;
  var?: string[];
  secretVar?: string[];
  expectedFailures?: string;
  strict?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addCiFlags(cmd: Command): Command {
  return cmd
    .option('--grep <regex>', 'run only scenarios whose id (file#name) or description matches (case-insensitive)')
    .option('--tag <tag>', 'run only scenarios with this tag (repeatable, or a,b: any of them)', collect)
    .option('--shard <i/n>', 'run shard i of n (deterministic by scenario id), e.g. --shard 2/4 on the second of four CI machines')
    .option('--bail', 'stop starting scenarios after the first failure (the rest are SKIP)')
    .option('--retries <n>', 'run a failed scenario again, in a new session, up to n times; a later pass is FLAKY', '0')
    .option('--var <name=value>', 'a variable for ${name} in scenario files (repeatable)', collect)
    .option('--secret-var <name=value>', 'like --var, and the value is redacted from every output and report (repeatable)', collect)
    .option('--strict', 'warnings (a call\'s traffic on the GET stream, an undeclared capability used) fail the run, for CI')
    .option('--expected-failures <file>', 'known failures (scenario or scenario/step-id a line): XFAIL, and an entry that passes fails the run as stale');
}

export interface CiRun {
  scenarios: LoadedScenario[];
  options: Pick<RunOptions, 'retries' | 'bail' | 'variables' | 'secrets' | 'expectedFailures' | 'strict'>;
}

/** Select, check variables, read the expected-failures file: everything that can fail before a request. */
export async function prepareCiRun(all: LoadedScenario[], flags: CiFlags): Promise<CiRun> {
  const { selectScenarios, parseShard } = await import('../scenario/selection.js');
  const { checkVariables, knownSecrets, parseVarFlags } = await import('../scenario/variables.js');
  const retries = /^\d+$/.test(flags.retries ?? '0') ? Number(flags.retries ?? '0') : NaN;
  if (!Number.isInteger(retries) || retries > 10) throw new UsageError(`--retries takes a whole number from 0 to 10 (got "${flags.retries}")`);
  const plain = parseVarFlags(flags.var, '--var');
  const secret = parseVarFlags(flags.secretVar, '--secret-var');
  const variables = { env: process.env, cli: { ...plain, ...secret }, cliSecrets: Object.keys(secret) };
  const expectedFailures = flags.expectedFailures
    ? await (await import('../scenario/expected-failures.js')).loadExpectedFailures(flags.expectedFailures, all)
    : undefined;
  const scenarios = selectScenarios(all, flags);
  checkVariables(scenarios, variables);
  const shard = parseShard(flags.shard);
  if (shard && scenarios.length === 0) process.stderr.write(`mcp-verify: shard ${shard.index}/${shard.count} has no scenarios (the selection has fewer than ${shard.count})\n`);
  return {
    scenarios,
    options: { retries, bail: !!flags.bail, strict: !!flags.strict, variables, secrets: knownSecrets(scenarios, variables), ...(expectedFailures ? { expectedFailures } : {}) },
  };
}
