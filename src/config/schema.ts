// The config file (mcp-verify.config.yaml / .yml / .json): the flags a project repeats on every run,
// written once. One zod schema gives the validation (file:line:col errors through the scenario loader's
// machinery), the TypeScript type and the published JSON Schema (schema/config.schema.json,
// `mcp-verify schema --config`). Flags given on the command line override it.
import { z } from 'zod';
import { Duration, LlmConfig } from '../scenario/schema.js';

const HttpUrl = z.string().refine((v) => {
  try {
    const u = new URL(v.replace(/\$\{\s*port\s*\}/g, '1'));
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}, 'an http:// or https:// URL, e.g. http://127.0.0.1:8000/mcp (${port}: a free port chosen for the run)');

const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'the NAME of an environment variable (e.g. MCP_TOKEN), not a token');

export const ServerConfig = z
  .strictObject({
    command: z.string().min(1).describe('The shell command that starts the server under test, e.g. "python travel_server.py" or "node dist/server.js".'),
    url: HttpUrl.optional().describe('Where it answers MCP (default: the top-level url). mcp-verify waits until it answers initialize.'),
    cwd: z.string().optional().describe('Working directory for the command, relative to this file (default: this file\'s directory).'),
    env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional().describe('Extra environment variables for the command.'),
    readyTimeout: Duration.optional().describe('How long to wait for it to answer (default 30s); then exit 3 with its last output lines.'),
    reuseExisting: z.boolean().optional().describe('When something already answers at the URL, use it instead of starting the command (default false: a busy URL is an error).'),
    ready: z.enum(['initialize', 'port']).optional().describe('initialize (default): ready when the URL answers initialize (a 401/403 counts, for servers that need auth); port: ready when the port accepts connections.'),
    stopTimeout: Duration.optional().describe('Grace period after SIGTERM before SIGKILL (default 5s).'),
    watch: z.array(z.string()).optional().describe('With `local --watch`: globs (relative to cwd) whose changes restart the server, e.g. ["src/**/*.py"].'),
  })
  .describe('The server under test, started before the run and stopped after it (like Playwright\'s webServer).');

export const RemoteConfig = z
  .strictObject({
    arn: z.string().optional().describe('The runtime ARN (arn:aws:bedrock-agentcore:REGION:ACCOUNT:runtime/NAME-XXXXXXXXXX).'),
    runtimeId: z.string().optional().describe('Instead of arn: the runtime id, with account and region.'),
    account: z.string().optional().describe('With runtimeId: the 12-digit account id.'),
    region: z.string().optional(),
    qualifier: z.string().optional().describe('The endpoint name (default DEFAULT).'),
    profile: z.string().optional().describe('AWS profile for SigV4 credentials.'),
    endpointUrl: z.string().optional().describe('Replace the data-plane host (the emulator, VPC or FIPS endpoints).'),
    bearerTokenEnv: EnvName.optional().describe('Use a bearer token read from this environment variable.'),
  })
  .describe('The AgentCore runtime for `remote`, `compare`, `doctor --arn` and `call --arn`.');

export const ConfigFile = z
  .strictObject({
    $schema: z.string().optional(),
    url: HttpUrl.optional().describe('The MCP endpoint for local, doctor, call and init (default http://127.0.0.1:8000/mcp).'),
    headers: z
      .record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'an HTTP header name'), z.string())
      .optional()
      .describe('Headers sent on every request to a local endpoint, e.g. {X-Api-Key: "${env.API_KEY}"}; values are redacted from every output. ${env.NAME} reads the environment.'),
    bearerTokenEnv: EnvName.optional().describe('Send Authorization: Bearer <token> to a local endpoint, the token read from this environment variable.'),
    remote: RemoteConfig.optional(),
    scenarios: z
      .union([z.string(), z.array(z.string()).min(1)])
      .optional()
      .describe('Scenario files, directories or globs (relative to this file) run when no paths are given, e.g. ["scenarios/**/*.yaml"].'),
    reporters: z
      .union([z.string(), z.array(z.string()).min(1)])
      .optional()
      .describe('Reporters, each NAME or NAME=FILE (files relative to this file): table, plain, json, junit, tap, github.'),
    workers: z.number().int().positive().optional(),
    timeout: Duration.optional().describe('Per-step timeout; a bare number is milliseconds.'),
    retries: z.number().int().min(0).max(10).optional(),
    maxResponse: z.string().optional().describe('Largest response accepted (512KB, 16MB).'),
    regexTimeout: Duration.optional().describe("Longest a regex expectation may take on a server's text (default 1s); a bare number is milliseconds."),
    vars: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/), z.union([z.string(), z.number(), z.boolean()])).optional().describe('Variables for ${name} in scenario files; --var overrides them one by one.'),
    expectedFailures: z.string().optional().describe('The known-failures file (relative to this file).'),
    features: z
      .array(z.string().min(1))
      .optional()
      .describe('Feature names scenarios may use beyond the built-in ones (Elicitation, Sampling, Progress Notifications, Resources, Prompts, Session ID Persistence).'),
    server: ServerConfig.optional(),
    era: z
      .enum(['legacy', 'modern', 'auto', 'both'])
      .optional()
      .describe('Like --era: the protocol era the runs speak. legacy (2025-11-25 sessions, the default), modern (2026-07-28 multi-round-trip requests, no sessions), auto (whatever the server speaks, modern first), both (every suite once per era) (local, remote, compare, doctor, demo).'),
    strict: z.boolean().optional().describe('Like --strict: warnings (a call\'s traffic on the GET stream, an undeclared capability used) fail the run (local, remote, compare, demo, doctor). --no-strict turns it off for one run.'),
    samplingLlm: z
      .union([
        z.string().regex(/^(bedrock|openai|anthropic):\S/, 'PROVIDER:MODEL with provider bedrock, openai or anthropic, e.g. openai:gpt-4o-mini'),
        LlmConfig,
      ])
      .optional()
      .describe('Like --sampling-llm: the LLM that answers sampling requests no scripted rule answers. PROVIDER:MODEL, or {provider, model, baseUrl, apiKeyEnv, region, profile, temperature, maxTokens, timeout}. The --sampling-llm and --llm-* flags override it. Never used unless set.'),
    llmBudget: z
      .union([z.string().regex(/^\s*(\d+|(calls|tokens)\s*=\s*\d+(\s*,\s*(calls|tokens)\s*=\s*\d+)?)\s*$/, 'calls=N and/or tokens=N, e.g. calls=20,tokens=50000'), z.number().int().positive()])
      .optional()
      .describe('Like --llm-budget: cap the LLM calls and tokens of the run, calls=N,tokens=N (a bare number: calls).'),
  })
  .describe('mcp-verify.config.yaml: defaults for every command; flags override them.');

export type ConfigFile = z.infer<typeof ConfigFile>;
export type ServerConfig = z.infer<typeof ServerConfig>;

export function configJsonSchema(): unknown {
  return z.toJSONSchema(ConfigFile, { io: 'input', unrepresentable: 'any' });
}
