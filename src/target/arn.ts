// AgentCore runtime ARNs and runtime IDs: validation with messages a user can act on, and the
// data-plane invocation URL built from them. Pure functions, no I/O; the emulator uses the same
// parser so both sides agree on what a well-formed ARN is.

import { UsageError } from '../errors.js';

/** The parts of `arn:aws:bedrock-agentcore:{region}:{account}:runtime/{name}-{suffix}`. */
export interface RuntimeArn {
  /** The ARN exactly as given (validated). */
  arn: string;
  /** `aws`, `aws-cn`, `aws-us-gov`, ... */
  partition: string;
  region: string;
  accountId: string;
  /** `{name}-{10 alnum}`, the part after `runtime/`. */
  runtimeId: string;
  /** The name part of the runtime id (letters, digits, underscores; no hyphens). */
  runtimeName: string;
}

export const AGENTCORE_SERVICE = 'bedrock-agentcore';
export const DEFAULT_QUALIFIER = 'DEFAULT';

const PARTITION = /^aws(-[^:]+)?$/;
const ACCOUNT_ID = /^\d{12}$/;
// Commercial, GovCloud, China, ISO-style regions: letters/dashes then a number (us-west-2, us-gov-west-1, cn-north-1).
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const RUNTIME_NAME = /^[a-zA-Z][a-zA-Z0-9_]{0,47}$/;
const RUNTIME_ID = /^[a-zA-Z][a-zA-Z0-9_]{0,47}-[a-zA-Z0-9]{10}$/;
const QUALIFIER = /^[a-zA-Z0-9_-]{1,100}$/;

/** True if `value` has the shape of a runtime id (`name-XXXXXXXXXX`), e.g. to hint at --runtime-id. */
export function looksLikeRuntimeId(value: string): boolean {
  return RUNTIME_ID.test(value);
}

/**
 * Validate the `{name}-{10 alnum}` runtime id; `what` names where it came from in messages.
 * @throws UsageError saying which part is wrong.
 */
export function parseRuntimeId(runtimeId: string, what = 'runtime id'): { runtimeId: string; runtimeName: string } {
  if (RUNTIME_ID.test(runtimeId)) {
    return { runtimeId, runtimeName: runtimeId.slice(0, -11) };
  }
  const m = /^(.*)-([^-]*)$/.exec(runtimeId);
  if (!m) {
    throw new UsageError(
      `The ${what} "${runtimeId}" has no "-XXXXXXXXXX" suffix: AgentCore runtime ids look like my_agent-Ab12Cd34Ef ` +
        `(the name you chose, a hyphen, and 10 letters or digits AgentCore added).`,
    );
  }
  const [, name, suffix] = m as unknown as [string, string, string];
  if (name.includes('-')) {
    throw new UsageError(
      `The ${what} "${runtimeId}" has a hyphen in its name part "${name}": AgentCore runtime names allow only ` +
        `letters, digits and underscores, so the only hyphen is the one before the 10-character suffix. ` +
        `Copy the ARN from the AgentCore console or \`aws bedrock-agentcore-control list-agent-runtimes\`.`,
    );
  }
  if (!RUNTIME_NAME.test(name)) {
    throw new UsageError(
      `The ${what} "${runtimeId}" has an invalid name part "${name}": it must start with a letter and have at most ` +
        `48 letters, digits or underscores.`,
    );
  }
  throw new UsageError(
    `The ${what} "${runtimeId}" has an invalid suffix "${suffix}": it must be exactly 10 letters or digits.`,
  );
}

/** @throws UsageError unless `accountId` is 12 digits. */
export function validateAccountId(accountId: string, what = 'account id'): string {
  if (!ACCOUNT_ID.test(accountId)) {
    throw new UsageError(`The ${what} "${accountId}" is not a 12-digit AWS account id.`);
  }
  return accountId;
}

/** @throws UsageError unless `region` looks like an AWS region (us-west-2). */
export function validateRegion(region: string, what = 'region'): string {
  if (!region) throw new UsageError(`The ${what} is empty: give an AWS region such as us-west-2.`);
  if (!REGION.test(region)) {
    throw new UsageError(`The ${what} "${region}" does not look like an AWS region (for example us-west-2).`);
  }
  return region;
}

/** @throws UsageError unless `qualifier` is a plausible endpoint name (DEFAULT, or one you created). */
export function validateQualifier(qualifier: string): string {
  if (!QUALIFIER.test(qualifier)) {
    throw new UsageError(
      `The qualifier "${qualifier}" is not a valid AgentCore endpoint name (letters, digits, "_" and "-", up to 100).`,
    );
  }
  return qualifier;
}

/**
 * Parse and validate an AgentCore runtime ARN.
 * @throws UsageError explaining what is wrong (runtime id instead of ARN, hyphen in the name, no region, ...).
 */
export function parseRuntimeArn(arn: string): RuntimeArn {
  const value = arn.trim();
  if (!value.startsWith('arn:')) {
    if (looksLikeRuntimeId(value)) {
      throw new UsageError(
        `"${value}" is a runtime id, not an ARN. Either pass --runtime-id ${value} together with --account-id and ` +
          `--region, or pass the full ARN: arn:aws:bedrock-agentcore:REGION:ACCOUNT_ID:runtime/${value}`,
      );
    }
    throw new UsageError(
      `"${value}" is not an AgentCore runtime ARN; expected ` +
        `arn:aws:bedrock-agentcore:REGION:ACCOUNT_ID:runtime/NAME-XXXXXXXXXX.`,
    );
  }
  const parts = value.split(':');
  if (parts.length < 6) {
    throw new UsageError(
      `The ARN "${value}" has ${parts.length} colon-separated parts instead of 6 ` +
        `(arn:PARTITION:bedrock-agentcore:REGION:ACCOUNT_ID:runtime/ID).`,
    );
  }
  if (parts.length > 6) {
    throw new UsageError(
      `The ARN "${value}" has more than 6 colon-separated parts; the runtime id cannot contain ":". ` +
        `Expected arn:aws:bedrock-agentcore:REGION:ACCOUNT_ID:runtime/NAME-XXXXXXXXXX.`,
    );
  }
  const [, partition, service, region, accountId, resource] = parts as [string, string, string, string, string, string];
  if (!PARTITION.test(partition)) {
    throw new UsageError(`The ARN "${value}" has partition "${partition}"; expected "aws" (or aws-cn, aws-us-gov, ...).`);
  }
  if (service !== AGENTCORE_SERVICE) {
    throw new UsageError(
      `The ARN "${value}" is for service "${service}", not "${AGENTCORE_SERVICE}". ` +
        `Pass the ARN of an AgentCore runtime (arn:aws:bedrock-agentcore:...:runtime/...).`,
    );
  }
  if (!region) {
    throw new UsageError(
      `The ARN "${value}" has no region (the 4th part is empty); the region in the ARN is the one to call and sign for, ` +
        `e.g. arn:aws:bedrock-agentcore:us-west-2:${accountId || 'ACCOUNT_ID'}:${resource || 'runtime/ID'}.`,
    );
  }
  validateRegion(region, `region in the ARN "${value}"`);
  if (!accountId) {
    throw new UsageError(`The ARN "${value}" has no account id (the 5th part is empty; it must be 12 digits).`);
  }
  validateAccountId(accountId, `account id in the ARN "${value}"`);
  if (!resource.startsWith('runtime/')) {
    throw new UsageError(
      `The ARN "${value}" names resource "${resource}"; an AgentCore runtime ARN ends with runtime/NAME-XXXXXXXXXX.`,
    );
  }
  const runtimePart = resource.slice('runtime/'.length);
  if (runtimePart.includes('/')) {
    throw new UsageError(
      `The ARN "${value}" has extra parts after the runtime id ("${runtimePart}"). Pass the runtime ARN ` +
        `(ending at runtime/NAME-XXXXXXXXXX) and choose the endpoint with --qualifier.`,
    );
  }
  const { runtimeId, runtimeName } = parseRuntimeId(runtimePart, `runtime id in the ARN "${value}"`);
  return { arn: value, partition, region, accountId, runtimeId, runtimeName };
}

/** Build the ARN from its parts (used for the runtime-id form and by the emulator). */
export function formatRuntimeArn(parts: { partition?: string; region: string; accountId: string; runtimeId: string }): string {
  return `arn:${parts.partition ?? 'aws'}:${AGENTCORE_SERVICE}:${parts.region}:${parts.accountId}:runtime/${parts.runtimeId}`;
}

/** `https://bedrock-agentcore.{region}.amazonaws.com` (`.amazonaws.com.cn` in the China partition). */
export function dataPlaneOrigin(region: string, partition = 'aws'): string {
  const suffix = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://${AGENTCORE_SERVICE}.${region}.${suffix}`;
}

/** The wire path for an ARN: the whole ARN as ONE percent-encoded segment. */
export function invocationPathForArn(arn: string): string {
  return `/runtimes/${encodeURIComponent(arn)}/invocations`;
}

/**
 * Replace scheme, host and port of `url` with those of `endpointUrl` (the AWS CLI's --endpoint-url);
 * the path, query, signing name and region stay as for AWS.
 */
export function applyEndpointUrl(url: URL, endpointUrl: string | undefined): URL {
  if (!endpointUrl) return url;
  let endpoint: URL;
  try {
    endpoint = new URL(endpointUrl);
  } catch {
    throw new UsageError(`--endpoint-url "${endpointUrl}" is not a URL (expected e.g. http://127.0.0.1:9000).`);
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') {
    throw new UsageError(`--endpoint-url "${endpointUrl}" must start with http:// or https://.`);
  }
  if (endpoint.pathname !== '/' && endpoint.pathname !== '') {
    throw new UsageError(
      `--endpoint-url "${endpointUrl}" has a path; give only scheme, host and port (the /runtimes/... path is added).`,
    );
  }
  const out = new URL(url.href);
  out.protocol = endpoint.protocol;
  out.host = endpoint.host; // host includes the port
  return out;
}

export interface InvocationUrlOptions {
  qualifier?: string;
  endpointUrl?: string;
}

/** `https://bedrock-agentcore.{region}.amazonaws.com/runtimes/{encodeURIComponent(arn)}/invocations?qualifier=Q`. */
export function invocationUrlForArn(arn: string | RuntimeArn, options: InvocationUrlOptions = {}): URL {
  const parsed = typeof arn === 'string' ? parseRuntimeArn(arn) : arn;
  const qualifier = validateQualifier(options.qualifier ?? DEFAULT_QUALIFIER);
  // Built as a string: URL's pathname setter would leave %3A alone but we want no surprises with encoding.
  const url = new URL(
    `${dataPlaneOrigin(parsed.region, parsed.partition)}${invocationPathForArn(parsed.arn)}?qualifier=${encodeURIComponent(qualifier)}`,
  );
  return applyEndpointUrl(url, options.endpointUrl);
}

/** The runtime-id form: `/runtimes/{runtimeId}/invocations?qualifier=Q&accountId=ACCOUNT`. */
export function invocationUrlForRuntimeId(
  runtimeId: string,
  options: InvocationUrlOptions & { accountId: string; region: string },
): URL {
  parseRuntimeId(runtimeId);
  validateAccountId(options.accountId);
  validateRegion(options.region);
  const qualifier = validateQualifier(options.qualifier ?? DEFAULT_QUALIFIER);
  const url = new URL(
    `${dataPlaneOrigin(options.region)}/runtimes/${runtimeId}/invocations` +
      `?qualifier=${encodeURIComponent(qualifier)}&accountId=${options.accountId}`,
  );
  return applyEndpointUrl(url, options.endpointUrl);
}
