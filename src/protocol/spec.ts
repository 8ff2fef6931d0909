// The spec sections the protocol checks cite: every check names the exact section it tests, with its
// URL, so a FAIL reads as "the spec says X here" rather than as mcp-verify's opinion.

export interface SpecRef {
  /** "MCP 2025-11-25 Basic › Transports › Streamable HTTP › Session Management" */
  section: string;
  url: string;
}

export const SPEC_REVISION = '2025-11-25';
const BASE = `https://modelcontextprotocol.io/specification/${SPEC_REVISION}`;

function ref(path: string[], page: string, anchor?: string): SpecRef {
  return { section: `MCP ${SPEC_REVISION} ${path.join(' › ')}`, url: `${BASE}/${page}${anchor ? `#${anchor}` : ''}` };
}

const HTTP = ['Basic', 'Transports', 'Streamable HTTP'];

export const SPEC = {
  sendingMessages: ref([...HTTP, 'Sending Messages to the Server'], 'basic/transports', 'sending-messages-to-the-server'),
  sessionManagement: ref([...HTTP, 'Session Management'], 'basic/transports', 'session-management'),
  protocolVersionHeader: ref([...HTTP, 'Protocol Version Header'], 'basic/transports', 'protocol-version-header'),
  securityWarning: ref([...HTTP, 'Security Warning'], 'basic/transports', 'security-warning'),
  listening: ref([...HTTP, 'Listening for Messages from the Server'], 'basic/transports', 'listening-for-messages-from-the-server'),
  multipleConnections: ref([...HTTP, 'Multiple Connections'], 'basic/transports', 'multiple-connections'),
  resumability: ref([...HTTP, 'Resumability and Redelivery'], 'basic/transports', 'resumability-and-redelivery'),
  lifecycle: ref(['Basic', 'Lifecycle', 'Initialization'], 'basic/lifecycle', 'initialization'),
  progress: ref(['Basic', 'Utilities', 'Progress'], 'basic/utilities/progress'),
  ping: ref(['Basic', 'Utilities', 'Ping'], 'basic/utilities/ping', 'behavior-requirements'),
  logging: ref(['Server Features', 'Utilities', 'Logging', 'Setting Log Level'], 'server/utilities/logging', 'setting-log-level'),
  completion: ref(['Server Features', 'Utilities', 'Completion', 'Requesting Completions'], 'server/utilities/completion', 'requesting-completions'),
  subscriptions: ref(['Server Features', 'Resources', 'Subscriptions'], 'server/resources', 'subscriptions'),
  tools: ref(['Server Features', 'Tools', 'Tool'], 'server/tools', 'tool'),
  elicitationSchema: ref(['Client Features', 'Elicitation', 'Requested Schema'], 'client/elicitation', 'requested-schema'),
  sampling: ref(['Client Features', 'Sampling', 'Creating Messages'], 'client/sampling', 'creating-messages'),
} as const;

/** The 2026-07-28 revision, for the modern-era checks (no initialize, no sessions, multi-round-trip requests). */
export const MODERN_SPEC_REVISION = '2026-07-28';
const MODERN_BASE = `https://modelcontextprotocol.io/specification/${MODERN_SPEC_REVISION}`;

function modernRef(path: string[], page: string, anchor?: string): SpecRef {
  return { section: `MCP ${MODERN_SPEC_REVISION} ${path.join(' › ')}`, url: `${MODERN_BASE}/${page}${anchor ? `#${anchor}` : ''}` };
}

const MODERN_HTTP = ['Basic', 'Transports', 'Streamable HTTP'];

export const MODERN_SPEC = {
  discover: modernRef(['Server', 'Discover'], 'server/discover'),
  versioning: modernRef(['Basic', 'Versioning'], 'basic/versioning'),
  standardHeaders: modernRef([...MODERN_HTTP, 'Standard Headers'], 'basic/transports/streamable-http'),
  httpMethods: modernRef([...MODERN_HTTP, 'Sending Messages'], 'basic/transports/streamable-http'),
  noSessions: modernRef([...MODERN_HTTP, 'Statelessness'], 'basic/transports/streamable-http'),
  mrtr: modernRef(['Basic', 'Patterns', 'Multi-Round-Trip Requests'], 'basic/patterns/mrtr'),
  mrtrState: modernRef(['Basic', 'Patterns', 'Multi-Round-Trip Requests', 'Request State'], 'basic/patterns/mrtr'),
  clientCapabilities: modernRef(['Basic', 'Patterns', 'Multi-Round-Trip Requests', 'Client Capabilities'], 'basic/patterns/mrtr'),
  resultType: modernRef(['Basic', 'Result Types'], 'basic/index'),
} as const;

/** "[MCP 2025-11-25 … › Session Management — https://…]": appended to a failure message. */
export function cite(spec: SpecRef): string {
  return `[${spec.section} — ${spec.url}]`;
}
