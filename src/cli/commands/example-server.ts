// `mcp-verify example-server`: runs the bundled Travel Planner reference server (the seed's FastMCP
// server ported to TypeScript) so users can try the harness, or reproduce the stateless pitfall,
// without writing a server first.

import { InvalidArgumentError, type Command } from 'commander';

const DEFAULT_PORT = 8000;
const DEFAULT_HOST = '127.0.0.1';

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('expected a port number 0-65535.');
  return port;
}

export function registerExampleServer(program: Command): void {
  program
    .command('example-server')
    .description('Run the Travel Planner reference MCP server (elicitation, sampling, progress) at /mcp.')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, DEFAULT_PORT)
    .option('--host <host>', 'address to bind; 0.0.0.0 exposes it to the network', DEFAULT_HOST)
    .option('--stateless', "run without sessions, like FastMCP's stateless_http=True (elicitation and sampling break)")
    .addHelpText(
      'after',
      `
Examples:
  $ mcp-verify example-server                  # stateful, http://127.0.0.1:8000/mcp
  $ mcp-verify example-server --port 0         # any free port (printed on start)
  $ mcp-verify example-server --stateless      # reproduce the "stateless_http" pitfall
  $ mcp-verify example-server --host 0.0.0.0   # reachable from other machines

Then, in another terminal:
  $ mcp-verify local

Tools: plan_trip (3 elicitations + sampling + progress), quick_recommend (sampling),
search_flights (progress + logs), noop (answers at once: overhead measurement). Stop with Ctrl-C.`,
    )
    .action(async (opts: { port: number; host: string; stateless?: boolean }) => {
      // Loaded here, not at the top: the server pulls in the whole SDK, and every other command
      // should not pay for that at start-up.
      const { startTravelServer } = await import('../../servers/travel/server.js');
      const stateless = opts.stateless === true;
      const server = await startTravelServer({
        port: opts.port,
        host: opts.host,
        stateless,
        log: (line) => process.stdout.write(`  ${line}\n`),
      });

      const mode = stateless ? 'stateless' : 'stateful';
      process.stdout.write(`Travel Planner reference server (${mode}) listening on ${server.url}\n`);
      if (stateless) {
        process.stdout.write(
          'note: no sessions, so plan_trip fails and quick_recommend hangs: this is the pitfall the seed warns about\n',
        );
      }
      const isDefaultUrl = server.url === `http://${DEFAULT_HOST}:${DEFAULT_PORT}/mcp`;
      process.stdout.write(`run: mcp-verify local${isDefaultUrl ? '' : ` --url ${server.url}`}\n`);

      const { untilStopSignal } = await import('../signals.js');
      await untilStopSignal();
      await server.close();
      process.stdout.write('stopped\n');
    });
}
