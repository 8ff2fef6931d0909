// The 2026-07-28 standard headers: MCP-Protocol-Version, Mcp-Method and Mcp-Name mirror the body so
// gateways can route without reading it, and a server MUST reject a request whose headers and body
// disagree (-32020). A version the server does not support gets -32022 naming the ones it does.
import { fail, pass, skip, type ProtocolCheck } from '../check.js';
import { MODERN_SPEC } from '../spec.js';

const UNSUPPORTED = '1999-01-01';

export const modernUnsupportedVersion: ProtocolCheck = {
  id: 'modern.unsupported-version',
  title: 'Unsupported protocol version → -32022',
  spec: MODERN_SPEC.versioning,
  async run(ctx) {
    const r = await ctx.modern.send('tools/list', {}, { protocolVersion: UNSUPPORTED, what: `POST tools/list with protocol version ${UNSUPPORTED} (header and _meta)` });
    const ev = [r.evidence];
    if (r.error?.code === -32022) {
      const supported = (r.error.data as { supported?: unknown } | undefined)?.supported;
      return pass(`answered -32022${Array.isArray(supported) ? ` naming the supported versions ${supported.join(', ')}` : ''}`, ev, { actual: -32022 });
    }
    if (r.error) return fail(`answered error ${r.error.code} to protocol version ${UNSUPPORTED}; an unsupported version MUST get -32022 (UnsupportedProtocolVersion) so the client can pick one the server supports`, ev, { expected: -32022, actual: r.error.code });
    if (r.result) return fail(`served a request for protocol version ${UNSUPPORTED} as if it were supported; it MUST answer -32022 (UnsupportedProtocolVersion)`, ev, { expected: -32022, actual: 'a result' });
    return fail(`answered HTTP ${r.x.status ?? 'nothing'} with no JSON-RPC error; an unsupported version MUST get -32022`, ev, { expected: -32022, actual: r.x.status });
  },
};

export const modernMethodHeader: ProtocolCheck = {
  id: 'modern.method-header',
  title: 'Mcp-Method that disagrees with the body → -32020',
  spec: MODERN_SPEC.standardHeaders,
  async run(ctx) {
    const r = await ctx.modern.send('tools/list', {}, { headers: { 'mcp-method': 'prompts/list' }, what: 'POST tools/list with Mcp-Method: prompts/list' });
    const ev = [r.evidence];
    if (r.error?.code === -32020) return pass('answered -32020 (HeaderMismatch) to an Mcp-Method that disagrees with the body', ev, { actual: -32020 });
    const got = r.error ? `error ${r.error.code}` : r.result ? 'a result' : `HTTP ${r.x.status ?? 'nothing'}`;
    return fail(`answered ${got} to Mcp-Method: prompts/list on a tools/list body; servers MUST reject a request whose headers and body disagree with -32020 (HeaderMismatch), or a gateway routing on the header is fooled`, ev, { expected: -32020, actual: r.error?.code ?? got });
  },
};

export const modernNameHeader: ProtocolCheck = {
  id: 'modern.name-header',
  title: 'Mcp-Name that disagrees with the body → -32020',
  spec: MODERN_SPEC.standardHeaders,
  async run(ctx) {
    // No real tool is named in the body, so a server that skips the check runs nothing: it answers
    // "unknown tool", which is just as much a FAIL here.
    const body = 'mcp-verify-no-such-tool';
    const header = 'mcp-verify-other-tool';
    const r = await ctx.modern.send('tools/call', { name: body, arguments: {} }, { headers: { 'mcp-name': header }, what: `POST tools/call name=${body} with Mcp-Name: ${header}` });
    const ev = [r.evidence];
    if (r.x.status === null) return skip(`no answer: ${r.x.error}`, ev);
    if (r.error?.code === -32020) return pass('answered -32020 (HeaderMismatch) to an Mcp-Name that disagrees with params.name', ev, { actual: -32020 });
    const got = r.error ? `error ${r.error.code}` : r.result ? 'a result' : `HTTP ${r.x.status}`;
    return fail(`answered ${got} to Mcp-Name: ${header} on a tools/call for ${body}; servers MUST check Mcp-Name against params.name and reject a mismatch with -32020 (HeaderMismatch)`, ev, { expected: -32020, actual: r.error?.code ?? got });
  },
};
