// ARN parsing and invocation URLs, the remote target's flag combinations, and the credentials and
// bearer-token errors a user sees (exit codes, plain words, no secrets).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  invocationUrlForArn,
  invocationUrlForRuntimeId,
  parseRuntimeArn,
  parseRuntimeId,
} from '../src/target/arn.js';
import { remoteTarget, resolveRemoteEndpoint } from '../src/target/remote.js';
import { explainCredentialsError, listProfiles } from '../src/target/credentials.js';
import { readBearerToken } from '../src/target/bearer.js';
import { ConnectError, UsageError } from '../src/errors.js';

const ARN = 'arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/my_agent-Ab12Cd34Ef';

function usage(fn: () => unknown, pattern: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UsageError, `expected UsageError, got ${String(e)}`);
    assert.equal(e.exitCode, 2);
    assert.match(e.message, pattern);
    return true;
  });
}

test('parseRuntimeArn accepts a well-formed ARN and other partitions', () => {
  assert.deepEqual(parseRuntimeArn(ARN), {
    arn: ARN,
    partition: 'aws',
    region: 'us-west-2',
    accountId: '123456789012',
    runtimeId: 'my_agent-Ab12Cd34Ef',
    runtimeName: 'my_agent',
  });
  assert.equal(parseRuntimeArn('arn:aws-us-gov:bedrock-agentcore:us-gov-west-1:123456789012:runtime/a-0123456789').region, 'us-gov-west-1');
});

test('parseRuntimeArn explains what is wrong', () => {
  usage(() => parseRuntimeArn('my_agent-Ab12Cd34Ef'), /runtime id, not an ARN.*--runtime-id my_agent-Ab12Cd34Ef.*--account-id.*--region/);
  usage(() => parseRuntimeArn('arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/my-agent-Ab12Cd34Ef'), /hyphen in its name part "my-agent"/);
  usage(() => parseRuntimeArn('arn:aws:bedrock-agentcore::123456789012:runtime/my_agent-Ab12Cd34Ef'), /has no region/);
  usage(() => parseRuntimeArn('arn:aws:bedrock:us-west-2:123456789012:runtime/my_agent-Ab12Cd34Ef'), /service "bedrock", not "bedrock-agentcore"/);
  usage(() => parseRuntimeArn('arn:aws:bedrock-agentcore:us-west-2:12345:runtime/my_agent-Ab12Cd34Ef'), /"12345" is not a 12-digit/);
  usage(() => parseRuntimeArn('arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/my_agent-short'), /invalid suffix "short"/);
  usage(() => parseRuntimeArn('arn:aws:bedrock-agentcore:us-west-2:123456789012:gateway/x-0123456789'), /runtime\/NAME/);
  usage(() => parseRuntimeArn(`${ARN}/runtime-endpoint/DEFAULT`), /--qualifier/);
  usage(() => parseRuntimeArn('arn:aws:bedrock-agentcore:uswest2:123456789012:runtime/my_agent-Ab12Cd34Ef'), /does not look like an AWS region/);
  usage(() => parseRuntimeArn('https://example.com'), /not an AgentCore runtime ARN/);
  usage(() => parseRuntimeId('my-agent-Ab12Cd34Ef'), /hyphen/);
});

test('invocation URL: encoded ARN as one segment, qualifier in the query', () => {
  const url = invocationUrlForArn(ARN);
  assert.equal(
    url.href,
    'https://bedrock-agentcore.us-west-2.amazonaws.com/runtimes/arn%3Aaws%3Abedrock-agentcore%3Aus-west-2%3A123456789012%3Aruntime%2Fmy_agent-Ab12Cd34Ef/invocations?qualifier=DEFAULT',
  );
  assert.equal(invocationUrlForArn(ARN, { qualifier: 'prod' }).searchParams.get('qualifier'), 'prod');
  assert.equal(
    invocationUrlForRuntimeId('my_agent-Ab12Cd34Ef', { accountId: '123456789012', region: 'eu-central-1' }).href,
    'https://bedrock-agentcore.eu-central-1.amazonaws.com/runtimes/my_agent-Ab12Cd34Ef/invocations?qualifier=DEFAULT&accountId=123456789012',
  );
  assert.equal(
    invocationUrlForArn('arn:aws-cn:bedrock-agentcore:cn-north-1:123456789012:runtime/a-0123456789').host,
    'bedrock-agentcore.cn-north-1.amazonaws.com.cn',
  );
});

test('endpointUrl replaces only scheme, host and port', () => {
  const url = invocationUrlForArn(ARN, { endpointUrl: 'http://127.0.0.1:9000' });
  assert.equal(url.origin, 'http://127.0.0.1:9000');
  assert.equal(url.pathname, invocationUrlForArn(ARN).pathname);
  assert.equal(url.search, '?qualifier=DEFAULT');
  usage(() => invocationUrlForArn(ARN, { endpointUrl: 'http://127.0.0.1:9000/mcp' }), /has a path/);
  usage(() => invocationUrlForArn(ARN, { endpointUrl: 'nope' }), /not a URL/);
  const ep = resolveRemoteEndpoint({ arn: ARN, endpointUrl: 'http://localhost:1234' });
  assert.equal(ep.region, 'us-west-2', 'region stays the ARN region when the endpoint is overridden');
});

test('remote target validates flag combinations', async () => {
  usage(() => resolveRemoteEndpoint({ arn: ARN, runtimeId: 'my_agent-Ab12Cd34Ef' }), /either --arn or --runtime-id/);
  usage(() => resolveRemoteEndpoint({ runtimeId: 'my_agent-Ab12Cd34Ef', region: 'us-west-2' }), /needs --account-id/);
  usage(() => resolveRemoteEndpoint({ runtimeId: 'my_agent-Ab12Cd34Ef' }), /needs --account-id and --region/);
  usage(() => resolveRemoteEndpoint({ arn: ARN, region: 'us-east-1' }), /does not match the ARN's region us-west-2/);
  usage(() => resolveRemoteEndpoint({ runtimeId: ARN, region: 'us-east-1', accountId: '123456789012' }), /--arn instead/);
  usage(() => resolveRemoteEndpoint({}), /Say which runtime/);
  await assert.rejects(remoteTarget({ arn: ARN, profile: 'x', bearerTokenEnv: 'T' }), UsageError);
});

test('remote target with SigV4 resolves credentials eagerly and lists them as secrets', async () => {
  const saved = { ...process.env }; // restored key by key: process.env must stay Node's own object
  try {
    delete process.env.AWS_PROFILE;
    process.env.AWS_ACCESS_KEY_ID = 'AKIDTESTREMOTE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret-remote-value';
    process.env.AWS_SESSION_TOKEN = 'session-remote-value';
    const t = await remoteTarget({ arn: ARN, qualifier: 'DEFAULT' });
    assert.equal(t.kind, 'remote');
    assert.equal(t.label, 'Remote (AgentCore)');
    assert.equal(t.authMethod, 'SigV4');
    assert.deepEqual([...t.secrets].sort(), ['AKIDTESTREMOTE', 'secret-remote-value', 'session-remote-value'].sort());
    assert.equal(t.details?.region, 'us-west-2');
    assert.equal(t.details?.arn, ARN);
    assert.ok(!JSON.stringify(t.details).includes('secret-remote-value'));
  } finally {
    restoreEnv(saved);
  }
});

test('a profile that does not exist is named as such (exit 3), not "no providers"', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-verify-aws-'));
  const env = {
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_PROFILE: 'typo',
  };
  writeFileSync(env.AWS_CONFIG_FILE, '[default]\nregion = us-west-2\n[profile dev]\nregion = us-east-1\n[profile team.prod] # dotted names are profiles too\nregion = eu-west-1\n[sso-session corp]\nsso_region = us-east-1\n');
  writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE, '[ci]\naws_access_key_id = AKIDX\naws_secret_access_key = s3cr3t\n');
  assert.deepEqual([...(await listProfiles(env)).profiles].sort(), ['ci', 'default', 'dev', 'team.prod']);
  const sdkError = new Error('Could not load credentials from any providers');
  const e = await explainCredentialsError(sdkError, {}, env);
  assert.ok(e instanceof ConnectError);
  assert.equal(e.exitCode, 3);
  assert.match(e.message, /AWS_PROFILE=typo names a profile that does not exist/);
  assert.match(e.message, /Known profiles: ci, default, dev, team.prod/);
  assert.ok(!e.message.includes('s3cr3t'));
  const flag = await explainCredentialsError(sdkError, { profile: 'nope' }, env);
  assert.match(flag.message, /--profile nope names a profile that does not exist/);
  const none = await explainCredentialsError(sdkError, {}, { AWS_CONFIG_FILE: env.AWS_CONFIG_FILE });
  assert.match(none.message, /No AWS credentials found\. Tried: environment/);
  const expired = await explainCredentialsError(new Error('The SSO session associated with this profile has expired'), { profile: 'dev' }, env);
  assert.match(expired.message, /expired.*aws sso login --profile dev/);
});

test('the real default chain with an unknown profile gives exit 3 naming the profile', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-verify-aws-'));
  const saved = { ...process.env }; // restored key by key: process.env must stay Node's own object
  try {
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    writeFileSync(process.env.AWS_CONFIG_FILE, '[default]\nregion = us-west-2\n');
    await assert.rejects(remoteTarget({ arn: ARN, profile: 'missing_profile' }), (e: unknown) => {
      assert.ok(e instanceof ConnectError);
      assert.match(e.message, /--profile missing_profile names a profile that does not exist/);
      return true;
    });
  } finally {
    restoreEnv(saved);
  }
});

test('bearer token comes from a named variable; errors name the variable, never the value', async () => {
  assert.equal(readBearerToken('TOK', { TOK: 'abc.def.ghi' }), 'abc.def.ghi');
  assert.throws(() => readBearerToken('TOK', {}), (e: unknown) => e instanceof ConnectError && /TOK .*not set/.test(e.message));
  assert.throws(() => readBearerToken('TOK', { TOK: '  ' }), (e: unknown) => e instanceof ConnectError && /TOK .*empty/.test(e.message));
  assert.throws(
    () => readBearerToken('eyJhbGciOiJIUzI1NiJ9.payload.sig', {}),
    (e: unknown) => e instanceof UsageError && !e.message.includes('eyJhbGci'),
  );
  const saved = process.env.MCPV_TEST_TOKEN;
  process.env.MCPV_TEST_TOKEN = 'tok-123';
  try {
    const t = await remoteTarget({ arn: ARN, bearerTokenEnv: 'MCPV_TEST_TOKEN' });
    assert.equal(t.authMethod, 'Bearer');
    assert.deepEqual(t.secrets, ['tok-123']);
  } finally {
    if (saved === undefined) delete process.env.MCPV_TEST_TOKEN;
    else process.env.MCPV_TEST_TOKEN = saved;
  }
});

function restoreEnv(saved: NodeJS.ProcessEnv): void {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  for (const [key, value] of Object.entries(saved)) if (value !== undefined) process.env[key] = value;
}
