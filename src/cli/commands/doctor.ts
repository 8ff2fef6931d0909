// `mcp-verify doctor`: a short diagnosis of one MCP endpoint (local URL or AgentCore runtime), a line
// per finding with its verdict and, where something is wrong, the fix.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { addRemoteFlags, remoteOptions, remoteTargetFromFlags, REMOTE_HELP, type RemoteFlags } from '../remote-flags.js';
import { sanitizeValue } from '../../terminal/sanitize.js';
import { addEraFlag, addProtocolToolFlags, durationOption, type ProtocolToolFlags } from '../run-suite.js';
import { DEFAULT_LOCAL_URL, parseHttpUrl } from './local.js';
import { addLocalAuthFlags, withLocalAuth, type LocalAuthFlags } from '../../target/local-auth.js';

interface DoctorFlags extends RemoteFlags, ProtocolToolFlags, LocalAuthFlags {
  url?: string;
  /** ms (durationOption) */
  timeout: number;
  color?: boolean;
  json?: boolean;
  strict?: boolean;
  /** `--era` (src/era.ts), parsed by commander. */
  era?: string;
}

export function registerDoctor(program: Command): void {
  const cmd = program
    .command('doctor')
    .description('Diagnose an MCP endpoint: reachability, initialize, protocol version, session id, GET/DELETE support, elicitation and sampling, with a fix for each problem.')
    .option('--url <url>', `the MCP endpoint (default ${DEFAULT_LOCAL_URL}; or name an AgentCore runtime with --arn)`);
  addRemoteFlags(cmd);
  addLocalAuthFlags(cmd, false);
  addEraFlag(addProtocolToolFlags(cmd))
    .addOption(durationOption('--timeout <duration>', 'per-request timeout', '10s'))
    .option('--json', 'print the findings as JSON instead of text')
    .option('--strict', 'a WARN finding (a call\'s traffic on the GET stream, an undeclared capability) fails too (exit 1)')
    .option('--no-strict', 'WARN findings do not fail, even when the config file says strict: true')
    .option('--no-color', 'no colours (also: NO_COLOR=1)')
    .addHelpText(
      'after',
      `
Examples:
  mcp-verify doctor                                   # the server at ${DEFAULT_LOCAL_URL}
  mcp-verify doctor --url http://localhost:3001/mcp --elicit-tool ask_user --sample-tool summarize
  mcp-verify doctor --arn arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/travel-AbCdEf1234
  mcp-verify example-server --stateless --port 8001 & mcp-verify doctor --url http://127.0.0.1:8001/mcp

Elicitation and sampling are tried through a tool that uses them: the one named with --elicit-tool /
--sample-tool, else a known one (plan_trip, quick_recommend, trigger-elicitation-request, …), else the
only tool whose name contains "elicit" / "sampl". Elicitations are answered with a schema-valid default
for every field, sampling with a fixed text. For every spec rule, run the protocol suite:
  mcp-verify local --suite protocol --url ...
${REMOTE_HELP}

Exit codes: 0 nothing failed, 1 a finding failed (or warned, with --strict), 2 usage error, 3 unreachable or authentication refused.`,
    );
  cmd.action(async (flags: DoctorFlags) => {
    const remote = !!(flags.arn || flags.runtimeId);
    if (remote && flags.url) throw new UsageError('give either --url (any endpoint) or --arn / --runtime-id (an AgentCore runtime), not both');
    const timeoutMs = flags.timeout;
    let target;
    let suiteCommand: string | undefined;
    if (remote) {
      const { remoteTarget, resolveRemoteEndpoint } = await import('../../target/remote.js');
      resolveRemoteEndpoint(remoteOptions(flags)); // flag mistakes are exit 2 before credentials
      target = await remoteTargetFromFlags(flags);
      // `remote` has no --suite yet; point at nothing rather than at a command that does not exist.
      suiteCommand = undefined;
    } else {
      const url = parseHttpUrl(flags.url ?? DEFAULT_LOCAL_URL);
      const { localTarget } = await import('../../target/target.js');
      target = withLocalAuth(localTarget(url), flags);
      suiteCommand = `mcp-verify local --suite protocol --url ${url}`;
    }
    const { runDoctor } = await import('../../doctor/doctor.js');
    const { doctorOutcome } = await import('../../doctor/findings.js');
    const { exitCode } = await import('../../run/exit-code.js');
    const { parseEra } = await import('../../era.js');
    const era = parseEra(flags.era);
    const report = await runDoctor(target, { timeoutMs, progressTool: flags.progressTool, elicitTool: flags.elicitTool, sampleTool: flags.sampleTool, ...(era === 'modern' ? { era } : {}) });
    if (flags.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else {
      const { renderDoctor } = await import('../../doctor/report.js');
      const { styleFor } = await import('../../report/style.js');
      process.stdout.write(renderDoctor(sanitizeValue(report), styleFor(process.stdout, flags.color === false), suiteCommand));
    }
    process.exitCode = exitCode(doctorOutcome(report, flags.strict));
  });
}
