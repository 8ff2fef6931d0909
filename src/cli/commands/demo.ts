// `mcp-verify demo`: the embedded default. Starts the reference server in-process on a free port, puts
// the AgentCore emulator in front of it, and runs the bundled suite both ways: the seed article's
// Local vs Remote table, with nothing to set up and no AWS account.
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { addRunFlags, loadSuite, runOnTarget, type RunFlags } from '../run-suite.js';

/** Any well-formed ARN works against the emulator; this one names the demo. */
export const DEMO_ARN = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/travel_demo-AbCdEf1234';

export function registerDemo(program: Command): void {
  const cmd = program
    .command('demo')
    .description('Run the bundled suite against the bundled reference server, directly and through the AgentCore emulator.')
    .option('--local-only', 'only the local run (the plain PASS/FAIL table, with --reporter)');
  addRunFlags(cmd).addHelpText(
    'after',
    `
Examples:
  mcp-verify demo                # Local vs Remote (emulated AgentCore, SigV4) table, every row PASS
  mcp-verify demo --local-only --reporter plain
  mcp-verify demo --reporter table,junit=reports/demo.xml   # both sides in one JUnit file

The remote side signs every request with throwaway demo credentials that only the in-process
emulator knows; nothing leaves this machine.`,
  );
  cmd.action(async (flags: RunFlags & { localOnly?: boolean }) => {
    const scenarios = await loadSuite([]);
    const { startTravelServer } = await import('../../servers/travel/server.js');
    const { localTarget } = await import('../../target/target.js');
    const server = await startTravelServer({ port: 0, host: '127.0.0.1' });
    try {
      if (flags.localOnly) {
        process.exitCode = await runOnTarget(localTarget(server.url), scenarios, flags);
        return;
      }
      const { startAgentCoreEmulator } = await import('../../servers/agentcore/emulator.js');
      const { remoteTarget } = await import('../../target/remote.js');
      const { runComparison } = await import('./compare.js');
      const credentials = { accessKeyId: `AKIADEMO${randomBytes(6).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(30).toString('base64') };
      const emulator = await startAgentCoreEmulator({ upstream: server.url, port: 0, region: 'us-west-2', credentials });
      try {
        const remote = await remoteTarget({ arn: DEMO_ARN, endpointUrl: emulator.url, credentials });
        remote.label = 'Remote (AgentCore emulator)';
        process.exitCode = await runComparison(localTarget(server.url), remote, scenarios, flags);
      } finally {
        await emulator.close();
      }
    } finally {
      await server.close();
    }
  });
}
