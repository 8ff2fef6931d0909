// AWS credentials for SigV4, from the SDK's default Node chain (environment, shared config and
// credentials files, SSO, process, web identity, container/instance metadata), turned into
// ConnectErrors (exit 3) a user can act on. The SDK says "Could not load credentials from any
// providers" both when nothing is configured and when AWS_PROFILE names a missing profile, so we read
// the profile names from the shared files ourselves to tell the two apart. No message ever
// contains a secret value.

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConnectError } from '../errors.js';
import type { AwsCredentials, AwsCredentialsProvider } from './sigv4.js';

export interface CredentialOptions {
  /** A profile name (--profile); otherwise AWS_PROFILE, otherwise the default chain. */
  profile?: string;
  /** Longest one resolution may take (a credential_process that hangs); default 30 s. */
  timeoutMs?: number;
}

export const DEFAULT_CREDENTIALS_TIMEOUT_MS = 30_000;

/** The shared config/credentials files the SDK reads, honouring AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE. */
export function sharedFilePaths(env: NodeJS.ProcessEnv = process.env): { config: string; credentials: string } {
  const home = env.HOME || env.USERPROFILE || homedir();
  return {
    config: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
  };
}

const OTHER_SECTIONS = /^(?:sso-session|services)\./;

/**
 * Profile names found in the shared files, read by the SDK's own ini loader (smithy's shared-ini-file-loader,
 * now in @smithy/core/config): `[profile x]` and `[default]` in config, `[x]` in credentials, exactly as the
 * credential chain will see them.
 */
export async function listProfiles(env: NodeJS.ProcessEnv = process.env): Promise<{ profiles: Set<string>; filesRead: string[] }> {
  const paths = sharedFilePaths(env);
  const { loadSharedConfigFiles } = await import('@smithy/core/config');
  // A missing or unreadable file is an empty one to the loader; which were there is said by existsSync.
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ configFilepath: paths.config, filepath: paths.credentials, ignoreCache: true });
  const profiles = new Set<string>();
  // The config file's other sections keep their type as a prefix ("sso-session.corp", "services.s3"); they are no profiles.
  for (const name of Object.keys(configFile)) if (!OTHER_SECTIONS.test(name)) profiles.add(name);
  for (const name of Object.keys(credentialsFile)) profiles.add(name);
  return { profiles, filesRead: [paths.config, paths.credentials].filter((p) => existsSync(p)) };
}

const SOURCES_TRIED =
  'environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), shared config and credentials files ' +
  '(profiles, SSO, credential_process, assume-role), web identity token file, and container/EC2 instance metadata';

async function describeProfileProblem(profile: string, fromFlag: boolean, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const { profiles, filesRead } = await listProfiles(env);
  if (profiles.has(profile)) return undefined;
  const source = fromFlag ? `--profile ${profile}` : `AWS_PROFILE=${profile}`;
  const where = filesRead.length ? `in ${filesRead.join(' or ')}` : `(no ${sharedFilePaths(env).config} or ${sharedFilePaths(env).credentials} file found)`;
  const known = profiles.size ? ` Known profiles: ${[...profiles].sort().join(', ')}.` : '';
  return `${source} names a profile that does not exist ${where}.${known}`;
}

/** Turn an SDK credentials failure into a ConnectError with plain words and no secrets. */
export async function explainCredentialsError(err: unknown, options: CredentialOptions = {}, env: NodeJS.ProcessEnv = process.env): Promise<ConnectError> {
  const profile = options.profile ?? env.AWS_PROFILE;
  if (profile) {
    const problem = await describeProfileProblem(profile, options.profile !== undefined, env);
    if (problem) return new ConnectError(`No AWS credentials: ${problem}`);
  }
  const raw = err instanceof Error ? err.message : String(err);
  // SDK messages name files, profiles and providers, never secret values; keep the first line only.
  const detail = raw.split('\n')[0]!.trim();
  if (/expired|ExpiredToken|token.*(refresh|invalid)/i.test(raw)) {
    return new ConnectError(
      `AWS credentials${profile ? ` for profile "${profile}"` : ''} have expired or could not be refreshed (${detail}). ` +
        `Refresh them (e.g. \`aws sso login${profile ? ` --profile ${profile}` : ''}\`) and try again.`,
    );
  }
  if (/Could not load credentials from any providers/i.test(raw)) {
    return new ConnectError(
      `No AWS credentials found${profile ? ` for profile "${profile}"` : ''}. Tried: ${SOURCES_TRIED}. ` +
        `Set AWS_PROFILE or --profile, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.`,
    );
  }
  return new ConnectError(`Could not load AWS credentials${profile ? ` for profile "${profile}"` : ''}: ${detail}`);
}

/** Why the profile's credential_process failed, if it has one and it fails; else undefined. */
async function processProblem(profile: string): Promise<string | undefined> {
  try {
    const { fromProcess } = await import('@aws-sdk/credential-provider-process');
    await fromProcess({ profile })();
    return undefined;
  } catch (e) {
    const m = String((e as Error)?.message ?? '');
    return /credential_process/i.test(m) && !/not found|could not find|no .*credential_process/i.test(m) ? m : undefined;
  }
}

class CredentialsTimeout extends Error {
  constructor(readonly ms: number) {
    super(`credentials did not arrive within ${ms}ms`);
  }
}

function checkNotExpired(creds: AwsCredentials, profile: string | undefined): AwsCredentials {
  if (creds.expiration && creds.expiration.getTime() <= Date.now()) {
    throw new ConnectError(
      `AWS credentials${profile ? ` for profile "${profile}"` : ''} expired at ${creds.expiration.toISOString()}. ` +
        `Refresh them (e.g. \`aws sso login\`) and try again.`,
    );
  }
  return creds;
}

/**
 * A credentials provider over the SDK's default chain. The SDK memoizes and refreshes temporary
 * credentials 5 minutes before they expire; we only translate its errors.
 */
export async function createCredentialsProvider(options: CredentialOptions = {}): Promise<AwsCredentialsProvider> {
  // Loaded lazily: the SDK's provider chain is the slowest import we have.
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  const sdkProvider = defaultProvider(options.profile ? { profile: options.profile } : {});
  const profile = options.profile ?? process.env.AWS_PROFILE;
  const timeoutMs = options.timeoutMs ?? DEFAULT_CREDENTIALS_TIMEOUT_MS;
  return async () => {
    let creds: AwsCredentials;
    let timer: NodeJS.Timeout | undefined;
    try {
      // The SDK puts no limit on a credential_process (or SSO, or metadata) that never answers.
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CredentialsTimeout(timeoutMs)), timeoutMs);
        timer.unref();
      });
      creds = await Promise.race([sdkProvider(), late]);
    } catch (err) {
      if (err instanceof CredentialsTimeout) {
        throw Object.assign(new ConnectError(
          `AWS credentials${profile ? ` for profile "${profile}"` : ''} did not arrive within ${timeoutMs / 1000}s: the credential source (a credential_process, SSO or instance metadata) did not answer. ` +
            'Check it by hand (e.g. `aws sts get-caller-identity`), or raise --credentials-timeout.',
        ), { abandoned: true });
      }
      // The chain's last word ("could not load from any providers") hides why a profile's
      // credential_process failed (expired credentials, bad JSON): ask it directly for the reason.
      if (profile && /Could not load credentials from any providers/i.test(String((err as Error)?.message))) {
        const reason = await processProblem(profile);
        if (reason) throw await explainCredentialsError(new Error(reason), options);
      }
      throw await explainCredentialsError(err, options);
    } finally {
      clearTimeout(timer);
    }
    return checkNotExpired(creds, profile);
  };
}

/** Resolve credentials once, now, so a failure is exit 3 before any session opens; keeps refreshing later. */
export async function resolveCredentials(
  options: CredentialOptions = {},
): Promise<{ provider: AwsCredentialsProvider; credentials: AwsCredentials }> {
  const provider = await createCredentialsProvider(options);
  const credentials = await provider();
  return { provider, credentials };
}
