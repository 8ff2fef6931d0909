// `mcp-verify demo`: the embedded default. Starts the reference server in-process on a free port and
// runs the bundled suite against it: the whole tool, with nothing to set up.
import type { Command } from 'commander';
import { addRunFlags, exitCodeOf, loadSuite, runSuiteOn, type RunFlags } from '../run-suite.js';

export function registerDemo(program: Command): void {
  const cmd = program
    .command('demo')
    .description('Start the bundled reference server in-process and run the bundled suite against it.');
  addRunFlags(cmd).addHelpText(
    'after',
    `
Example:
  mcp-verify demo              # prints the PASS/FAIL table, every feature PASS
  mcp-verify demo --reporter plain`,
  );
  cmd.action(async (flags: RunFlags) => {
    const scenarios = await loadSuite([]);
    const { startTravelServer } = await import('../../servers/travel/server.js');
    const { localTarget } = await import('../../target/target.js');
    const server = await startTravelServer({ port: 0, host: '127.0.0.1' });
    try {
      const run = await runSuiteOn(localTarget(server.url), scenarios, flags);
      process.exitCode = exitCodeOf(run);
    } finally {
      await server.close();
    }
  });
}
