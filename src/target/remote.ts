// The remote Target: an AgentCore runtime reached by its invocation URL, with SigV4 (default) or a
// bearer token. Validates the flag combination, builds the URL, and resolves credentials eagerly so
// a credentials problem is exit 3 before any session opens (they still refresh later).

import { UsageError } from '../errors.js';
import {
  DEFAULT_QUALIFIER,
  invocationUrlForArn,
  invocationUrlForRuntimeId,
  parseRuntimeArn,
  validateRegion,
} from './arn.js';
import { readBearerToken, withBearer } from './bearer.js';
import { resolveCredentials } from './credentials.js';
import { pooledFetch } from './http.js';
import { withSigV4, type AwsCredentials } from './sigv4.js';
import { makeTarget, type Target } from './target.js';

export interface RemoteTargetOptions {
  /** Longest a credentials resolution may take (a hung credential_process); default 30 s. */
  credentialsTimeoutMs?: number;
  /** Full runtime ARN; alternative to runtimeId + accountId + region. */
  arn?: string;
  runtimeId?: string;
  accountId?: string;
  /** Required with runtimeId; with an ARN it must match the ARN's region (the ARN's region is used). */
  region?: string;
  /** Endpoint name; default DEFAULT. */
  qualifier?: string;
  /** Replaces scheme+host+port only (e.g. the emulator); signing name and region stay AWS's. */
  endpointUrl?: string;
  /** AWS profile for SigV4 credentials. */
  profile?: string;
  /** NAME of the environment variable holding a bearer token; switches auth to Bearer. */
  bearerTokenEnv?: string;
  /** Explicit credentials instead of the default chain (the demo's throwaway keys for the emulator). */
  credentials?: AwsCredentials;
}

/** Where the runtime is, without any I/O: checks the flag combination and builds the URL. */
export function resolveRemoteEndpoint(options: RemoteTargetOptions): {
  url: URL;
  region: string;
  qualifier: string;
  arn?: string;
  runtimeId: string;
} {
  const qualifier = options.qualifier ?? DEFAULT_QUALIFIER;
  if (options.arn && options.runtimeId) {
    throw new UsageError('Give either --arn or --runtime-id (with --account-id and --region), not both.');
  }
  if (options.arn) {
    if (options.accountId) {
      throw new UsageError('--account-id goes with --runtime-id; with --arn the account id comes from the ARN.');
    }
    const parsed = parseRuntimeArn(options.arn);
    if (options.region && options.region !== parsed.region) {
      throw new UsageError(
        `--region ${options.region} does not match the ARN's region ${parsed.region}; AgentCore is called and signed ` +
          `in the ARN's region. Drop --region or fix the ARN.`,
      );
    }
    const url = invocationUrlForArn(parsed, { qualifier, endpointUrl: options.endpointUrl });
    return { url, region: parsed.region, qualifier, arn: parsed.arn, runtimeId: parsed.runtimeId };
  }
  if (options.runtimeId) {
    if (options.runtimeId.startsWith('arn:')) {
      throw new UsageError(`--runtime-id got an ARN; pass it with --arn instead.`);
    }
    const missing = [!options.accountId && '--account-id', !options.region && '--region'].filter(Boolean);
    if (missing.length) {
      throw new UsageError(
        `--runtime-id ${options.runtimeId} needs ${missing.join(' and ')} (the URL names the account, and the region ` +
          `is where to call and sign), or pass the full runtime ARN with --arn.`,
      );
    }
    const region = validateRegion(options.region!);
    const url = invocationUrlForRuntimeId(options.runtimeId, {
      accountId: options.accountId!,
      region,
      qualifier,
      endpointUrl: options.endpointUrl,
    });
    return { url, region, qualifier, runtimeId: options.runtimeId };
  }
  throw new UsageError(
    'Say which runtime to test: --arn arn:aws:bedrock-agentcore:REGION:ACCOUNT_ID:runtime/NAME-XXXXXXXXXX ' +
      '(or --runtime-id with --account-id and --region).',
  );
}

/** Build the remote Target, its credentials resolved now (doctor, call): a failure is exit 3 before anything. */
export async function remoteTarget(options: RemoteTargetOptions): Promise<Target> {
  const target = unresolvedRemoteTarget(options);
  await target.prepare?.();
  return target;
}

/**
 * The remote Target with the flag combination checked and the URL built, but SigV4 credentials not
 * yet resolved: `target.prepare()` resolves them (once). A run calls it after its reporters and signal
 * handlers exist (src/cli/run-suite.ts), so a credential_process that hangs can be interrupted with
 * every report still written.
 */
export function unresolvedRemoteTarget(options: RemoteTargetOptions): Target {
  if (options.bearerTokenEnv && options.profile) {
    throw new UsageError('--profile selects AWS credentials for SigV4; it cannot be combined with --bearer-token-env.');
  }
  const endpoint = resolveRemoteEndpoint(options);
  const details: Record<string, string> = {
    region: endpoint.region,
    qualifier: endpoint.qualifier,
    endpoint: endpoint.url.origin,
    ...(endpoint.arn ? { arn: endpoint.arn } : { runtimeId: endpoint.runtimeId }),
  };
  if (options.endpointUrl) details.endpointUrl = options.endpointUrl;

  if (options.bearerTokenEnv) {
    const token = readBearerToken(options.bearerTokenEnv);
    return makeTarget({
      kind: 'remote',
      label: 'Remote (AgentCore)',
      url: endpoint.url,
      http: pooledFetch(),
      auth: withBearer(token),
      authMethod: 'Bearer',
      secrets: [token],
      details,
    });
  }

  // The redactor masks these; the provider may hand out refreshed ones later, so add those too.
  const secrets: string[] = [];
  const remember = (c: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => {
    for (const v of [c.accessKeyId, c.secretAccessKey, c.sessionToken]) if (v && !secrets.includes(v)) secrets.push(v);
  };
  let provider: (() => Promise<AwsCredentials>) | undefined;
  let ready: Promise<void> | undefined;
  const prepare = () =>
    (ready ??= (async () => {
      const resolved = options.credentials
        ? { provider: async () => options.credentials!, credentials: options.credentials }
        : await resolveCredentials({ profile: options.profile, timeoutMs: options.credentialsTimeoutMs });
      remember(resolved.credentials);
      provider = resolved.provider;
    })());
  const tracked = async () => {
    if (!provider) await prepare();
    const c = await provider!();
    remember(c);
    return c;
  };
  return makeTarget({
    kind: 'remote',
    label: 'Remote (AgentCore)',
    url: endpoint.url,
    http: pooledFetch(),
    auth: withSigV4({ region: endpoint.region, credentials: tracked }),
    authMethod: 'SigV4',
    secrets,
    details,
    prepare,
  });
}
