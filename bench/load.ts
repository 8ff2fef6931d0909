// The load figures of `npm run bench`: `mcp-verify load` (warm mode, the reference server's noop tool)
// against a raw SDK loop with the same concurrency (bench/raw/load-loop.mjs): calls per second and the
// latency each side reports; and peak RSS of a steady run at 60 s against 15 s (memory must stay flat).
import { readFileSync } from 'node:fs';
import { median, runNode, sideBySide } from './measure.js';
import type { BenchSuites } from './suites.js';

export interface LoadRow {
  figure: string;
  ours: string;
  baseline: string;
  ratio: string;
  target: string;
  met: boolean | null;
  note?: string;
  samples?: Record<string, number[] | number>;
}

interface Ctx {
  bin: string;
  url: string;
  suites: BenchSuites;
  rawLoop: string;
  log: (s: string) => void;
}

const CONCURRENCY = 10;

/** Runs `load` for `seconds` and reads the child's peak RSS so far (VmHWM in /proc) every second. */
async function peakRssOverTime(ctx: Ctx, file: string, seconds: number): Promise<{ at15: number; at60: number; series: number[] }> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [ctx.bin, 'load', '--url', ctx.url, '--concurrency', String(CONCURRENCY), '--duration', `${seconds}s`, '--status-interval', '0', '--reporter', `json=${ctx.suites.path('load-rss.json')}`, file], { stdio: 'ignore' });
  const series: number[] = [];
  const read = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) series.push(Number(m[1]));
    } catch {
      // exited
    }
  };
  const timer = setInterval(read, 1000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`load for the RSS figure exited ${code}`);
  return { at15: series[14] ?? series[0] ?? NaN, at60: series.at(-1) ?? NaN, series };
}
const times = (r: number) => `${r.toFixed(2)}×`;
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

export async function loadFigures(ctx: Ctx): Promise<LoadRow[]> {
  const file = ctx.suites.path('load-noop.yaml');
  (await import('node:fs')).writeFileSync(file, 'scenarios:\n  - name: noop\n    steps:\n      - call: noop\n        expect: { text: { equals: ok } }\n');
  const ours = async (durationS: number, rss = false, users = CONCURRENCY) => {
    const json = ctx.suites.path(`load-${durationS}-${Math.random().toString(36).slice(2)}.json`);
    const run = await runNode([ctx.bin, 'load', '--url', ctx.url, '--concurrency', String(users), '--duration', `${durationS}s`, '--status-interval', '0', '--reporter', `json=${json}`, file], { rss });
    const r = JSON.parse(readFileSync(json, 'utf8')) as { durationMs: number; summary: { requests: number }; latency: Record<string, { p50: number; avg: number }>; generator: { cpuMs: number } };
    return { perS: (r.summary.requests * 1000) / r.durationMs, p50: r.latency['warm.tools/call:noop']!.p50, mean: r.latency['warm.tools/call:noop']!.avg, rssKiB: run.maxRssKiB, cpuPerCall: r.generator.cpuMs / r.summary.requests };
  };
  const raw = async (durationS: number, users = CONCURRENCY) => {
    const run = await runNode([ctx.rawLoop, ctx.url, String(users), String(durationS * 1000)]);
    const r = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { calls: number; ms: number; p50: number; mean: number; cpuMs: number };
    return { perS: (r.calls * 1000) / r.ms, p50: r.p50, mean: r.mean, cpuPerCall: r.cpuMs / r.calls };
  };
  const rows: LoadRow[] = [];
  const repeats = 2;
  ctx.log(`load vs raw SDK loop: ${CONCURRENCY} users, noop, 8 s a run (${repeats} × 2)`);
  const r = await sideBySide(repeats, () => ours(8), () => raw(8), false);
  const perS = { ours: median(r.a.map((x) => x.perS)), base: median(r.b.map((x) => x.perS)) };
  // Latency with one user: what each side measures per call, without queueing behind the others.
  ctx.log(`load vs raw SDK loop: 1 user, noop, 8 s a run (${repeats} × 2)`);
  const one = await sideBySide(repeats, () => ours(8, false, 1), () => raw(8, 1), false);
  const p50 = { ours: median(one.a.map((x) => x.p50)), base: median(one.b.map((x) => x.p50)) };
  const cpu = { ours: median(r.a.map((x) => x.cpuPerCall)), base: median(r.b.map((x) => x.cpuPerCall)) };
  rows.push({
    figure: `load: warm calls/s, ${CONCURRENCY} users on noop (load vs raw SDK loop)`,
    ours: `${perS.ours.toFixed(0)}/s`,
    baseline: `${perS.base.toFixed(0)}/s`,
    ratio: times(perS.ours / perS.base),
    target: '≥ 0.90×',
    met: perS.ours / perS.base >= 0.9,
    // On a shared machine calls/s moves with the neighbours; CPU per call does not, so it is shown too.
    note: `client CPU per call: load ${cpu.ours.toFixed(2)} ms, raw loop ${cpu.base.toFixed(2)} ms (${times(cpu.ours / cpu.base)}); load's includes checking every result and its per-run report`,
    samples: { ours: r.a.map((x) => x.perS), baseline: r.b.map((x) => x.perS), oursCpuMsPerCall: r.a.map((x) => x.cpuPerCall), baselineCpuMsPerCall: r.b.map((x) => x.cpuPerCall) },
  });
  rows.push({
    figure: 'load: noop call latency p50, 1 user (what load reports vs what the raw loop measures)',
    ours: `${p50.ours.toFixed(2)} ms`,
    baseline: `${p50.base.toFixed(2)} ms`,
    ratio: times(p50.ours / p50.base),
    target: '0.90-1.10×',
    met: Math.abs(p50.ours / p50.base - 1) <= 0.1,
    samples: { ours: one.a.map((x) => x.p50), baseline: one.b.map((x) => x.p50), oursMean: one.a.map((x) => x.mean), baselineMean: one.b.map((x) => x.mean), oursAt10: r.a.map((x) => x.p50), baselineAt10: r.b.map((x) => x.p50) },
  });
  ctx.log(`load memory: one steady ${CONCURRENCY}-user run of 60 s, its peak RSS (VmHWM) at 15 s and at 60 s`);
  const hwm = await peakRssOverTime(ctx, file, 60);
  rows.push({
    figure: `load: peak RSS at 60 s vs at 15 s of one steady run (${CONCURRENCY} users, noop)`,
    ours: mib(hwm.at60),
    baseline: mib(hwm.at15),
    ratio: times(hwm.at60 / hwm.at15),
    target: '≤ 1.10×',
    met: hwm.at60 / hwm.at15 <= 1.1,
    samples: { rss15KiB: hwm.at15, rss60KiB: hwm.at60, everySecondKiB: hwm.series },
  });
  return rows;
}
