// A person at the terminal answers what no scripted rule matched: elicitation forms built from the
// requested schema, URL-mode consent (the URL is shown, never opened), and sampling replies typed by
// hand. It sits after the scripted responders in the chain, so it is only asked for unmatched requests.
//
// Ctrl-C at a prompt answers `cancel` for that request; a second Ctrl-C in a row (or Ctrl-C while no
// prompt is open) aborts `stopSignal`, which the runner takes as its `signal`: unfinished scenarios are
// marked interrupted and the report of what ran is still printed. Nothing here exits the process.
//
// Every server string shown goes through sanitizeForTerminal first (terminal safety).
import { checkbox, input, select } from '@inquirer/prompts';
import { quickInput } from './quick-input.js';
import { makeStyle, type Style } from '../report/style.js';
import { indent, sanitizeForTerminal } from '../terminal/sanitize.js';
import {
  flatSchemaProblem,
  type ElicitationReply,
  type ElicitationRequest,
  type Responder,
  type SamplingReply,
  type SamplingRequest,
} from './responder.js';

/** Pauses live drawing (the progress bar) while a prompt owns the terminal. */
export interface TerminalDisplay {
  pause(): void;
  resume(): void;
}

export interface InteractiveOptions {
  input?: NodeJS.ReadableStream;
  /** Where prompts and request headers are drawn (default stderr, so stdout stays the report). */
  output?: NodeJS.WritableStream;
  display?: TerminalDisplay;
  /** Offered as the initial text of a sampling reply (editable). */
  samplingDefault?: string;
  /** Names what is running ("scenario x · call plan_trip") for the request header. */
  context?: () => string | undefined;
  style?: Style;
  /** Called when the person stops the run (second Ctrl-C): the owner of the run's signal aborts it. */
  onStop?: () => void;
  /** The run's signal: an open prompt closes (answering cancel) when the run is stopped elsewhere. */
  signal?: AbortSignal;
  /** Masks the run's secrets in what is shown (a server may reflect a token in its question). */
  redact?: (text: string) => string;
}

/** The line that ends a multi-line sampling reply. */
export const END_OF_REPLY = '.';

type Prop = Record<string, unknown>;
interface Choice {
  value: unknown;
  name: string;
}

export class InteractiveResponder implements Responder {
  private readonly stopper = new AbortController();
  /** Ctrl-C presses since the last normal answer. */
  private interrupts = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly out: NodeJS.WritableStream;
  private readonly style: Style;

  constructor(private readonly opts: InteractiveOptions = {}) {
    this.out = opts.output ?? process.stderr;
    this.style = opts.style ?? makeStyle(false);
  }

  /** Aborted when the person stops the run (second Ctrl-C). Pass it to the runner as `signal`. */
  get stopSignal(): AbortSignal {
    return this.stopper.signal;
  }

  /** Stop the run (Ctrl-C while no prompt is open). */
  stop(reason = 'interrupted'): void {
    if (this.stopper.signal.aborted) return;
    this.stopper.abort(new Error(reason));
    this.opts.onStop?.();
  }

  /**
   * For runs whose SIGINT nobody else handles: while the run goes on, SIGINT (Ctrl-C when no prompt has the terminal in raw mode) stops it.
   * Returns the uninstaller; after the first stop the handler removes itself so a further Ctrl-C gets
   * the default (or another owner's) behaviour.
   */
  handleSigint(): () => void {
    const onSigint = () => {
      this.say(this.style.yellow('\nCtrl-C: stopping the run; the report of what ran follows.'));
      this.stop();
      process.removeListener('SIGINT', onSigint);
    };
    process.on('SIGINT', onSigint);
    return () => process.removeListener('SIGINT', onSigint);
  }

  elicit(req: ElicitationRequest): Promise<ElicitationReply | undefined> {
    return this.serial(() => this.askElicitation(req));
  }

  sample(req: SamplingRequest): Promise<SamplingReply | undefined> {
    return this.serial(() => this.askSampling(req));
  }

  // ---- elicitation --------------------------------------------------------------------------------

  private async askElicitation(req: ElicitationRequest): Promise<ElicitationReply> {
    if (this.stopped) return { action: 'cancel', answeredBy: 'policy', note: 'the run was stopped' };
    const s = this.style;
    const where = this.opts.context?.();
    if (req.mode === 'url') {
      this.say(`\n${s.bold('The server asks you to open a URL')} ${s.dim(`(elicitation, url mode${where ? ` · ${where}` : ''})`)}`);
      this.say(indent(sanitizeForTerminal(req.message)));
      const url = sanitizeForTerminal(req.url ?? '(no url given)', { oneLine: true, maxChars: 500 });
      this.say(`  URL:  ${s.underline(url)}`);
      this.say(`  host: ${s.bold(hostOf(req.url))}`);
      this.say(s.dim('  mcp-verify never opens it: open it yourself only if you trust it.'));
      return this.guardedElicitation(async () => {
        const action = await this.prompt(select<'accept' | 'decline' | 'cancel'>, {
          message: 'Consent',
          choices: [
            { value: 'accept', name: 'Accept (I will open the URL myself)' },
            { value: 'decline', name: 'Decline' },
            { value: 'cancel', name: 'Cancel' },
          ],
        });
        return { action, answeredBy: 'person' };
      });
    }

    this.say(`\n${s.bold('The server asks')} ${s.dim(`(elicitation${where ? ` · ${where}` : ''})`)}`);
    this.say(indent(sanitizeForTerminal(req.message)));
    const problem = flatSchemaProblem(req.requestedSchema);
    return this.guardedElicitation(async () => {
      if (problem) {
        const action = await this.prompt(select<'decline' | 'cancel'>, {
          message: 'Respond',
          choices: [
            { value: 'decline', name: `Decline (the form cannot be shown: ${sanitizeForTerminal(problem, { oneLine: true, maxChars: 200 })})` },
            { value: 'cancel', name: 'Cancel' },
          ],
        });
        return { action, answeredBy: 'person' };
      }
      // Quick answers: the first field is asked at once; decline and cancel are one key away.
      const filled = await this.fillForm(req);
      if (filled === DECLINE || filled === CANCEL) return { action: filled === DECLINE ? 'decline' : 'cancel', answeredBy: 'person' };
      return { action: 'accept', content: filled, answeredBy: 'person' };
    });
  }

  private fields(req: ElicitationRequest) {
    const schema = req.requestedSchema ?? {};
    const props = schema.properties ?? {};
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    const names = Object.keys(props);
    // FastMCP wraps a scalar as {value}: the message is the question, so ask it plainly.
    const single = names.length === 1 && names[0] === 'value';
    return names.map((name) => {
      const prop = props[name] ?? {};
      const label = single ? 'Answer' : sanitizeForTerminal(typeof prop.title === 'string' ? prop.title : name, { oneLine: true, maxChars: 120 });
      return { name, prop, label, required: required.has(name), single };
    });
  }

  /** Every field in turn, then (for several fields) a review: send, edit a field, decline or cancel. */
  private async fillForm(req: ElicitationRequest): Promise<Record<string, unknown> | typeof DECLINE | typeof CANCEL> {
    const fields = this.fields(req);
    const content: Record<string, unknown> = {};
    const ask = async (f: (typeof fields)[number]) => {
      if (!f.single && typeof f.prop.description === 'string') this.say(this.style.dim(indent(sanitizeForTerminal(f.prop.description, { maxLines: 6, maxChars: 400 }))));
      const value = await this.askField(f.label, f.prop, f.required);
      if (value === DECLINE || value === CANCEL) return value;
      if (value === undefined) delete content[f.name];
      else content[f.name] = value;
      return undefined;
    };
    for (const f of fields) {
      const stop = await ask(f);
      if (stop) return stop;
    }
    if (fields.length < 2) return content;
    for (;;) {
      this.say(`\n${this.style.bold('Review')} ${this.style.dim('(what will be sent)')}`);
      for (const f of fields) this.say(`  ${f.label}: ${f.name in content ? sanitizeForTerminal(JSON.stringify(content[f.name]), { oneLine: true, maxChars: 200 }) : this.style.dim('(not given)')}`);
      const next = await this.prompt(select<'send' | 'edit' | 'decline' | 'cancel'>, {
        message: 'Send it?',
        choices: [
          { value: 'send', name: 'Send' },
          { value: 'edit', name: 'Edit a field' },
          { value: 'decline', name: 'Decline the request' },
          { value: 'cancel', name: 'Cancel the request' },
        ],
      });
      if (next === 'send') return content;
      if (next === 'decline') return DECLINE;
      if (next === 'cancel') return CANCEL;
      const which = await this.prompt(select<string>, { message: 'Which field?', choices: fields.map((f) => ({ value: f.name, name: f.label })) });
      const stop = await ask(fields.find((f) => f.name === which)!);
      if (stop) return stop;
    }
  }

  private async askField(label: string, prop: Prop, required: boolean): Promise<unknown> {
    const optional = required ? '' : ' (optional, Enter to skip)';
    const hint = this.style.dim(`${required ? 'Enter answers' : 'Enter skips'} · Esc declines · Ctrl-C cancels`);
    const requestChoices: Choice[] = [
      { value: DECLINE, name: this.style.dim('(decline the request)') },
      { value: CANCEL, name: this.style.dim('(cancel the request)') },
    ];
    const choices = enumChoices(prop);
    if (choices) {
      const choiceList = [...choices, ...(required ? [] : [{ value: SKIP, name: '(skip)' }]), ...requestChoices];
      const dflt = prop.default !== undefined ? choiceList.find((c) => c.value === prop.default)?.value : undefined;
      const v = await this.prompt(select<unknown>, { message: `${label}${required ? '' : ' (optional)'}`, choices: choiceList, ...(dflt !== undefined ? { default: dflt } : {}) });
      return v === SKIP ? undefined : v;
    }
    const type = prop.type;
    if (type === 'array') {
      const items = (prop.items ?? {}) as Prop;
      const options = enumChoices(items) ?? [];
      const min = num(prop.minItems);
      const max = num(prop.maxItems);
      const dflt = Array.isArray(prop.default) ? prop.default : [];
      const picked = await this.prompt(checkbox<unknown>, {
        message: `${label} (choose${rangeHint(min, max).replace(/^,/, '')}; space selects, Enter confirms)`,
        choices: options.map((o) => ({ ...o, checked: dflt.includes(o.value) })),
        validate: (sel: readonly unknown[]) => {
          const n = sel.length;
          if (required && min === undefined && n === 0) return 'choose at least one';
          if (min !== undefined && n < min && (required || n > 0)) return `choose at least ${min}`;
          if (max !== undefined && n > max) return `choose at most ${max}`;
          return true;
        },
      });
      const values = picked.map((p) => (p && typeof p === 'object' && 'value' in (p as object) ? (p as { value: unknown }).value : p));
      return !required && values.length === 0 ? undefined : values;
    }
    if (type === 'boolean') {
      const choiceList: Choice[] = [
        { value: true, name: 'Yes' },
        { value: false, name: 'No' },
        ...(required ? [] : [{ value: SKIP, name: '(skip)' }]),
        ...requestChoices,
      ];
      const v = await this.prompt(select<unknown>, { message: `${label}${required ? '' : ' (optional)'}`, choices: choiceList, ...(typeof prop.default === 'boolean' ? { default: prop.default } : {}) });
      return v === SKIP ? undefined : v;
    }
    if (type === 'number' || type === 'integer') {
      const min = num(prop.minimum);
      const max = num(prop.maximum);
      const kind = type === 'integer' ? 'a whole number' : 'a number';
      const answer = await this.prompt(quickInput, {
        message: `${label} (${type}${rangeHint(min, max)})${optional}`,
        ...(typeof prop.default === 'number' ? { default: String(prop.default) } : {}),
        validate: (v: string) => numberProblem(v, type, min, max, required, kind),
        hint,
      });
      if ('decline' in answer) return DECLINE;
      return answer.value.trim() === '' ? undefined : Number(answer.value.trim());
    }
    // string (and anything unknown, asked as text)
    const format = typeof prop.format === 'string' ? prop.format : undefined;
    const answer = await this.prompt(quickInput, {
      message: `${label} (${format ?? 'text'})${optional}`,
      ...(typeof prop.default === 'string' ? { default: prop.default } : {}),
      validate: (v: string) => stringProblem(v, prop, required),
      hint,
    });
    if ('decline' in answer) return DECLINE;
    return answer.value === '' && !required ? undefined : answer.value;
  }

  private async guardedElicitation(ask: () => Promise<ElicitationReply>): Promise<ElicitationReply> {
    try {
      const reply = await ask();
      this.interrupts = 0;
      return reply;
    } catch (e) {
      if (this.onPromptInterrupted(e)) return { action: 'cancel', answeredBy: 'person', note: 'Ctrl-C at the prompt' };
      throw e;
    }
  }

  // ---- sampling -----------------------------------------------------------------------------------

  private async askSampling(req: SamplingRequest): Promise<SamplingReply> {
    if (this.stopped) throw new Error('mcp-verify: the run was stopped; sampling request not answered');
    this.showSamplingRequest(req);
    this.say(this.style.dim(`  Type the reply; a line with just "${END_OF_REPLY}" ends it. Ctrl-C refuses the request.`));
    try {
      const text = await this.typeReply(this.opts.samplingDefault?.split('\n') ?? []);
      this.interrupts = 0;
      return { text, model: 'human', stopReason: 'endTurn', answeredBy: 'person' };
    } catch (e) {
      if (this.onPromptInterrupted(e)) throw new Error('mcp-verify: the person refused the sampling request (Ctrl-C)');
      throw e;
    }
  }

  private showSamplingRequest(req: SamplingRequest): void {
    const s = this.style;
    const where = this.opts.context?.();
    this.say(`\n${s.bold('The server asks for a model reply')} ${s.dim(`(sampling${where ? ` · ${where}` : ''})`)}`);
    if (req.systemPrompt) this.say(`  System prompt:\n${indent(sanitizeForTerminal(req.systemPrompt), '    ')}`);
    for (const m of req.messages) this.say(`  [${sanitizeForTerminal(m.role, { oneLine: true, maxChars: 20 })}]\n${indent(sanitizeForTerminal(m.text), '    ')}`);
    const hints = req.modelHints?.length ? req.modelHints.map((h) => sanitizeForTerminal(h, { oneLine: true, maxChars: 80 })).join(', ') : 'none';
    this.say(`  maxTokens: ${req.maxTokens ?? s.red('missing')} · model hints: ${hints}`);
  }

  /**
   * An LLM answered: the person sees the draft and sends it as it is, edits it (line by line, each line
   * prefilled), or types a reply of their own. Ctrl-C refuses the request.
   */
  reviewDraft(req: SamplingRequest, draft: SamplingReply): Promise<SamplingReply> {
    return this.serial(() => this.askReview(req, draft));
  }

  private async askReview(req: SamplingRequest, draft: SamplingReply): Promise<SamplingReply> {
    if (this.stopped) throw new Error('mcp-verify: the run was stopped; sampling request not answered');
    const s = this.style;
    this.showSamplingRequest(req);
    const usage = draft.usage ? `, ${draft.usage.inputTokens}+${draft.usage.outputTokens} tokens` : '';
    this.say(`  ${s.bold('Draft')} ${s.dim(`(${draft.provider ? `${draft.provider} ` : ''}${sanitizeForTerminal(draft.model, { oneLine: true, maxChars: 80 })}${usage}, stopReason ${draft.stopReason})`)}`);
    this.say(indent(sanitizeForTerminal(draft.text), '    '));
    try {
      const choice = await this.prompt(select<'send' | 'edit' | 'replace'>, {
        message: 'Send this draft?',
        choices: [
          { value: 'send', name: 'Send it as it is' },
          { value: 'edit', name: 'Edit it (each line prefilled)' },
          { value: 'replace', name: 'Replace it (type a reply)' },
        ],
      });
      if (choice === 'send') {
        this.interrupts = 0;
        return { ...draft, answeredBy: 'person', note: 'LLM draft sent by the person' };
      }
      this.say(s.dim(`  Type the reply; a line with just "${END_OF_REPLY}" ends it. Ctrl-C refuses the request.`));
      const text = await this.typeReply(choice === 'edit' ? draft.text.split('\n') : []);
      this.interrupts = 0;
      return choice === 'edit'
        ? { ...draft, text, model: 'human', answeredBy: 'person', note: `LLM draft (${draft.model}) edited by the person` }
        : { text, model: 'human', stopReason: 'endTurn', answeredBy: 'person', ...(draft.usage ? { usage: draft.usage, provider: draft.provider } : {}), note: `LLM draft (${draft.model}) replaced by the person` };
    } catch (e) {
      if (this.onPromptInterrupted(e)) throw new Error('mcp-verify: the person refused the sampling request (Ctrl-C)');
      throw e;
    }
  }

  /** Lines until one holding just ".", each offered the matching line of `initial` (editable). */
  private async typeReply(initial: string[]): Promise<string> {
    const lines: string[] = [];
    for (;;) {
      const dflt = initial[lines.length];
      const line = await this.prompt(input, {
        message: lines.length === 0 ? 'Reply' : '     ',
        ...(dflt !== undefined ? { default: dflt, prefill: 'editable' as const } : {}),
      });
      if (line === END_OF_REPLY) break;
      lines.push(line);
    }
    return lines.join('\n');
  }

  // ---- plumbing -----------------------------------------------------------------------------------

  /** One prompt at a time, even with several scenarios running at once. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      this.opts.display?.pause();
      try {
        return await fn();
      } finally {
        this.opts.display?.resume();
      }
    });
    this.queue = run.catch(() => {});
    return run;
  }

  private get stopped(): boolean {
    return this.stopper.signal.aborted || !!this.opts.signal?.aborted;
  }

  private prompt<C, R>(fn: (config: C, context?: object) => Promise<R>, config: C): Promise<R> {
    const signal = this.opts.signal ? AbortSignal.any([this.stopper.signal, this.opts.signal]) : this.stopper.signal;
    return fn(config, { input: this.opts.input ?? process.stdin, output: this.out, signal });
  }

  /** True when the prompt ended by Ctrl-C (or the run stopping); counts presses. */
  private onPromptInterrupted(e: unknown): boolean {
    const name = (e as Error)?.name;
    if (name === 'AbortPromptError') return true; // the run was stopped while the prompt was open
    if (name !== 'ExitPromptError') return false;
    this.interrupts++;
    if (this.interrupts >= 2) {
      if (!this.opts.onStop) this.say(this.style.yellow('Ctrl-C again: stopping the run; the report of what ran follows.'));
      this.stop();
    } else {
      this.say(this.style.yellow('Ctrl-C: answered cancel for this request. Press Ctrl-C again to stop the run.'));
    }
    return true;
  }

  private say(text: string): void {
    this.out.write((this.opts.redact ? this.opts.redact(text) : text) + '\n');
  }
}

const SKIP = Symbol('skip');
const DECLINE = Symbol('decline');
const CANCEL = Symbol('cancel');

/** Single-select options: `enum` (+ legacy `enumNames`), or `oneOf`/`anyOf` of `{const, title}`. */
export function enumChoices(prop: Prop): Choice[] | undefined {
  const label = (v: unknown, title?: unknown) =>
    sanitizeForTerminal(typeof title === 'string' ? title : typeof v === 'string' ? v : JSON.stringify(v), { oneLine: true, maxChars: 120 });
  if (Array.isArray(prop.enum)) {
    const names = Array.isArray(prop.enumNames) ? prop.enumNames : [];
    return prop.enum.map((v, i) => ({ value: v, name: label(v, names[i]) }));
  }
  const alts = Array.isArray(prop.oneOf) ? prop.oneOf : Array.isArray(prop.anyOf) ? prop.anyOf : undefined;
  if (alts && alts.every((a) => a && typeof a === 'object' && 'const' in a)) {
    return (alts as { const: unknown; title?: unknown }[]).map((a) => ({ value: a.const, name: label(a.const, a.title) }));
  }
  return undefined;
}

export function numberProblem(v: string, type: 'number' | 'integer', min: number | undefined, max: number | undefined, required: boolean, kind: string): string | undefined {
  const t = v.trim();
  if (t === '') return required ? `required: enter ${kind}` : undefined;
  const ok = type === 'integer' ? /^[-+]?\d+$/.test(t) : /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t);
  if (!ok) return `"${sanitizeForTerminal(t, { oneLine: true, maxChars: 40 })}" is not ${kind}`;
  const n = Number(t);
  if (min !== undefined && n < min) return `must be at least ${min}`;
  if (max !== undefined && n > max) return `must be at most ${max}`;
  return undefined;
}

export function stringProblem(v: string, prop: Prop, required: boolean): string | undefined {
  if (v === '') return required ? 'required: enter a value' : undefined;
  const min = num(prop.minLength);
  const max = num(prop.maxLength);
  const len = [...v].length;
  if (min !== undefined && len < min) return `must be at least ${min} characters`;
  if (max !== undefined && len > max) return `must be at most ${max} characters`;
  if (typeof prop.pattern === 'string') {
    let re: RegExp | undefined;
    try {
      re = new RegExp(prop.pattern, 'u');
    } catch {
      /* a malformed pattern from the server: nothing to check against */
    }
    if (re && !re.test(v)) return `must match the pattern ${sanitizeForTerminal(prop.pattern, { oneLine: true, maxChars: 80 })}`;
  }
  switch (prop.format) {
    case 'email':
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v)) return 'must be an email address (name@example.com)';
      break;
    case 'uri':
      if (!isUri(v)) return 'must be a URI with a scheme (https://example.com/…)';
      break;
    case 'date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) return 'must be a date YYYY-MM-DD';
      break;
    case 'date-time':
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) || Number.isNaN(Date.parse(v))) return 'must be a date-time like 2026-05-01T09:30:00Z';
      break;
  }
  return undefined;
}

function isUri(v: string): boolean {
  try {
    new URL(v);
    return /^[a-z][a-z0-9+.-]*:/i.test(v);
  } catch {
    return false;
  }
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** ", ≥ 1, ≤ 30" for a prompt label; empty without bounds. */
function rangeHint(min: number | undefined, max: number | undefined): string {
  const parts = [min !== undefined ? `≥ ${min}` : '', max !== undefined ? `≤ ${max}` : ''].filter(Boolean);
  return parts.length ? `, ${parts.join(', ')}` : '';
}

function hostOf(url: string | undefined): string {
  try {
    return sanitizeForTerminal(new URL(url ?? '').host || '(none)', { oneLine: true, maxChars: 200 });
  } catch {
    return '(not a valid URL)';
  }
}
