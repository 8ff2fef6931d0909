// The scenario language. This one zod schema is the single source of truth: the TypeScript types,
// the validation (with file:line:col errors, see loader.ts) and the published JSON Schema
// (schema/scenario.schema.json, `mcp-verify schema`) all come from it.
import { z } from 'zod';
import * as parts from './schema-parts.js';
import { Capability, Duration, Public, Secrets, Variables } from './schema-parts.js';
import { stepSchema, type StepFields } from './steps/index.js';

/** The features the report summarises by, in the seed article's order. */
export const FEATURES = [
  'Elicitation',
  'Sampling',
  'Progress Notifications',
  'Resources',
  'Prompts',
  'Session ID Persistence',
] as const;

export { Duration, JsonValue, PrimitiveType, CAPABILITIES, LIST_KINDS } from './schema-parts.js';
export const TextMatch = parts.TextMatch;
export const ElicitationAnswer = parts.ElicitationAnswer;
export const SamplingAnswer = parts.SamplingAnswer;
export const LlmConfig = parts.LlmConfig;
export const LLM_PROVIDERS = parts.LLM_PROVIDERS;
export const CountMatch = parts.CountMatch;
export const Expect = parts.Expect;

/**
 * A step: one of the step kinds (src/scenario/steps/), told apart by its action key (call, list, read,
 * prompt, ping). Each kind's strict schema names exactly the keys it takes; the loader reports a key
 * that does not belong with file:line:col and the kind's keys.
 */
export const Step = stepSchema();

/** Every key of every step kind, all optional: the type code reads steps through. */
export type Step = StepFields;
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
  roots: z.array(parts.Root).optional().describe('The roots mcp-verify offers when the server asks roots/list (default none); a notifyRootsChanged step changes them.'),
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
export type LlmConfig = z.infer<typeof LlmConfig>;
export type Expect = z.infer<typeof Expect>;
/** Steps read as Step (every kind's keys, optional): the union's branches are typed loosely. */
export type Scenario = Omit<z.infer<typeof Scenario>, 'steps'> & { steps: Step[] };
export type ScenarioFile = Omit<z.infer<typeof ScenarioFile>, 'scenarios'> & { scenarios: Scenario[] };
export type CountMatch = z.infer<typeof CountMatch>;
export type TextMatch = z.infer<typeof TextMatch>;

/** Milliseconds from a Duration value. */
export { durationMs } from './duration.js';

/** The JSON Schema published for editors (yaml-language-server) and `mcp-verify schema`. */
export function scenarioJsonSchema(): unknown {
  // reused: 'ref': the parts every step kind shares are $defs, not copied into each kind.
  return z.toJSONSchema(ScenarioFile, { io: 'input', unrepresentable: 'any', reused: 'ref' });
}
