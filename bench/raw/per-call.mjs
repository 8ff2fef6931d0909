// The baseline for the per-call figure: N sequential quick_recommend calls (each answered with a
// sampling reply) in one session with the SDK client alone. Prints {ms} for open → N calls → close.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const url = new URL(process.argv[2]);
const calls = Number(process.argv[3] ?? 1000);
const started = performance.now();
const client = new Client({ name: 'raw-sdk', version: '0.0.0' }, { capabilities: { sampling: {} } });
client.setRequestHandler('sampling/createMessage', async () => ({
  role: 'assistant',
  content: { type: 'text', text: 'Kyoto in autumn.' },
  model: 'raw',
  stopReason: 'endTurn',
}));
const transport = new StreamableHTTPClientTransport(url);
await client.connect(transport);
for (let i = 0; i < calls; i++) {
  const result = await client.callTool({ name: 'quick_recommend', arguments: {} });
  if (!JSON.stringify(result.content).includes('Kyoto')) throw new Error(`call ${i}: unexpected result`);
}
await transport.terminateSession();
await client.close();
process.stdout.write(JSON.stringify({ ms: performance.now() - started }) + '\n');
