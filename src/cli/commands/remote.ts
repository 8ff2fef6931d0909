// `mcp-verify remote`: the same scenarios against an AgentCore runtime, SigV4-signed (or bearer).
import type { Command } from 'commander';
import { addRunFlags, addSuiteFlags, checkSuiteFlags, loadSuite, runChosenSuite, type SuiteFlags } from '../run-suite.js';
import { addRemoteFlags, remoteOptions, runRemoteTargetFromFlags, REMOTE_HELP, type RemoteFlags } from '../remote-flags.js';

export function registerRemote(program: Command): void {
  const cmd = program
    .command('remote')
    .description('Run scenarios against an Amazon Bedrock AgentCore runtime (SigV4 or bearer token).')
    .argument('[paths...]', 'scenario files or directories (default: the bundled travel suite)');
  addRemoteFlags(cmd);
  addSuiteFlags(cmd);
  addRunFlags(cmd).addHelpText(
    'after',
    `
Examples:
  mcp-verify remote --arn arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/travel-AbCdEf1234
  mcp-verify remote --arn ... --qualifier DEFAULT --profile dev
  mcp-verify remote --runtime-id travel-AbCdEf1234 --account-id 123456789012 --region us-west-2
  AGENTCORE_TOKEN=eyJ... mcp-verify remote --arn ... --bearer-token-env AGENTCORE_TOKEN
  mcp-verify remote --arn ... --endpoint-url http://127.0.0.1:9000   # the local emulator
  mcp-verify remote --arn ... --suite protocol                       # the spec checks, through AgentCore
${REMOTE_HELP}

Exit codes: 0 all passed, 1 a scenario failed, 2 usage or scenario-file error (a bad ARN too),
3 could not connect or authenticate (missing or expired credentials, unknown profile, 403).`,
  );
  cmd.action(async (paths: string[], flags: SuiteFlags & RemoteFlags) => {
    const { resolveRemoteEndpoint } = await import('../../target/remote.js');
    resolveRemoteEndpoint(remoteOptions(flags)); // flag mistakes are exit 2 before files or credentials
    checkSuiteFlags(paths, flags);
    const scenarios = flags.suite === 'protocol' ? undefined : await loadSuite(paths);
    const target = await runRemoteTargetFromFlags(flags);
    process.exitCode = await runChosenSuite(target, paths, flags, scenarios);
  });
}
