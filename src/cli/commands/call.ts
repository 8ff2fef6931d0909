// `mcp-verify call TOOL`: a one-step plan (local URL or an AgentCore runtime) on the one execution path:
// call one tool with a person answering its elicitation and sampling requests and live progress on
// screen, print the result.
// No scenario file needed; `--record FILE` turns the call and the answers into one.
import type { Command } from 'commander';
import { ExitCode, UsageError, UserError } from '../../errors.js';
import { addRemoteFlags, remoteOptions, remoteTargetFromFlags, REMOTE_HELP, type RemoteFlags } from '../remote-flags.js';
import { durationOption } from '../run-suite.js';
import { addLlmFlags } from '../llm-flags.js';
import type { LlmOptions } from '../../responders/llm/plan.js';
import { ConnectError } from '../../errors.js';
import type { LoadedScenario } from '../../scenario/loader.js';
import type { StepOutcome } from '../../scenario/steps/index.js';
import type { Listing } from '../../session/listing.js';
import { DEFAULT_LOCAL_URL, parseHttpUrl } from './local.js';
import { addLocalAuthFlags, withLocalAuth, type LocalAuthFlags } from '../../target/local-auth.js';

interface CallFlags extends RemoteFlags, LlmOptions, LocalAuthFlags {
  url?: string;
  arg: string[];
  argsJson?: string;
  /** ms (durationOption) */
  timeout: number;
  record?: string;
  samplingDefault?: string;
  color?: boolean;
}

export function registerCall(program: Command): void {
  const cmd = program
    .command('call')
    .description('Call one tool; a person answers its elicitation/sampling requests at the terminal, with live progress.')
    .argument('<tool>', 'the tool to call')
    .option('--url <url>', `the MCP endpoint (default ${DEFAULT_LOCAL_URL}; or name a runtime with the remote flags)`)
    .option('--arg <key=value>', 'a tool argument (repeatable); the value is typed by the tool\'s input schema', collect, [])
    .option('--args-json <json>', 'all arguments as one JSON object (--arg values are applied on top)')
    .addOption(durationOption('--timeout <duration>', 'how long the call may take, answering included', '10m'))
    .option('--record <file>', 'write a scenario file that repeats this call with the answers given, to replay without a person')
    .option('--sampling-default <text>', 'text offered (editable) as the start of a typed sampling reply')
    .option('--no-color', 'no colours (also: NO_COLOR=1)');
  addLlmFlags(cmd, durationOption);
  addLocalAuthFlags(cmd, false);
  addRemoteFlags(cmd).addHelpText(
    'after',
    `
Examples:
  mcp-verify call plan_trip --url http://127.0.0.1:8000/mcp
  mcp-verify call search_flights --arg origin=Oslo --arg destination=Rome
  mcp-verify call plan_trip --record plan-trip.yaml      # then: mcp-verify local plan-trip.yaml
  mcp-verify call quick_recommend --sampling-llm openai:gpt-4o-mini   # the model drafts, you send or edit
  mcp-verify call get-sum --args-json '{"a": 2, "b": 3}' --url http://127.0.0.1:3001/mcp
  mcp-verify call plan_trip --arn arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/travel-AbCdEf1234

Answering: the form's fields are asked one by one (invalid input is re-asked with the reason);
a sampling reply is typed line by line and ends with a line holding just "."; Ctrl-C at a prompt
answers cancel for that request, a second Ctrl-C stops. Without a terminal (or with CI=true)
nothing is asked: an elicitation is cancelled, a sampling request refused, and the call exits 1.
Output: the result's text on stdout; prompts, progress and logs on stderr.
${REMOTE_HELP}

Exit codes: 0 the tool succeeded, 1 it failed (isError, a JSON-RPC error, or an unanswered request),
2 usage error (unknown tool, bad --arg), 3 could not connect or authenticate, 130 interrupted.`,
  );
  cmd.action(async (tool: string, flags: CallFlags) => {
    process.exitCode = await callTool(tool, flags);
  });
}

/** The LLM flags alone (call's other flags are not run options). */
function llmOptions(flags: CallFlags): LlmOptions {
  const { samplingLlm, llmBaseUrl, llmApiKeyEnv, llmRegion, llmProfile, llmTimeout, llmBudget, profile } = flags;
  return { samplingLlm, llmBaseUrl, llmApiKeyEnv, llmRegion, llmProfile, llmTimeout, llmBudget, profile };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function callTool(tool: string, flags: CallFlags): Promise<number> {
  const timeoutMs = flags.timeout;
  const given = parseArgs(flags);
  const remote = !!(flags.arn || flags.runtimeId);
  if (remote && flags.url) throw new UsageError('give either --url or a runtime (--arn / --runtime-id), not both');

  const mode = await import('../../terminal/interactive-mode.js');
  const person = mode.personAvailable();
  if (flags.record && !person) mode.assertPersonAvailable('--record');
  const recordPath = flags.record ? await (await import('../../responders/recorder.js')).assertRecordable(flags.record) : undefined;
  // The LLM flags are checked (keys included) before anything connects; buildPlan repeats it for the plan.
  (await import('../../responders/llm/plan.js')).planLlm([], llmOptions(flags), 'scenarios', []);

  let target;
  if (remote) {
    const { remoteTarget } = await import('../../target/remote.js');
    target = await remoteTargetFromFlags(flags);
  } else {
    const { localTarget } = await import('../../target/target.js');
    target = withLocalAuth(localTarget(parseHttpUrl(flags.url ?? DEFAULT_LOCAL_URL)), flags);
  }

  const { installRunSignals, runAbortSignal, interruptRun, interruptReceived } = await import('../signals.js');
  const { sanitizeForTerminal } = await import('../../terminal/sanitize.js');
  const { Redactor } = await import('../../redact.js');
  const { buildPlan } = await import('../../run/plan.js');
  const { executeRun } = await import('../../run/execute.js');
  const { exitCode } = await import('../../run/exit-code.js');
  const { listServer } = await import('../../session/listing.js');

  const release = installRunSignals();
  const signal = runAbortSignal();
  const where = sanitizeForTerminal(`call ${tool}`, { oneLine: true, maxChars: 120 });
  const scenarioId = `call#${tool}`;
  let interactive: ReturnType<typeof mode.startInteractive> | undefined;
  try {
    // The tool's input schema types each --arg (a listing session of its own; exit 2 for an unknown tool).
    const args = coerceArgs(toolSchema((await listServer(target, { timeoutMs, signal })).tools, tool), given);
    // A one-step plan on the one execution path: no session-id expectations (call is not a verdict on sessions).
    const loaded: LoadedScenario = {
      id: scenarioId,
      file: 'call',
      line: 1,
      stepLines: [1],
      scenario: {
        name: `call ${tool}`,
        session: { idIssued: false, persistent: false, format: 'any', reinitialize: false },
        steps: [{ call: tool, args: literal(args) as Record<string, unknown> }],
      },
    };
    const plan = await buildPlan({ ...llmOptions(flags), timeout: timeoutMs, interactive: person }, [loaded], target);
    interactive = person ? mode.startInteractive(flags, target, { signal, onStop: () => interruptRun('SIGINT'), secrets: plan.secrets }) : undefined;
    const llm = await (await import('../llm-flags.js')).prepareLlm(plan, signal);
    if (llm && interactive) llm.setReview((req, draft) => interactive!.responder.reviewDraft(req, draft));
    const redactor = new Redactor([...target.secrets, ...plan.secrets, ...(llm?.control.llm?.secrets ?? [])]);
    let outcome: StepOutcome | undefined;
    const run = await executeRun(plan, [], {
      ...llm?.control,
      signal,
      fallbackResponders: interactive?.fallbackResponders ?? [],
      onEntry: (_s, e) => interactive?.observe(scenarioId, where, e),
      onOutcome: (_s, _i, o) => (outcome = o),
    });
    interactive?.progress.settle();
    if (run.connectError) throw new ConnectError(run.connectError);
    const result = outcome?.result as { isError?: boolean; content?: { type?: string; mimeType?: string }[]; structuredContent?: unknown } | undefined;
    if (outcome) {
      const shown = outcome.error ? '' : describeResult(result, outcome.text, sanitizeForTerminal);
      if (shown) process.stdout.write(redactor.text(shown) + '\n');
      if (outcome.error) process.stderr.write(redactor.text(`mcp-verify: ${tool} failed: ${sanitizeForTerminal(outcome.error.message, { oneLine: true, maxChars: 500 })}${outcome.error.code !== undefined ? ` (code ${outcome.error.code})` : ''}`) + '\n');
      else if (result?.isError) process.stderr.write(`mcp-verify: ${tool} returned isError: true\n`);
    }
    const step = run.scenarios[0]?.steps[0];
    for (const c of step?.checks ?? []) {
      if (c.name === 'responders.answered' || c.name === 'wire') process.stderr.write(redactor.text(`mcp-verify: ${sanitizeForTerminal(c.message ?? '', { oneLine: true, maxChars: 600 })}`) + '\n');
    }
    if (run.scenarios[0]?.error) process.stderr.write(redactor.text(`mcp-verify: ${sanitizeForTerminal(run.scenarios[0].error, { oneLine: true, maxChars: 600 })}`) + '\n');

    if (recordPath && interactive?.recorder && outcome) {
      const expect: Record<string, unknown> = outcome.error ? { error: true } : { isError: !!result?.isError, ...(outcome.text.length <= 4000 ? resultExpectation(outcome.text) : {}) };
      const header = [
        ` Recorded by mcp-verify call --record on ${new Date().toISOString()} against ${target.url.toString()}.`,
        ` ${interactive.recorder.count} answer(s) given by a person are scripted below (times: 1 each, in the order given);`,
        ' expect holds the result seen then: loosen it if the tool\'s output varies from run to run.',
        ` Replay without a person: mcp-verify ${remote ? 'remote' : 'local'} ${mode.shownPathOf(recordPath)}${remote ? ' ...' : ` --url ${target.url.toString()}`}`,
      ].join('\n');
      const { writeRecording } = await import('../../responders/recorder.js');
      const { namesTakenBeside } = await import('../../responders/recorder.js');
      await writeRecording(recordPath, interactive.recorder.callFile(scenarioId, tool, args, expect, header, await namesTakenBeside(recordPath)));
      process.stderr.write(`mcp-verify: recorded ${interactive.recorder.count} answer(s) to ${mode.shownPathOf(recordPath)}\n`);
    }
    return exitCode(run, interruptReceived());
  } finally {
    interactive?.dispose();
    release();
  }
}

/** Arguments as data, never as ${variables}: a literal "${x}" in a value stays "${x}". */
function literal(v: unknown): unknown {
  if (typeof v === 'string') return v.replaceAll('${', '$${');
  if (Array.isArray(v)) return v.map(literal);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, literal(x)]));
  return v;
}

/** --args-json first, then each --arg on top (still strings here; typed by the schema later). */
function parseArgs(flags: CallFlags): Record<string, unknown> {
  let base: Record<string, unknown> = {};
  if (flags.argsJson !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(flags.argsJson);
    } catch (e) {
      throw new UsageError(`--args-json is not valid JSON: ${(e as Error).message}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError('--args-json must be a JSON object, e.g. \'{"origin": "Oslo"}\'');
    base = parsed as Record<string, unknown>;
  }
  const raw: Record<string, unknown> = {};
  for (const a of flags.arg) {
    const i = a.indexOf('=');
    if (i <= 0) throw new UsageError(`--arg takes key=value (got "${a}")`);
    raw[a.slice(0, i)] = new RawArg(a.slice(i + 1));
  }
  return { ...base, ...raw };
}

/** A --arg value not yet typed: the tool's input schema says whether "3" is a number or a string. */
class RawArg {
  constructor(readonly text: string) {}
}

function toolSchema(tools: Listing['tools'], tool: string): Record<string, { type?: unknown }> {
  const found = tools.find((t) => t.name === tool);
  if (found) return (found.inputSchema?.properties ?? {}) as Record<string, { type?: unknown }>;
  throw new UserError(`the server has no tool "${tool}"; it lists: ${tools.map((t) => t.name).slice(0, 30).join(', ') || '(none)'}`, ExitCode.Usage);
}

function coerceArgs(props: Record<string, { type?: unknown }>, given: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(given)) {
    if (!(v instanceof RawArg)) {
      out[k] = v;
      continue;
    }
    const type = props[k]?.type;
    const types = Array.isArray(type) ? type : [type];
    if (types.includes('string') || type === undefined) {
      out[k] = v.text;
      continue;
    }
    try {
      out[k] = JSON.parse(v.text);
    } catch {
      throw new UsageError(`--arg ${k}=${v.text}: the tool's schema says ${JSON.stringify(type)}, and "${v.text}" is not JSON of that type`);
    }
  }
  return out;
}

function describeResult(result: { content?: { type?: string; mimeType?: string }[]; structuredContent?: unknown } | undefined, text: string, sanitize: (v: unknown, o?: { maxChars?: number; maxLines?: number }) => string): string {
  const parts: string[] = [];
  if (text) parts.push(sanitize(text, { maxChars: 20_000, maxLines: 400 }));
  for (const c of result?.content ?? []) {
    if (c.type && c.type !== 'text' && c.type !== 'resource') parts.push(`[${sanitize(c.type)}${c.mimeType ? ` ${sanitize(c.mimeType)}` : ''} content not shown]`);
  }
  if (!text && result?.structuredContent !== undefined) parts.push(sanitize(JSON.stringify(result.structuredContent, null, 2), { maxChars: 20_000, maxLines: 400 }));
  return parts.join('\n');
}

/** What a recording expects of the result: `json:` (a subset, readable and diffable) for a JSON object or array, else the text. */
export function resultExpectation(text: string): Record<string, unknown> {
  const t = text.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(t);
      if (parsed && typeof parsed === 'object') return { json: parsed };
    } catch {
      /* not JSON: compare the text */
    }
  }
  return { text: { equals: text } };
}
