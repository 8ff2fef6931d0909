// `mcp-verify compare`: the same suite against a local URL and an AgentCore runtime, side by side.
// Two plans (one per target, the same flags and pre-run checks as `local`) run on the one execution
// path; a comparison listener prints the Local vs Remote table once both have ended.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { Target } from '../../target/target.js';
import { addRunFlags, addSuiteFlags, checkSuiteFlags, loadSuite, type ProtocolToolFlags, type RunFlags, type SuiteFlags } from '../run-suite.js';
import { addRemoteFlags, remoteOptions, runRemoteTargetFromFlags, REMOTE_HELP, type RemoteFlags } from '../remote-flags.js';
import { DEFAULT_LOCAL_URL, parseHttpUrl } from './local.js';
import type { LoadedScenario } from '../../scenario/loader.js';

export interface CompareFlags extends RunFlags, ProtocolToolFlags {
  suite?: string;
  json?: string;
}

export function registerCompare(program: Command): void {
  const cmd = program
    .command('compare')
    .description('Run the same scenarios locally and on AgentCore and print them side by side.')
    .argument('[paths...]', 'scenario files or directories (default: the bundled travel suite)')
    .option('--url <url>', 'the local MCP endpoint', DEFAULT_LOCAL_URL)
    .option('--json <file>', 'also write the comparison (both full results) as JSON');
  addRemoteFlags(cmd);
  addSuiteFlags(cmd);
  addRunFlags(cmd).addHelpText(
    'after',
    `
Every run flag of \`local\` works here, on both sides (--workers is per side). The default reporter
is the Local vs Remote table; any other --reporter (json, junit, tap, github, plain) gets one run
holding both sides, each scenario named "<side>: <scenario>"; html=FILE and --trace FILE hold the two
runs side by side (session timelines, every HTTP exchange).

Examples:
  mcp-verify compare --url http://localhost:8000/mcp --arn arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/travel-AbCdEf1234
  mcp-verify compare --arn ... --endpoint-url http://127.0.0.1:9000 --json compare.json
  mcp-verify compare --arn ... --grep elicitation --reporter table,junit=reports/compare.xml
  mcp-verify compare --arn ... --reporter table,html=compare.html --trace compare.har
${REMOTE_HELP}

Exit codes: 0 both passed, 1 a scenario failed on either side, 2 usage or scenario-file error,
3 either side unreachable, 130/143 interrupted (the comparison of what ran is still printed).`,
  );
  cmd.action(async (paths: string[], flags: SuiteFlags & CompareFlags & RemoteFlags & { url: string }) => {
    const url = parseHttpUrl(flags.url);
    const { resolveRemoteEndpoint } = await import('../../target/remote.js');
    resolveRemoteEndpoint(remoteOptions(flags)); // flag mistakes are exit 2 before files or credentials
    checkSuiteFlags(paths, flags);
    const scenarios = flags.suite === 'protocol' ? [] : await loadSuite(paths);
    const { localTarget } = await import('../../target/target.js');
    process.exitCode = await runComparison(localTarget(url), () => runRemoteTargetFromFlags(flags), scenarios, flags);
  });
}

/**
 * Plans both sides (every user mistake is exit 2 before either connects), runs them at once on the
 * one execution path, and returns the exit code. Shared with `demo`. `remote` is made after the
 * local plan so a bad ${env.X} is reported before credentials are looked up.
 */
export async function runComparison(local: Target, remote: Target | (() => Promise<Target>), scenarios: LoadedScenario[], flags: CompareFlags): Promise<number> {
  if (flags.interactive || flags.record) {
    throw new UsageError('--interactive and --record answer one target at a time: use local or remote (or demo --local-only)');
  }
  const { buildPlan, planForEra } = await import('../../run/plan.js');
  const localPlan = await buildPlan(flags, scenarios, local);
  const remoteTarget = typeof remote === 'function' ? await remote() : remote;
  const remotePlan = await buildPlan(flags, scenarios, remoteTarget);
  // `--era both`: each target on each era, legacy first (the migration table's columns).
  const plans = [localPlan, remotePlan].flatMap((p) => p.eras.map((era) => planForEra(p, era)));
  const { runSides } = await import('../run-sides.js');
  const { cliReporters, runControl } = await import('../run-suite.js');
  return runSides(plans, { json: flags.json, noColor: flags.color === false, reporters: await cliReporters(flags), control: runControl });
}
