// The scenario language. This one zod schema is the single source of truth: the TypeScript types,
// the validation (with file:line:col errors, see loader.ts) and the published JSON Schema
// (schema/scenario.schema.json, `mcp-verify schema`) all come from it.
import { z } from 'zod';

/** The features the report summarises by, in the seed article's order. */
export const FEATURES = [
  'Elicitation',
  'Sampling',
  'Progress Notifications',
  'Resources',
  'Prompts',
  'Session ID Persistence',
] as const;

const Duration = z
  .union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?(ms|s|m)$/, 'a duration like 500ms, 5s or 2m')])
  .describe('A duration: milliseconds as a number, or a string like "500ms", "5s", "2m".');

const TextMatch = z
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

const JsonValue: z.ZodType<unknown> = z.any();

const PrimitiveType = z.enum(['string', 'number', 'integer', 'boolean', 'array']);

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
  })
  .describe('A scripted answer to elicitation/create.');

export const SamplingAnswer = z
  .strictObject({
    match: z
      .strictObject({
        text: z.string().optional().describe('Substring of the request messages or system prompt (case-insensitive).'),
        regex: z.string().optional(),
      })
      .optional(),
    text: z.string().describe('The reply text.'),
    model: z.string().default('mcp-verify-scripted'),
    stopReason: z.string().default('endTurn'),
    times: z.number().int().positive().optional(),
  })
  .describe('A scripted answer to sampling/createMessage.');

const CountMatch = z
  .union([z.number().int().nonnegative(), z.strictObject({ min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional() })])
  .describe('An exact count, or {min, max}.');

const ExpectProgress = z.strictObject({
  count: CountMatch.optional(),
  increasing: z.boolean().optional().describe('Each progress value is greater than the one before (the spec says MUST).'),
  finalEqualsTotal: z.boolean().optional(),
  beforeResult: z.boolean().optional().describe('Every progress notification arrived before the result.'),
  total: z.number().optional(),
});

const ExpectElicitations = z.strictObject({
  count: CountMatch.optional(),
  messages: z.array(z.string()).optional().describe('Substrings, one per request, in order.'),
  types: z.array(PrimitiveType).optional().describe('The type of each request\'s single field, in order.'),
  flatSchema: z.boolean().optional().describe('Every requested schema is a flat object of primitive types.'),
});

const ExpectSampling = z.strictObject({
  count: CountMatch.optional(),
  maxTokens: z.number().int().optional(),
  contains: z.union([z.string(), z.array(z.string())]).optional(),
});

const ExpectLogs = z.strictObject({
  count: CountMatch.optional(),
  level: z.string().optional().describe('Every log message has this level.'),
  contains: z.union([z.string(), z.array(z.string())]).optional().describe('Substrings that some log messages contain, in order.'),
});

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
  })
  .describe('What the step must show; each key is one check.');

/** Capabilities a step can need: the server's (declared at initialize) and the client's (mcp-verify's). */
export const CAPABILITIES = ['tools', 'resources', 'prompts', 'logging', 'completions', 'elicitation', 'sampling'] as const;
const Capability = z.enum(CAPABILITIES);

const Variables = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/), z.union([z.string(), z.number(), z.boolean()]))
  .describe('Named values used as ${name} in the scenario; --var name=value overrides them. ${env.NAME} reads the environment.');
const Secrets = z
  .array(z.string())
  .describe('Names whose values are secret (variables, captures, or env.NAME): redacted from every output and report.');
const Public = z
  .array(z.string().regex(/^env\.[A-Za-z_][A-Za-z0-9_]*$/, 'env.NAME'))
  .describe('Environment variables (env.NAME) whose values may be shown. Every other ${env.NAME} a scenario uses is secret: redacted from every output and report.');

export const LIST_KINDS = ['tools', 'resources', 'resourceTemplates', 'prompts'] as const;

export const Step = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9_.-]+$/).optional().describe('A stable id for reports and expected-failure lists.'),
    call: z.string().optional().describe('Call this tool.'),
    list: z.enum(LIST_KINDS).optional().describe('List tools, resources, resource templates or prompts.'),
    read: z.string().optional().describe('Read this resource URI.'),
    prompt: z.string().optional().describe('Get this prompt.'),
    ping: z.literal(true).optional().describe('Send ping.'),
    args: z.record(z.string(), JsonValue).optional().describe('Arguments for call or prompt.'),
    elicitation: z.array(ElicitationAnswer).optional().describe('Scripted answers for this step, tried before the scenario\'s.'),
    sampling: z.array(SamplingAnswer).optional(),
    expect: Expect.optional(),
    timeout: Duration.optional(),
    requires: z
      .array(Capability)
      .optional()
      .describe('Capabilities this step must have: when one is missing the step FAILs instead of being SKIPped.'),
    capture: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/), z.string())
      .optional()
      .describe('Values for later steps, ${name}: a path into json, structured, text, names or result, e.g. json.destination.'),
  })
  .superRefine((step, ctx) => {
    const actions = (['call', 'list', 'read', 'prompt', 'ping'] as const).filter((k) => step[k] !== undefined);
    if (actions.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          actions.length === 0
            ? 'a step needs one action: call, list, read, prompt or ping'
            : `a step has one action, this one has ${actions.join(' and ')}`,
      });
    }
  });

export const SessionExpect = z.strictObject({
  idIssued: z.boolean().default(true).describe('The server issues Mcp-Session-Id at initialize.'),
  persistent: z.boolean().default(true).describe('The same id is sent and returned on every later exchange.'),
  format: z.enum(['uuid', 'hex', 'any']).default('any'),
  reinitialize: z
    .boolean()
    .default(false)
    .describe('On 404 for the session (expired), open a new session and retry the step once, as the spec tells a client to; otherwise the step fails with "session expired".'),
});

export const Scenario = z.strictObject({
  name: z.string().min(1).describe('Unique within the suite.'),
  description: z.string().optional(),
  feature: z.string().optional().describe(`The feature this scenario shows, for the summary: ${FEATURES.join(', ')}.`),
  tags: z.array(z.string()).optional(),
  session: SessionExpect.optional(),
  elicitation: z.array(ElicitationAnswer).optional().describe('Scripted answers for every step of the scenario.'),
  sampling: z.array(SamplingAnswer).optional(),
  timeout: Duration.optional().describe('The whole scenario must finish within this; it also caps each step\'s timeout.'),
  requires: z
    .array(Capability)
    .optional()
    .describe('Capabilities the scenario must have: steps that need a missing one FAIL instead of being SKIPped.'),
  variables: Variables.optional(),
  secrets: Secrets.optional(),
  public: Public.optional(),
  steps: z.array(Step).min(1),
});

export const ScenarioFile = z
  .strictObject({
    $schema: z.string().optional(),
    variables: Variables.optional().describe('Defaults for every scenario in the file; a scenario\'s own and --var override them.'),
    secrets: Secrets.optional(),
    public: Public.optional(),
    scenarios: z.array(Scenario).min(1),
  })
  .describe('An mcp-verify scenario file.');

export type ElicitationAnswer = z.infer<typeof ElicitationAnswer>;
export type SamplingAnswer = z.infer<typeof SamplingAnswer>;
export type Expect = z.infer<typeof Expect>;
export type Step = z.infer<typeof Step>;
export type Scenario = z.infer<typeof Scenario>;
export type ScenarioFile = z.infer<typeof ScenarioFile>;
export type CountMatch = z.infer<typeof CountMatch>;
export type TextMatch = z.infer<typeof TextMatch>;

/** Milliseconds from a Duration value. */
export { durationMs } from './duration.js';

/** The JSON Schema published for editors (yaml-language-server) and `mcp-verify schema`. */
export function scenarioJsonSchema(): unknown {
  return z.toJSONSchema(ScenarioFile, { io: 'input', unrepresentable: 'any' });
}
