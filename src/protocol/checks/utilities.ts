// The utility methods a server owes every client, and the optional ones it owes once it declares
// them: ping (always), logging/setLevel (logging), completion/complete (completions),
// resources/subscribe + unsubscribe (resources.subscribe). Each through the SDK client in a session
// of its own; a capability not declared is SKIP with the reason.
import { fail, pass, skip, type CheckOutcome, type ProtocolCheck } from '../check.js';
import type { ProtocolContext } from '../context.js';
import { SPEC } from '../spec.js';
import type { Session } from '../../session/session.js';
import { describeEntry } from '../../session/transcript.js';
import { describeRequestError } from '../../scenario/steps/index.js';
import { schemaProblem } from '../../scenario/json-schema.js';

async function inSession(ctx: ProtocolContext, body: (s: Session, ev: () => string[]) => Promise<CheckOutcome>): Promise<CheckOutcome> {
  const session = await ctx.openSession();
  const from = session.transcript.entries.length;
  const ev = () => session.transcript.entries.slice(from).filter((e) => e.kind === 'http' || e.kind === 'result' || e.kind === 'notification').map(describeEntry).slice(-12);
  try {
    return await body(session, ev);
  } finally {
    await session.close();
  }
}

const isEmptyObject = (r: unknown) => !!r && typeof r === 'object' && Object.keys(r as object).filter((k) => k !== '_meta').length === 0;

export const pingCheck: ProtocolCheck = {
  id: 'utility.ping',
  title: 'ping → an empty result',
  spec: SPEC.ping,
  run: (ctx) =>
    inSession(ctx, async (s, ev) => {
      try {
        const r = await s.client.ping({ timeout: ctx.timeoutMs });
        return isEmptyObject(r) ? pass('answered ping with an empty result', ev()) : fail(`answered ping with ${JSON.stringify(r).slice(0, 120)}; the receiver MUST respond promptly with an empty response`, ev(), { actual: r });
      } catch (e) {
        return fail(`ping failed: ${describeRequestError(e).message}; the receiver MUST respond promptly with an empty response`, ev());
      }
    }),
};

export const setLevelCheck: ProtocolCheck = {
  id: 'utility.logging-set-level',
  title: 'logging/setLevel → an empty result (when logging is declared)',
  spec: SPEC.logging,
  run: (ctx) =>
    inSession(ctx, async (s, ev) => {
      if (!s.facts.serverCapabilities.logging) return skip('the server does not declare the logging capability', ev());
      try {
        const r = await s.client.setLoggingLevel('warning', { timeout: ctx.timeoutMs });
        if (!isEmptyObject(r)) return fail(`answered logging/setLevel with ${JSON.stringify(r).slice(0, 120)}, not an empty result`, ev(), { actual: r });
      } catch (e) {
        return fail(`logging/setLevel warning failed although the server declares logging: ${describeRequestError(e).message}`, ev());
      }
      try {
        await s.client.request({ method: 'logging/setLevel', params: { level: 'loud' } } as never, { timeout: ctx.timeoutMs });
        return fail('accepted logging/setLevel with the invalid level "loud"; an invalid log level is error -32602 (Invalid params)', ev());
      } catch (e) {
        const err = describeRequestError(e);
        // The SDK client may refuse the invalid level before sending; only a server answer is evidence.
        if (err.code === undefined) return pass('answered logging/setLevel warning with an empty result', ev());
        // -32602 for an invalid level is a SHOULD: a miss is WARN, not FAIL.
        return err.code === -32602
          ? pass('answered setLevel warning with an empty result, and an invalid level with -32602', ev())
          : { verdict: 'warning', message: `answered setLevel warning with an empty result, but an invalid level got error ${err.code}, not -32602 (Invalid params), which servers SHOULD return`, evidence: ev(), expected: -32602, actual: err.code };
      }
    }),
};

export const completionCheck: ProtocolCheck = {
  id: 'utility.completion',
  title: 'completion/complete → values (at most 100) (when completions is declared)',
  spec: SPEC.completion,
  run: (ctx) =>
    inSession(ctx, async (s, ev) => {
      if (!s.facts.serverCapabilities.completions) return skip('the server does not declare the completions capability', ev());
      const opts = { timeout: ctx.timeoutMs };
      let ref: { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string } | undefined;
      let argument = '';
      if (s.facts.serverCapabilities.prompts) {
        const prompts = (await s.client.listPrompts(undefined, opts)).prompts;
        const p = prompts.find((x) => x.arguments?.length);
        if (p) [ref, argument] = [{ type: 'ref/prompt', name: p.name }, p.arguments![0]!.name];
      }
      if (!ref && s.facts.serverCapabilities.resources) {
        const templates = (await s.client.listResourceTemplates(undefined, opts)).resourceTemplates;
        const t = templates.find((x) => /\{[^}]+\}/.test(x.uriTemplate));
        if (t) [ref, argument] = [{ type: 'ref/resource', uri: t.uriTemplate }, /\{[+#./;?&]?([^},*]+)/.exec(t.uriTemplate)![1]!];
      }
      if (!ref) return skip('the server declares completions but lists no prompt with arguments and no resource template to complete', ev());
      const what = `${ref.type === 'ref/prompt' ? `prompt ${ref.name}` : `template ${ref.uri}`} argument ${argument}`;
      try {
        const r = (await s.client.complete({ ref, argument: { name: argument, value: '' } } as never, opts)) as { completion?: { values?: unknown; total?: unknown; hasMore?: unknown } };
        const c = r.completion;
        if (!c || !Array.isArray(c.values)) return fail(`completion/complete for ${what} has no completion.values array`, ev(), { actual: r });
        if (c.values.length > 100) return fail(`completion/complete for ${what} returned ${c.values.length} values; it MUST NOT return more than 100`, ev());
        if (c.values.some((v) => typeof v !== 'string')) return fail(`completion/complete for ${what} returned values that are not strings`, ev(), { actual: c.values });
        return pass(`completion/complete for ${what} offered ${c.values.length} value(s)`, ev(), { actual: c.values.slice(0, 10) });
      } catch (e) {
        return fail(`completion/complete for ${what} failed although the server declares completions: ${describeRequestError(e).message}`, ev());
      }
    }),
};

export const subscribeCheck: ProtocolCheck = {
  id: 'utility.subscribe',
  title: 'resources/subscribe and unsubscribe → empty results (when resources.subscribe is declared)',
  spec: SPEC.subscriptions,
  run: (ctx) =>
    inSession(ctx, async (s, ev) => {
      const resources = s.facts.serverCapabilities.resources as { subscribe?: boolean } | undefined;
      if (!resources?.subscribe) return skip('the server does not declare resources.subscribe', ev());
      const opts = { timeout: ctx.timeoutMs };
      const listed = (await s.client.listResources(undefined, opts)).resources;
      const uri = listed[0]?.uri;
      if (!uri) return skip('the server declares resources.subscribe but lists no resource to subscribe to', ev());
      try {
        const r = await s.client.subscribeResource({ uri }, opts);
        if (!isEmptyObject(r)) return fail(`answered resources/subscribe with ${JSON.stringify(r).slice(0, 120)}, not an empty result`, ev(), { actual: r });
        const u = await s.client.unsubscribeResource({ uri }, opts);
        if (!isEmptyObject(u)) return fail(`answered resources/unsubscribe with ${JSON.stringify(u).slice(0, 120)}, not an empty result`, ev(), { actual: u });
        return pass(`subscribed to and unsubscribed from ${uri}`, ev());
      } catch (e) {
        return fail(`resources/subscribe ${uri} failed although the server declares resources.subscribe: ${describeRequestError(e).message}`, ev());
      }
    }),
};

export const toolSchemasCheck: ProtocolCheck = {
  id: 'tools.schemas',
  title: 'Every tool schema is valid JSON Schema (2020-12 by default)',
  spec: SPEC.tools,
  async run(ctx) {
    const tools = (await ctx.tools()) as { name: string; inputSchema?: unknown; outputSchema?: unknown }[];
    if (!tools.length) return skip('the server lists no tools');
    const problems = tools.flatMap((t) => [
      ...[t.inputSchema === undefined ? 'has no inputSchema' : schemaProblem(t.inputSchema)].filter(Boolean).map((p) => `${t.name}: inputSchema ${p}`),
      ...(t.outputSchema === undefined ? [] : [schemaProblem(t.outputSchema)].filter(Boolean).map((p) => `${t.name}: outputSchema ${p}`)),
    ]);
    const ev = [`tools/list: ${tools.map((t) => t.name).join(', ')}`];
    return problems.length ? fail(`${problems.length} tool schema(s) are not valid JSON Schema: ${problems.join('; ')}`, [...ev, ...problems]) : pass(`${tools.length} tool(s), every inputSchema and outputSchema valid`, ev);
  },
};
