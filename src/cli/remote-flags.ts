// The flags that name an AgentCore runtime and how to authenticate to it, shared by `remote`,
// `compare`, `doctor` and `call`, so every command spells them the same way.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { RemoteTargetOptions } from '../target/remote.js';

/** The remote flags as commander parses them: the target options less what only code can pass. */
export type RemoteFlags = Omit<RemoteTargetOptions, 'credentials' | 'credentialsTimeoutMs'> & { credentialsTimeout?: string };

export function addRemoteFlags(cmd: Command): Command {
  return cmd
    .option('--arn <arn>', 'the runtime ARN: arn:aws:bedrock-agentcore:REGION:ACCOUNT:runtime/NAME-XXXXXXXXXX (region comes from it)')
    .option('--runtime-id <id>', 'instead of --arn: the runtime id (NAME-XXXXXXXXXX), with --account-id and --region')
    .option('--account-id <12 digits>', 'with --runtime-id')
    .option('--region <region>', 'with --runtime-id (with --arn it must match the ARN)')
    .option('--qualifier <name>', 'the endpoint name', 'DEFAULT')
    .option('--endpoint-url <url>', 'replace the data-plane host (the emulator, VPC or FIPS endpoints); path, signing and region stay')
    .option('--profile <name>', 'AWS profile for SigV4 credentials (default: the standard chain: env, SSO, profiles, process, web identity, container/instance)')
    .option('--bearer-token-env <NAME>', 'use a bearer token (JWT-configured runtimes) read from this environment variable; never pass a token as a flag value')
    .option('--credentials-timeout <duration>', 'longest the AWS credential chain may take (a credential_process that hangs)', '30s');
}

export function remoteOptions(flags: RemoteFlags): RemoteTargetOptions {
  const { arn, runtimeId, accountId, region, qualifier, endpointUrl, profile, bearerTokenEnv } = flags;
  const t = flags.credentialsTimeout ?? '30s';
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(t.trim());
  const credentialsTimeoutMs = m ? Number(m[1]) * (m[2] === 'm' ? 60_000 : m[2] === 'ms' ? 1 : 1000) : NaN;
  if (!Number.isFinite(credentialsTimeoutMs) || credentialsTimeoutMs <= 0) throw new UsageError(`--credentials-timeout takes a duration like 10s or 2m (got "${t}")`);
  return { arn, runtimeId, accountId, region, qualifier, endpointUrl, profile, bearerTokenEnv, credentialsTimeoutMs };
}

export const REMOTE_HELP = `
Credentials (SigV4): the AWS default chain, as the AWS CLI uses it: AWS_ACCESS_KEY_ID /
AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_PROFILE or --profile (profiles, SSO, credential_process,
assume-role), web identity, container and instance metadata. Every request (POST, GET, DELETE) is
signed for service bedrock-agentcore in the ARN's region. Secrets are never printed.`;

/**
 * The remote target for the flags, its credentials resolved now. A signal while they resolve (a
 * credential_process that hangs, SSO, instance metadata) ends the command at once with 130 / 143:
 * nothing has run and no report exists yet.
 */
export async function remoteTargetFromFlags(flags: RemoteFlags): Promise<import('../target/target.js').Target> {
  const options = remoteOptions(flags);
  const { remoteTarget } = await import('../target/remote.js');
  const { exitWhileWaiting } = await import('./signals.js');
  return exitWhileWaiting('resolving AWS credentials', remoteTarget(options));
}

/**
 * The remote target for a run (`remote`, `compare`): flags checked, credentials not yet resolved. The
 * run resolves them (target.prepare) once its reporters exist and its signal handlers are installed,
 * so a signal while a credential_process hangs still writes every report, all INTERRUPTED.
 */
export async function runRemoteTargetFromFlags(flags: RemoteFlags): Promise<import('../target/target.js').Target> {
  const options = remoteOptions(flags);
  const { unresolvedRemoteTarget } = await import('../target/remote.js');
  return unresolvedRemoteTarget(options);
}
