// The baseline for the load figures: N concurrent SDK clients, each in its own session, calling the
// reference server's `noop` tool in a loop until the deadline. Prints {calls, ms, p50, mean, cpuMs}: calls made,
// wall time from the first connect to the last client's end, the per-call latency the loop measured, and
// the CPU time the loop used over the same span.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const url = new URL(process.argv[2]);
const concurrency = Number(process.argv[3] ?? 10);
const durationMs = Number(process.argv[4] ?? 10_000);
const latencies = [];
const started = performance.now();
const cpu0 = process.cpuUsage();
const deadline = started + durationMs;

async function user() {
  const client = new Client({ name: 'raw-sdk', version: '0.0.0' }, { capabilities: {} });
  const transport = new StreamableHTTPClientTransport(url);
  await client.connect(transport);
  while (performance.now() < deadline) {
    const t0 = performance.now();
    const result = await client.callTool({ name: 'noop', arguments: {} });
    latencies.push(performance.now() - t0);
    if (result.content?.[0]?.text !== 'ok') throw new Error('unexpected noop result');
  }
  await transport.terminateSession().catch(() => {});
  await client.close();
}

await Promise.all(Array.from({ length: concurrency }, user));
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpu0);
latencies.sort((a, b) => a - b);
const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
process.stdout.write(JSON.stringify({ calls: latencies.length, ms, p50: latencies[latencies.length >> 1], mean, cpuMs: (cpu.user + cpu.system) / 1000 }) + '\n');
