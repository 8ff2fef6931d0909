// The baseline for the one-shot figure: the same work as bench's one-shot scenario (initialize, list
// tools, one tool call answered with a sampling reply, end the session) with the SDK client alone.
// Plain .mjs run by plain node, as bin/mcp-verify is, so neither side pays for a TypeScript loader.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const url = new URL(process.argv[2]);
const client = new Client({ name: 'raw-sdk', version: '0.0.0' }, { capabilities: { sampling: {} } });
client.setRequestHandler('sampling/createMessage', async () => ({
  role: 'assistant',
  content: { type: 'text', text: 'Kyoto in autumn.' },
  model: 'raw',
  stopReason: 'endTurn',
}));
const transport = new StreamableHTTPClientTransport(url);
await client.connect(transport);
const tools = await client.listTools();
if (!tools.tools.some((t) => t.name === 'quick_recommend')) throw new Error('quick_recommend missing');
const result = await client.callTool({ name: 'quick_recommend', arguments: {} });
if (!JSON.stringify(result.content).includes('Kyoto')) throw new Error('unexpected result');
await transport.terminateSession();
await client.close();
