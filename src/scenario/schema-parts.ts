// The pieces of the scenario language that step kinds (steps/*.ts) and scenarios share: durations,
// scripted answers, expectations, capabilities. schema.ts assembles them; it re-exports every name.
import { z } from 'zod';
import { DURATION_HINT, DURATION_PATTERN, parseDuration } from './duration.js';

export const Duration = z
  .union([z.number(), z.string().regex(DURATION_PATTERN, DURATION_HINT)])
  .superRefine((v, ctx) => {
    if (typeof v === 'string' && !DURATION_PATTERN.test(v)) return; // the pattern's message says it
    const r = parseDuration(v);
    if ('problem' in r) ctx.addIssue({ code: 'custom', message: r.problem.replace(/^takes /, 'expected ') });
  })
  .describe('A duration: milliseconds as a bare number (500), or a string like "500ms", "5s", "2m"; at most 2^31-1 ms.');

export const TextMatch = z
  .union([
    z.string(),
    z.strictObject({
      contains: z.union([z.string(), z.array(z.string())]).optional(),
      regex: z.string().optional(),
      equals: z.string().optional(),
      notContains: z.union([z.string(), z.array(z.string())]).optional(),
    }),
  ])
  .describe('A string (must be contained), or {contains, notContains, regex, equals}.');

export const JsonValue: z.ZodType<unknown> = z.any();

export const PrimitiveType = z.enum(['string', 'number', 'integer', 'boolean', 'array']);

export const ElicitationAnswer = z
  .strictObject({
    match: z
      .strictObject({
        message: z.string().optional().describe('Substring of the request message (case-insensitive).'),
        messageRegex: z.string().optional().describe('Regular expression tested against the request message.'),
        field: z.string().optional().describe('The requested schema has a property with this name.'),
        type: PrimitiveType.optional().describe('Some property of the requested schema has this type.'),
        mode: z.enum(['form', 'url']).optional(),
      })
      .optional()
      .describe('Which requests this answer applies to; absent matches every request.'),
    action: z.enum(['accept', 'decline', 'cancel']).default('accept'),
    value: JsonValue.optional().describe(
      'Shorthand for a single-field form: content {<the only field>: value} (FastMCP wraps scalars as {value}).',
    ),
    content: z.record(z.string(), JsonValue).optional().describe('The whole content object to send with accept.'),
    times: z.number().int().positive().optional().describe('Use this answer at most this many times.'),
    invalid: z
      .boolean()
      .optional()
      .describe('Send this answer even though it does not match the requested schema (to test the server\'s own validation). Without it a mismatch fails the step.'),
  })
  .describe('A scripted answer to elicitation/create. Checked against requestedSchema before it is sent; accept with no content or value sends the schema defaults.');

/** The LLM providers a sampling rule can name (src/responders/llm/). */
export const LLM_PROVIDERS = ['bedrock', 'openai', 'anthropic'] as const;

export const LlmConfig = z
  .strictObject({
    provider: z.enum(LLM_PROVIDERS).describe('bedrock (Converse), openai (chat completions, any OpenAI-compatible endpoint) or anthropic (Messages).'),
    model: z.string().min(1).describe('The model id sent to the provider (the default when no model hint picks another).'),
    models: z
      .record(z.string().min(1), z.string().min(1))
      .optional()
      .describe('Models per family for the request\'s modelPreferences hints, e.g. {claude: ..., llama: ...}: the first hint that names a family (or is part of a configured model id) picks that model.'),
    baseUrl: z.url().optional().describe('The endpoint: an OpenAI-compatible server (Ollama, vLLM, LM Studio, a gateway), an Anthropic proxy, or a Bedrock Runtime endpoint (VPC, FIPS).'),
    apiKeyEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
      .optional()
      .describe('The environment variable holding the API key (default OPENAI_API_KEY / ANTHROPIC_API_KEY; bedrock uses AWS credentials). Keys are never read from files or flags, and are redacted everywhere.'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region like us-east-1').optional().describe('bedrock: the AWS region (default --llm-region, AWS_REGION, then the profile\'s region).'),
    profile: z.string().min(1).optional().describe('bedrock: the AWS profile (default --llm-profile, --profile, then AWS_PROFILE, then the default chain).'),
    temperature: z.number().min(0).max(2).optional().describe('Sent instead of the request\'s temperature (0 for repeatable runs).'),
    maxTokens: z.number().int().positive().optional().describe('Upper bound on the reply: min(the request\'s maxTokens, this).'),
    timeout: Duration.optional().describe('How long one answer may take, retries included (default 20s); then the step fails saying so.'),
  })
  .describe('An LLM that answers sampling requests (sent only when a rule or --sampling-llm names it).');

export const SamplingAnswer = z
  .strictObject({
    match: z
      .strictObject({
        text: z.string().optional().describe('Substring of the request messages or system prompt (case-insensitive).'),
        regex: z.string().optional(),
      })
      .optional(),
    text: z.string().optional().describe('The reply text (or give llm instead).'),
    llm: LlmConfig.optional().describe('Ask this LLM instead of replying with a fixed text.'),
    model: z.string().default('mcp-verify-scripted').describe('With text: the model name the reply carries.'),
    stopReason: z.string().default('endTurn'),
    times: z.number().int().positive().optional(),
  })
  .superRefine((rule, ctx) => {
    if ((rule.text === undefined) === (rule.llm === undefined)) {
      ctx.addIssue(
        rule.text === undefined
          ? { code: 'custom', message: 'a sampling answer needs text (a fixed reply) or llm (ask a model)', params: { missingOneOf: ['text', 'llm'] } }
          : { code: 'custom', message: 'a sampling answer has text or llm, not both' },
      );
    }
  })
  .describe('A scripted answer to sampling/createMessage: a fixed text, or an LLM to ask.');

export const CountMatch = z
  .union([z.number().int().nonnegative(), z.strictObject({ min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional() })])
  .describe('An exact count, or {min, max}.');

export const ExpectProgress = z.strictObject({
  count: CountMatch.optional(),
  increasing: z.boolean().optional().describe('Each progress value is greater than the one before (the spec says MUST).'),
  finalEqualsTotal: z.boolean().optional(),
  beforeResult: z.boolean().optional().describe('Every progress notification arrived before the result.'),
  total: z.number().optional(),
});

const FieldExpect = z
  .strictObject({
    type: PrimitiveType.optional(),
    title: z.string().optional(),
    description: z.string().optional(),
    enum: z.array(JsonValue).optional(),
    oneOf: z.array(JsonValue).optional(),
    items: JsonValue.optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    minLength: z.number().int().optional(),
    maxLength: z.number().int().optional(),
    minItems: z.number().int().optional(),
    maxItems: z.number().int().optional(),
    pattern: z.string().optional(),
    format: z.string().optional(),
    default: JsonValue.optional(),
    required: z.boolean().optional().describe('The field is (true) or is not (false) listed in the schema\'s required.'),
  })
  .describe('What one field of the requested schema must say (each key compared; arrays exactly).');

const FormExpect = {
  fields: z.record(z.string(), FieldExpect).optional().describe('Fields the requested schema must have, by name, with their type, enum, bounds, default, title...'),
  required: z.array(z.string()).optional().describe('Field names the requested schema lists as required (at least these).'),
  url: TextMatch.optional().describe('URL mode: the url (a substring, or {contains, regex, equals}).'),
  elicitationId: z.union([z.string(), z.literal(true)]).optional().describe('URL mode: the elicitationId (exact), or true for "present".'),
};

export const ExpectElicitations = z.strictObject({
  ...FormExpect,
  requests: z
    .array(z.strictObject({ message: z.string().optional(), mode: z.enum(['form', 'url']).optional(), ...FormExpect }))
    .optional()
    .describe('One entry per request, in order: its message substring, mode, fields, required, url, elicitationId. Top-level fields/required/url/elicitationId apply to every request of that mode.'),
  count: CountMatch.optional(),
  messages: z.array(z.string()).optional().describe('Substrings, one per request, in order.'),
  types: z.array(PrimitiveType).optional().describe('The type of each request\'s single field, in order.'),
  flatSchema: z.boolean().optional().describe('Every requested schema is a flat object of primitive types.'),
});

export const ExpectSampling = z.strictObject({
  count: CountMatch.optional(),
  maxTokens: z.number().int().optional(),
  contains: z.union([z.string(), z.array(z.string())]).optional(),
});

/** RFC 5424 severities, lowest first, as MCP logging uses them. */
export const LOG_LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;
export const LogLevel = z.enum(LOG_LEVELS);

export const ExpectLogs = z.strictObject({
  count: CountMatch.optional(),
  level: z
    .union([z.string(), z.strictObject({ atLeast: LogLevel })])
    .optional()
    .describe('Every log message has this level, or {atLeast: warning}: every one is at least that severe (what logging/setLevel promises).'),
  contains: z.union([z.string(), z.array(z.string())]).optional().describe('Substrings that some log messages contain, in order.'),
});

export const ExpectRounds = z
  .strictObject({
    count: CountMatch.optional().describe('How many requests the step took on the 2026-07-28 wire: 1 when the server answered at once, one more for every input_required round (an exact count, or {min, max}).'),
    max: z.number().int().positive().optional().describe('The most requests the step may take: a server that keeps asking is looping.'),
  })
  .describe('Multi-round-trip rounds (2026-07-28 only; not applicable on the legacy wire, where elicitation and sampling are server->client requests inside one call).');
export const ExpectNotification = z.strictObject({
  method: z.string().describe('The notification method, e.g. notifications/resources/updated or notifications/tools/list_changed.'),
  count: CountMatch.optional().describe('How many arrived (default: at least 1).'),
  params: JsonValue.optional().describe('Their params contain this subset.'),
});

export const ContentItem = z
  .strictObject({
    type: z.enum(['text', 'image', 'audio', 'resource', 'resource_link']),
    mimeType: z.string().optional().describe('The block\'s mimeType (for resource: the embedded resource\'s).'),
    text: TextMatch.optional().describe('For text (or an embedded text resource): its text.'),
    uri: z.string().optional().describe('For resource and resource_link: the URI.'),
    name: z.string().optional().describe('For resource_link: the name.'),
  })
  .describe('One content block: its type and, optionally, mimeType, text, uri, name.');

export const ExpectBlob = z
  .strictObject({
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/).optional().describe('The decoded bytes\' SHA-256, hex.'),
    size: CountMatch.optional().describe('The decoded size in bytes.'),
    mimeType: z.string().optional(),
  })
  .describe('A blob resource: its decoded bytes.');

export const Expect = z
  .strictObject({
    isError: z.boolean().optional().describe('For call: the tool result\'s isError.'),
    error: z
      .union([z.boolean(), z.strictObject({ code: z.number().int().optional(), message: z.string().optional() })])
      .optional()
      .describe('The request itself fails with a JSON-RPC error (true, or {code, message substring}).'),
    text: TextMatch.optional().describe('The text of the result (tool text content, resource text, prompt messages).'),
    json: JsonValue.optional().describe('The result text parsed as JSON contains this subset.'),
    structured: JsonValue.optional().describe('structuredContent contains this subset.'),
    names: z.array(z.string()).optional().describe('For list steps: these names (or URIs) are listed.'),
    count: CountMatch.optional().describe('For list steps: how many items are listed.'),
    elicitations: ExpectElicitations.optional(),
    sampling: ExpectSampling.optional(),
    progress: ExpectProgress.optional(),
    logs: ExpectLogs.optional(),
    rounds: ExpectRounds.optional(),
    notifications: z
      .array(ExpectNotification)
      .optional()
      .describe('Notifications the server sent during the step (and its within: window), e.g. resources/updated or list_changed.'),
    content: z
      .array(ContentItem)
      .optional()
      .describe('For call and prompt: these content blocks appear, in this order (other blocks may come between).'),
    blob: ExpectBlob.optional().describe('For read: the blob content.'),
    values: z.array(z.string()).optional().describe('For complete: these values are among the completions.'),
    total: z.number().int().optional().describe('For complete: completion.total.'),
    hasMore: z.boolean().optional().describe('For complete: completion.hasMore.'),
  })
  .describe('What the step must show; each key is one check.');

/** Capabilities a step can need: the server's (declared at initialize) and the client's (mcp-verify's). */
export const CAPABILITIES = ['tools', 'resources', 'prompts', 'logging', 'completions', 'elicitation', 'sampling', 'roots'] as const;
export const Capability = z.enum(CAPABILITIES);

export const Variables = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/), z.union([z.string(), z.number(), z.boolean()]))
  .describe('Named values used as ${name} in the scenario; --var name=value overrides them. ${env.NAME} reads the environment.');
export const Secrets = z
  .array(z.string())
  .describe('Names whose values are secret (variables, captures, or env.NAME): redacted from every output and report.');
export const Public = z
  .array(z.string().regex(/^env\.[A-Za-z_][A-Za-z0-9_]*$/, 'env.NAME'))
  .describe('Environment variables (env.NAME) whose values may be shown. Every other ${env.NAME} a scenario uses is secret: redacted from every output and report.');

export const LIST_KINDS = ['tools', 'resources', 'resourceTemplates', 'prompts'] as const;


export const Root = z.strictObject({ uri: z.string().describe('A file:// URI.'), name: z.string().optional() }).describe('A root the client offers (roots/list).');

/** The keys every step takes, whatever its kind (kind modules add their action and their own keys). */
export const stepCommon = {
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/).optional().describe('A stable id for reports and expected-failure lists.'),
  description: z.string().optional().describe('What the step shows, in words: printed with the step in reports.'),
  within: Duration.optional().describe('After the result, wait up to this long for the expected notifications and logs (done as soon as they are all in).'),
  elicitation: z.array(ElicitationAnswer).optional().describe('Scripted answers for this step, tried before the scenario\'s.'),
  sampling: z.array(SamplingAnswer).optional(),
  timeout: Duration.optional(),
  requires: z
    .array(Capability)
    .optional()
    .describe('Capabilities this step must have: when one is missing the step FAILs instead of being SKIPped.'),
  capture: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/), z.string())
    .optional()
    .describe('Values for later steps, ${name}: a path into json, structured, text, names or result, e.g. json.destination.'),
};

/** The expectation keys every kind takes; kinds add theirs (isError for call, names/count for list). */
export const expectCommon = {
  error: Expect.shape.error,
  text: Expect.shape.text,
  json: Expect.shape.json,
  elicitations: Expect.shape.elicitations,
  sampling: Expect.shape.sampling,
  progress: Expect.shape.progress,
  logs: Expect.shape.logs,
  notifications: Expect.shape.notifications,
};
