// `mcp-verify compare`: the same suite against a local URL and an AgentCore runtime, side by side.
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { ExitCode, UsageError } from '../../errors.js';
import type { Target } from '../../target/target.js';
import type { RunResult } from '../../results.js';
import { exitCodeOf, loadSuite, parsePositiveInt, parseTimeout, runListeners } from '../run-suite.js';
import { addRemoteFlags, remoteOptions, REMOTE_HELP, type RemoteFlags } from '../remote-flags.js';
import { DEFAULT_LOCAL_URL, parseHttpUrl } from './local.js';
import type { LoadedScenario } from '../../scenario/loader.js';

interface CompareFlags extends RemoteFlags {
  url: string;
  timeout?: string;
  workers?: string;
  json?: string;
  color?: boolean;
  reporter?: string;
  trace?: string;
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
    .option('--reporter <list>', 'html=FILE: also write both sides side by side as one HTML report (with session timelines)')
    .option('--trace <file>', 'write every HTTP exchange of both sides as one HAR 1.2 file (credentials redacted)')
    .option('--no-color', 'no colours (also: NO_COLOR=1)')
    .addHelpText(
      'after',
      `
Examples:
  mcp-verify compare --url http://localhost:8000/mcp --arn arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/travel-AbCdEf1234
  mcp-verify compare --arn ... --endpoint-url http://127.0.0.1:9000 --json compare.json
  mcp-verify compare --arn ... --reporter html=compare.html --trace compare.har
${REMOTE_HELP}

Exit codes: 0 both passed, 1 a scenario failed on either side, 2 usage error, 3 either side unreachable.`,
    );
  cmd.action(async (paths: string[], flags: CompareFlags) => {
    const url = parseHttpUrl(flags.url);
    if (flags.reporter) {
      const { parseReporterSpecs } = await import('../../report/reporters.js');
      const other = parseReporterSpecs(flags.reporter).find((sp) => sp.name !== 'html' || !sp.file);
      if (other) throw new UsageError(`compare prints its own side-by-side table; --reporter takes html=FILE here (got "${other.name}${other.file ? `=${other.file}` : ''}"; use --json FILE for JSON)`);
    }
    const { remoteTarget, resolveRemoteEndpoint } = await import('../../target/remote.js');
    resolveRemoteEndpoint(remoteOptions(flags));
    const scenarios = await loadSuite(paths);
    const { localTarget } = await import('../../target/target.js');
    const remote = await remoteTarget(remoteOptions(flags));
    process.exitCode = await compareTargets(localTarget(url), remote, scenarios, flags);
  });
}

/** Runs both sides, prints the comparison, writes --json; returns the exit code. Shared with `demo`. */
export async function compareTargets(
  local: Target,
  remote: Target,
  scenarios: LoadedScenario[],
  flags: { timeout?: string; workers?: string; json?: string; color?: boolean; reporter?: string; trace?: string },
): Promise<number> {
  const { runScenarios } = await import('../../scenario/runner.js');
  const { parseReporterSpecs } = await import('../../report/reporters.js');
  // The side-by-side table is printed below; of --reporter only the HTML report takes both runs.
  const specs = (flags.reporter ? parseReporterSpecs(flags.reporter) : []).filter((sp) => sp.name === 'html' && sp.file);
  // One listener set for both sides: the HTML report and the HAR hold the two runs side by side.
  const { listeners, captureWire } = await runListeners(specs, { trace: flags.trace, color: flags.color });
  const { compareRuns, renderComparison } = await import('../../report/compare.js');
  const { styleFor } = await import('../../report/style.js');
  const { installRunSignals, runAbortSignal } = await import('../signals.js');
  const opts = { stepTimeoutMs: parseTimeout(flags.timeout), workers: parsePositiveInt(flags.workers, '--workers', 1), signal: runAbortSignal(), listeners, captureWire };
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
    const withoutTraces = (r: RunResult) => ({ ...r, scenarios: r.scenarios.map(({ trace: _trace, ...sc }) => sc) });
    await writeFile(flags.json, JSON.stringify({ ...cmp, runs: cmp.runs.map(withoutTraces) }, null, 2) + '\n');
  }
  const codes = [exitCodeOf(a), exitCodeOf(b)];
  const interrupted = codes.find((c) => c === ExitCode.Interrupted || c === ExitCode.Terminated);
  if (interrupted !== undefined) return interrupted;
  if (codes.includes(ExitCode.Connect)) return ExitCode.Connect;
  return codes.includes(ExitCode.Failed) ? ExitCode.Failed : ExitCode.Passed;
}
