// `mcp-verify compare`: the same suite against a local URL and an AgentCore runtime, side by side.
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../../errors.js';
import type { Target } from '../../target/target.js';
import type { RunResult } from '../../results.js';
import { exitCodeOf, loadSuite, parsePositiveInt, parseTimeout } from '../run-suite.js';
import { addRemoteFlags, remoteOptions, remoteTargetFromFlags, REMOTE_HELP, type RemoteFlags } from '../remote-flags.js';
import { DEFAULT_LOCAL_URL, parseHttpUrl } from './local.js';
import type { LoadedScenario } from '../../scenario/loader.js';

interface CompareFlags extends RemoteFlags {
  url: string;
  timeout?: string;
  workers?: string;
  json?: string;
  color?: boolean;
}

export function registerCompare(program: Command): void {
  const cmd = program
    .command('compare')
    .description('Run the same scenarios locally and on AgentCore and print them side by side.')
    .argument('[paths...]', 'scenario files or directories (default: the bundled travel suite)')
    .option('--url <url>', 'the local MCP endpoint', DEFAULT_LOCAL_URL);
  addRemoteFlags(cmd)
    .option('--timeout <duration>', 'per-step timeout (500ms, 10s, 2m)', '30s')
    .option('--workers <n>', 'scenarios to run at once on each target', '1')
    .option('--json <file>', 'also write the comparison (both full results) as JSON')
    .option('--no-color', 'no colours (also: NO_COLOR=1)')
    .addHelpText(
      'after',
      `
Examples:
  mcp-verify compare --url http://localhost:8000/mcp --arn arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/travel-AbCdEf1234
  mcp-verify compare --arn ... --endpoint-url http://127.0.0.1:9000 --json compare.json
${REMOTE_HELP}

Exit codes: 0 both passed, 1 a scenario failed on either side, 2 usage error, 3 either side unreachable.`,
    );
  cmd.action(async (paths: string[], flags: CompareFlags) => {
    const url = parseHttpUrl(flags.url);
    const { resolveRemoteEndpoint } = await import('../../target/remote.js');
    resolveRemoteEndpoint(remoteOptions(flags));
    const scenarios = await loadSuite(paths);
    const { localTarget } = await import('../../target/target.js');
    const remote = await remoteTargetFromFlags(flags);
    process.exitCode = await compareTargets(localTarget(url), remote, scenarios, flags);
  });
}

/** Runs both sides, prints the comparison, writes --json; returns the exit code. Shared with `demo`. */
export async function compareTargets(
  local: Target,
  remote: Target,
  scenarios: LoadedScenario[],
  flags: { timeout?: string; workers?: string; json?: string; color?: boolean },
): Promise<number> {
  const { runScenarios } = await import('../../scenario/runner.js');
  const { compareRuns, renderComparison } = await import('../../report/compare.js');
  const { styleFor } = await import('../../report/style.js');
  const { installRunSignals, runAbortSignal } = await import('../signals.js');
  const opts = { stepTimeoutMs: parseTimeout(flags.timeout), workers: parsePositiveInt(flags.workers, '--workers', 1), signal: runAbortSignal() };
  // A signal stops both sides; the comparison of what ran is still printed and written.
  const release = installRunSignals();
  let a: RunResult, b: RunResult;
  try {
    [a, b] = await Promise.all([runScenarios(local, scenarios, opts), runScenarios(remote, scenarios, opts)]);
  } finally {
    release();
  }
  const cmp = compareRuns(a, b);
  process.stdout.write(renderComparison(cmp, styleFor(process.stdout, flags.color === false)));
  if (flags.json) {
    await mkdir(path.dirname(path.resolve(flags.json)), { recursive: true });
    await writeFile(flags.json, JSON.stringify(cmp, null, 2) + '\n');
  }
  const codes = [exitCodeOf(a), exitCodeOf(b)];
  const interrupted = codes.find((c) => c === ExitCode.Interrupted || c === ExitCode.Terminated);
  if (interrupted !== undefined) return interrupted;
  if (codes.includes(ExitCode.Connect)) return ExitCode.Connect;
  return codes.includes(ExitCode.Failed) ? ExitCode.Failed : ExitCode.Passed;
}
