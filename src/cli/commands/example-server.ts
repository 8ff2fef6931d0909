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
    .option('--like <server>', 'reference (spec-correct, the default) or fastmcp: behave on the wire as the real FastMCP 3 travel server does (no logging capability yet logs, structuredContent, lax integers, its error codes, any Origin); fastmcp speaks only 2025-11-25', 'reference')
    .option('--era <era>', 'protocol eras to serve: both (default: 2025-11-25 sessions and 2026-07-28 multi-round-trip requests on one endpoint), legacy (2025-11-25 only) or modern (2026-07-28 only); --like fastmcp is legacy only')
    .addHelpText(
      'after',
      `
Examples:
  $ mcp-verify example-server                  # stateful, http://127.0.0.1:8000/mcp
  $ mcp-verify example-server --port 0         # any free port (printed on start)
  $ mcp-verify example-server --stateless      # reproduce the "stateless_http" pitfall
  $ mcp-verify example-server --like fastmcp   # FastMCP 3's observable behaviour (add --stateless too)
  $ mcp-verify example-server --host 0.0.0.0   # reachable from other machines
  $ mcp-verify example-server --era legacy     # a legacy-only server (2025-11-25 sessions, no server/discover)
  $ mcp-verify example-server --era modern     # 2026-07-28 only: initialize is refused (-32022)

Protocol eras (both by default, one endpoint; each request is routed by the SDK's own classifier):
  2025-11-25  initialize, Mcp-Session-Id, elicitation/sampling sent to the client during the call
  2026-07-28  no initialize or session: server/discover, per-request _meta, and plan_trip /
              quick_recommend answer resultType "input_required" (inputRequests + an HMAC-sealed
              requestState); the client retries with inputResponses. Edited requestState → -32602,
              a retry without the answer is asked again, progress rides each request's own stream,
              logs only when the request sets _meta["io.modelcontextprotocol/logLevel"].
  --like fastmcp serves 2025-11-25 only: FastMCP does not speak 2026-07-28.

Then, in another terminal:
  $ mcp-verify local

Tools: plan_trip (3 elicitations + sampling + progress), quick_recommend (sampling),
search_flights (progress + logs), noop (answers at once: overhead measurement). Stop with Ctrl-C.`,
    )
    .action(async (opts: { port: number; host: string; stateless?: boolean; like: string; era?: string }) => {
      const { UsageError } = await import('../../errors.js');
      if (opts.like !== 'reference' && opts.like !== 'fastmcp') {
        throw new UsageError(`--like takes reference or fastmcp (got "${opts.like}")`);
      }
      if (opts.era !== undefined && opts.era !== 'both' && opts.era !== 'legacy' && opts.era !== 'modern') {
        throw new UsageError(`--era takes both, legacy or modern (got "${opts.era}")`);
      }
      if (opts.like === 'fastmcp' && opts.era !== undefined && opts.era !== 'legacy') {
        throw new UsageError(`--like fastmcp serves only 2025-11-25: FastMCP does not speak 2026-07-28 (drop --era ${opts.era})`);
      }
      const era = (opts.era ?? (opts.like === 'fastmcp' ? 'legacy' : 'both')) as 'both' | 'legacy' | 'modern';
      // Loaded here, not at the top: the server pulls in the whole SDK, and every other command
      // should not pay for that at start-up.
      const { startTravelServer } = await import('../../servers/travel/server.js');
      const stateless = opts.stateless === true;
      const server = await startTravelServer({
        port: opts.port,
        host: opts.host,
        stateless,
        like: opts.like,
        era,
        log: (line) => process.stdout.write(`  ${line}\n`),
      });

      const mode = stateless ? 'stateless' : 'stateful';
      const eras = { both: `2025-11-25 ${mode} + 2026-07-28`, legacy: `2025-11-25 ${mode} only`, modern: '2026-07-28 only' }[era];
      process.stdout.write(`Travel Planner ${opts.like === 'fastmcp' ? 'server, FastMCP 3 behaviour' : 'reference server'} (${eras}) listening on ${server.url}\n`);
      if (stateless && opts.like === 'fastmcp') {
        process.stdout.write('note: no sessions, so plan_trip\'s elicitation answers are lost and quick_recommend is refused, as FastMCP stateless_http=True does\n');
      } else if (stateless) {
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
