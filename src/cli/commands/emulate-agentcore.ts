// `mcp-verify emulate-agentcore`: runs the local EMULATOR of the AgentCore Runtime data plane in front
// of an MCP server, so the remote path (encoded-ARN URL, SigV4 or bearer, platform session ids, 405s)
// can be tested without an AWS account. The startup lines say plainly that this is not AWS.

import { InvalidArgumentError, type Command } from 'commander';
import { parseDuration } from '../../scenario/duration.js';

const EXAMPLE_ARN_RUNTIME = 'my_agent-Ab12Cd34Ef';

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('expected a port number 0-65535.');
  return port;
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number of seconds.');
  return n;
}

/** A delay of 0 or more, by the project's one Duration rule: a bare number is milliseconds; 800ms, 2s, 1m. */
function parseDelay(value: string): number {
  if (/^0+(?:\.0+)?\s*(ms|s|m)?$/.test(value.trim())) return 0;
  const r = parseDuration(value);
  if ('problem' in r) throw new InvalidArgumentError(r.problem);
  return r.ms;
}

function choice<T extends string>(...allowed: T[]) {
  return (value: string): T => {
    if (!(allowed as string[]).includes(value)) throw new InvalidArgumentError(`expected one of: ${allowed.join(', ')}.`);
    return value as T;
  };
}

interface EmulateFlags {
  upstream: string;
  port: number;
  host: string;
  region: string;
  arn?: string;
  auth: 'sigv4' | 'bearer';
  bearerTokenEnv?: string;
  profile?: string;
  idleTimeout: number;
  coldStart: number;
  get: '405' | 'proxy';
  delete: '405' | 'proxy';
  modernSession: 'ignore' | 'mint' | 'forward';
  allowedHosts?: string;
}

export function registerEmulateAgentCore(program: Command): void {
  program
    .command('emulate-agentcore')
    .description('Run a local EMULATOR of the AgentCore Runtime MCP data plane (not AWS) in front of an MCP server.')
    .requiredOption('--upstream <url>', 'the MCP server to put behind it, e.g. http://127.0.0.1:8000/mcp')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, 9000)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--region <region>', 'region of the emulated data plane; requests must be signed for it', 'us-west-2')
    .option('--arn <arn>', 'serve only this runtime ARN (default: any well-formed ARN in --region)')
    .option('--auth <method>', 'sigv4 (IAM) or bearer (JWT); a runtime accepts one, never both', choice('sigv4', 'bearer'), 'sigv4')
    .option('--bearer-token-env <name>', 'with --auth bearer: NAME of the env variable holding the only token to accept (default: any token)')
    .option('--profile <name>', 'with --auth sigv4: AWS profile whose credentials requests must be signed with')
    .option('--idle-timeout <seconds>', 'end a session after this many idle seconds (AgentCore allows 60-28800)', parseSeconds, 900)
    .option('--cold-start <duration>', "delay a new session's first request by this much, like a microVM being provisioned (800ms, 2s); later requests are not delayed", parseDelay, 0)
    .option('--get <mode>', 'answer GET (standalone SSE stream) with 405 or proxy it', choice('405', 'proxy'), '405')
    .option('--delete <mode>', 'answer DELETE (end session) with 405 or proxy it', choice('405', 'proxy'), '405')
    .option('--modern-session <mode>', 'what the platform does with Mcp-Session-Id on 2026-07-28 traffic, which AWS does not document: ignore (no platform session, nothing minted or forwarded), mint (a platform session per request without an id, returned like legacy traffic) or forward (a transparent pipe)', choice('ignore', 'mint', 'forward'), 'ignore')
    .option('--allowed-hosts <list>', 'comma-separated host names the Host and Origin headers may name, besides loopback (DNS-rebinding protection)')
    .addHelpText(
      'after',
      `
Example:
  $ mcp-verify example-server &                 # an MCP server at http://127.0.0.1:8000/mcp
  $ export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=example-secret
  $ mcp-verify emulate-agentcore --upstream http://127.0.0.1:8000/mcp
  $ mcp-verify remote --arn arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/${EXAMPLE_ARN_RUNTIME} \\
      --endpoint-url http://127.0.0.1:9000

SigV4 requests are checked against the credentials of the default AWS chain (environment, --profile,
AWS_PROFILE, ...), the same chain the client uses, so any credentials work locally. This is an
emulator of the documented contract, not AWS: where AWS's behaviour is unknown (GET, DELETE) it is an
option. Stop with Ctrl-C.

Both protocol eras pass through: 2025-11-25 sessions get a platform-minted Mcp-Session-Id as on
AgentCore; 2026-07-28 requests (a modern MCP-Protocol-Version or a _meta envelope) are forwarded with
SigV4/bearer checked the same way. What AgentCore does with Mcp-Session-Id on 2026-07-28 traffic is
UNKNOWN (not documented); --modern-session picks a behaviour (default ignore: no platform session).
Test your client against all three if it must survive whichever AWS chose.`,
    )
    .action(async (flags: EmulateFlags) => {
      // Loaded here: the emulator pulls in undici, the signer and the AWS credential chain.
      const { startAgentCoreEmulator } = await import('../../servers/agentcore/emulator.js');
      const { UsageError } = await import('../../errors.js');
      if (flags.auth !== 'bearer' && flags.bearerTokenEnv) {
        throw new UsageError('--bearer-token-env needs --auth bearer.');
      }
      if (flags.auth === 'bearer' && flags.profile) {
        throw new UsageError('--profile selects SigV4 credentials; it cannot be combined with --auth bearer.');
      }
      let bearerToken: string | undefined;
      if (flags.bearerTokenEnv) {
        const { readBearerToken } = await import('../../target/bearer.js');
        bearerToken = readBearerToken(flags.bearerTokenEnv);
      }
      const out = (line: string) => process.stdout.write(`${line}\n`);
      const emulator = await startAgentCoreEmulator({
        upstream: flags.upstream,
        port: flags.port,
        host: flags.host,
        region: flags.region,
        arn: flags.arn,
        auth: flags.auth,
        bearerToken,
        profile: flags.profile,
        idleTimeoutSeconds: flags.idleTimeout,
        coldStartMs: flags.coldStart,
        getMode: flags.get,
        deleteMode: flags.delete,
        modernSessionMode: flags.modernSession,
        allowedHosts: flags.allowedHosts?.split(',').map((h) => h.trim()).filter(Boolean),
        log: (line) => out(`  ${line}`),
      });

      const arn = flags.arn ?? `arn:aws:bedrock-agentcore:${emulator.region}:123456789012:runtime/${EXAMPLE_ARN_RUNTIME}`;
      const authText =
        flags.auth === 'bearer'
          ? `bearer token${flags.bearerTokenEnv ? ` (must equal $${flags.bearerTokenEnv})` : ' (any non-empty token)'}`
          : `SigV4 for service bedrock-agentcore in ${emulator.region}, credentials from the default AWS chain${flags.profile ? ` (profile ${flags.profile})` : ''}`;
      out(`AgentCore Runtime EMULATOR (local, NOT AWS) listening on ${emulator.url}`);
      out(`  upstream MCP server: ${flags.upstream}`);
      out(`  auth: ${authText}`);
      out(`  GET: ${flags.get}, DELETE: ${flags.delete}, idle timeout: ${flags.idleTimeout}s${flags.coldStart ? `, cold start: ${flags.coldStart}ms` : ''}`);
      out(`  2026-07-28 traffic: forwarded; Mcp-Session-Id there: ${flags.modernSession} (AgentCore's behaviour is unknown; --modern-session)`);
      out(`  Host/Origin allowed: loopback${flags.allowedHosts ? `, ${flags.allowedHosts}` : ''}`);
      out(`  invocation URL: ${emulator.invocationUrl(arn)}`);
      const authFlag = flags.auth === 'bearer' ? ` --bearer-token-env ${flags.bearerTokenEnv ?? 'TOKEN_VAR'}` : '';
      out(`run: mcp-verify remote --arn ${arn} --endpoint-url ${emulator.url}${authFlag}`);

      const { untilStopSignal } = await import('../signals.js');
      await untilStopSignal();
      await emulator.close();
      out('stopped');
    });
}
