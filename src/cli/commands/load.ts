// `mcp-verify load`: many concurrent stateful sessions running the scenarios, with cold and warm latency,
// thresholds that gate CI and shards across machines. Wiring only: the engine is src/load/.
import type { Command } from 'commander';
import { ExitCode, UsageError } from '../../errors.js';
import { addRemoteFlags, remoteOptions, REMOTE_HELP, type RemoteFlags } from '../remote-flags.js';
import { loadSuite } from '../run-suite.js';
import { DEFAULT_LOCAL_URL, parseHttpUrl } from './local.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface LoadCliFlags extends RemoteFlags {
  url?: string;
  concurrency?: string;
  duration?: string;
  iterations?: string;
  rampUp?: string;
  rate?: string;
  mode?: string;
  sessionIterations?: string;
  shard?: string;
  threshold?: string[];
  reporter?: string;
  timeout?: string;
  gracefulStop?: string;
  statusInterval?: string;
  grep?: string;
  tag?: string[];
  var?: string[];
  secretVar?: string[];
  maxResponse?: string;
  elicitation?: boolean;
  sampling?: boolean;
}

export function registerLoad(program: Command): void {
  const cmd = program
    .command('load')
    .description('Load-test an MCP endpoint with many concurrent stateful sessions running your scenarios, every answer still checked.')
    .argument('[paths...]', 'scenario files or directories (default: the bundled travel suite)')
    .option('--url <url>', `a plain-HTTP MCP endpoint (default ${DEFAULT_LOCAL_URL} unless --arn/--runtime-id is given)`);
  addRemoteFlags(cmd);
  cmd
    .option('-c, --concurrency <n>', 'virtual users (of the whole run, all shards), each with its own sessions', '10')
    .option('--duration <duration>', 'stop starting iterations after this long (30s, 2m; default 30s unless --iterations)')
    .option('--iterations <n>', 'iterations of the whole run (all shards); with --duration, whichever comes first')
    .option('--mode <mode>', 'cold: a new session per iteration (initialize, steps, end); warm: one session per user, reused; mixed: a new session every --session-iterations', 'warm')
    .option('--session-iterations <n>', 'with --mode mixed: iterations per session (default 10)')
    .option('--ramp-up <duration>', 'start the users evenly over this long (10s)')
    .option('--rate <per-second>', 'iteration starts per second for the whole run (open model), e.g. to stay under a platform limit')
    .option('--threshold <expr>', "pass/fail rule (repeatable), e.g. 'p99<500ms', 'tools/call:plan_trip p95<2s', 'errors<0.1%', 'cold.ready p99<3s'", collect)
    .option('--shard <i/n>', 'run the i-th of n shares of the virtual users (a CI matrix is the distributed engine; merge with merge-reports)')
    .option('--reporter <list>', 'comma-separated, each NAME or NAME=FILE: table, json, markdown, github', 'table')
    .option('--timeout <duration>', 'per-request timeout', '30s')
    .option('--graceful-stop <duration>', 'when the duration ends: how long running iterations may finish before they are cut off', '10s')
    .option('--status-interval <duration>', 'without a terminal: a status line this often on stderr (0: none)', '5s')
    .option('--grep <regex>', 'run only scenarios whose id (file#name) or description matches')
    .option('--tag <tag>', 'run only scenarios with this tag (repeatable)', collect)
    .option('--var <name=value>', 'a variable for ${name} in scenario files (repeatable)', collect)
    .option('--secret-var <name=value>', 'like --var, and the value is redacted from every output and report', collect)
    .option('--max-response <size>', 'largest response accepted (512KB, 16MB)', '16MB')
    .option('--no-elicitation', 'do not declare the elicitation capability')
    .option('--no-sampling', 'do not declare the sampling capability')
    .addHelpText(
      'after',
      `
Each virtual user runs the scenarios round-robin (iteration k runs scenario k mod the number of
scenarios) with their scripted answers, and every expectation is checked as \`local\` checks it: a
wrong answer (one routed to another session, say) is a failed iteration. \${load.vu} and
\${load.iteration} are variables too, so answers can be per-session values the server must echo.

Measured per phase (cold: the iteration opened a session; warm: it reused one), per JSON-RPC method and
tool (tools/call:NAME) and per scenario: p50/p90/p95/p99/max, throughput, session ready (initialize +
initialized), time to first result, time to the first elicitation / progress / sampling in a step,
failed iterations by cause (HTTP status, JSON-RPC code, timeout, expectation) and by check.

Thresholds (k6 style; repeatable): [METRIC] AGGREGATE OP VALUE
  METRIC     requests (default), iteration, ready, first_result, first_elicitation, first_progress,
             tools/call, tools/call:NAME, resources/read, prompts/get:NAME, scenario:NAME, each with an
             optional cold. or warm. prefix; or errors (rate of failed iterations), throughput
             (requests/s), iterations
  AGGREGATE  p50 p90 p95 p99 p(99.9) min max avg count (errors: rate or count)
  Without an errors threshold every iteration must pass (errors==0).

Examples:
  mcp-verify load --url http://127.0.0.1:8000/mcp --concurrency 20 --duration 30s
  mcp-verify load --url ... --mode cold --iterations 200 --threshold 'cold.ready p99<3s'
  mcp-verify load --url ... scenarios/ --threshold 'p99<500ms' --threshold 'errors<0.1%' --reporter table,json=load.json
  mcp-verify load --arn arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/travel-AbCdEf1234 --rate 20
  mcp-verify load --url ... --concurrency 40 --shard 2/4 --reporter json=shard-2.json   # then: mcp-verify merge-reports shard-*.json
${REMOTE_HELP}

Exit codes: 0 every threshold held, 1 a threshold was violated, 2 usage or scenario-file error,
3 could not connect or authenticate, 130/143 interrupted (partial results are reported and written).`,
    )
    .action(async (paths: string[], flags: LoadCliFlags) => {
      const remote = flags.arn !== undefined || flags.runtimeId !== undefined;
      if (remote && flags.url) throw new UsageError('give --url (a plain-HTTP endpoint) or --arn/--runtime-id (AgentCore), not both');
      const { resolveLoadOptions, loadWarnings } = await import('../../load/options.js');
      const options = resolveLoadOptions(flags);
      const { parseLoadReporters, checkReportPaths, createLoadReporters, statusListener } = await import('../../load/reporters.js');
      const specs = parseLoadReporters(flags.reporter);
      const { parseByteSize } = await import('../../run/plan.js');
      const maxResponseBytes = parseByteSize(flags.maxResponse);
      const withhold = [...(flags.elicitation === false ? ['elicitation' as const] : []), ...(flags.sampling === false ? ['sampling' as const] : [])];
      let url: URL | undefined;
      if (!remote) url = parseHttpUrl(flags.url ?? DEFAULT_LOCAL_URL);
      else (await import('../../target/remote.js')).resolveRemoteEndpoint(remoteOptions(flags));

      const { selectScenarios } = await import('../../scenario/selection.js');
      const { checkVariables, knownSecrets, parseVarFlags } = await import('../../scenario/variables.js');
      const all = await loadSuite(paths);
      const scenarios = selectScenarios(all, { grep: flags.grep, tag: flags.tag });
      if (scenarios.length === 0) throw new UsageError('no scenarios to run');
      const plain = parseVarFlags(flags.var, '--var');
      const secret = parseVarFlags(flags.secretVar, '--secret-var');
      const variables = { env: process.env, cli: { ...plain, ...secret }, cliSecrets: Object.keys(secret) };
      // ${load.vu} and ${load.iteration} are set per iteration; the check only needs to know they exist.
      checkVariables(scenarios, { ...variables, cli: { ...variables.cli, 'load.vu': '1', 'load.iteration': '1' } });
      checkReportPaths(specs);

      const target = remote ? await (await import('../../target/remote.js')).remoteTarget(remoteOptions(flags)) : (await import('../../target/target.js')).localTarget(url!);
      const { Redactor } = await import('../../redact.js');
      const redactor = new Redactor([...target.secrets, ...knownSecrets(scenarios, variables)]);
      const { targetSummary } = await import('../../run/run-result.js');
      const { runLoad } = await import('../../load/engine.js');
      const { installRunSignals, runAbortSignal, interruptExitCode } = await import('../signals.js');
      const { VERSION } = await import('../../version.js');
      const status = statusListener(process.stderr, options.statusIntervalMs);
      const release = installRunSignals();
      let report;
      try {
        report = await runLoad({
          target,
          targetSummary: redactor.value(targetSummary(target)),
          scenarios,
          options,
          settings: { timeoutMs: options.timeoutMs, maxResponseBytes, withhold },
          variables,
          signal: runAbortSignal(),
          listeners: [status.listener, ...createLoadReporters(specs, process.stdout)],
          warnings: loadWarnings(options, target.kind),
          version: VERSION,
          tickMs: status.tickMs,
          redact: (v) => redactor.value(v),
        });
      } finally {
        release();
      }
      process.exitCode = report.connectError ? ExitCode.Connect : report.interrupted ? (interruptExitCode() ?? ExitCode.Interrupted) : report.passed ? ExitCode.Passed : ExitCode.Failed;
    });
}
