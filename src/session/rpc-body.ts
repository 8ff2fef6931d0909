// What a request body carries, in JSON-RPC terms: the methods (for the transcript and messages) and the
// ids of its requests (the answers the wire checks wait for). Bodies are only parsed, never acted on.

export interface RpcRequestInfo {
  /** One entry per message: its method, "response" for an answer, "?" for anything else. */
  methods: string[];
  /** Ids of the requests (messages with a method and an id): each must be answered. */
  ids: (string | number)[];
  /** The methods joined for messages ("tools/call", "initialize"); "-" for no JSON-RPC body. */
  label: string;
}

const NONE: RpcRequestInfo = { methods: [], ids: [], label: '-' };

export function requestInfo(body: unknown): RpcRequestInfo {
  if (typeof body !== 'string') return NONE;
  let msg: unknown;
  try {
    msg = JSON.parse(body);
  } catch {
    return NONE;
  }
  const list = (Array.isArray(msg) ? msg : [msg]) as { id?: unknown; method?: unknown }[];
  const methods = list.map((m) => (typeof m?.method === 'string' ? m.method : m && typeof m === 'object' && 'id' in m ? 'response' : '?'));
  const ids = list.filter((m) => m && typeof m.method === 'string' && (typeof m.id === 'string' || typeof m.id === 'number')).map((m) => m.id as string | number);
  return { methods, ids, label: methods.map((m) => (m === '?' ? 'response' : m)).join(',') || '-' };
}
