// The CI-gating run flags (`--shard`, `--grep`, `--tag`, `--bail`, `--retries`, `--var`, `--secret-var`,
// `--expected-failures`), parsed and checked before anything is sent: which scenarios run, with which
// variables and secrets, and which failures are known. buildPlan (src/run/plan.ts) checks them: every
// problem is a usage error (exit 2) before anything is sent.
import type { Command } from 'commander';

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
    .option('--no-strict', 'warnings stay warnings even when the config file says strict: true')
    .option('--expected-failures <file>', 'known failures (scenario or scenario/step-id a line): XFAIL, and an entry that passes fails the run as stale');
}
