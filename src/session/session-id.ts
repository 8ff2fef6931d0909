// Session id formats: FastMCP and our reference server mint 32 hex characters; AgentCore mints UUIDs.
export type SessionIdFormat = 'UUID' | 'hex string' | 'other' | 'none';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]+$/i;

export function sessionIdFormat(id: string | null | undefined): SessionIdFormat {
  if (!id) return 'none';
  if (UUID.test(id)) return 'UUID';
  if (HEX.test(id)) return 'hex string';
  return 'other';
}
