// Which processes are alive, read from /proc: a test proves "nothing left behind" by the process group
// the server under test ran in (zombies, already dead and waiting to be reaped, do not count).
import { readFileSync, readdirSync } from 'node:fs';

/** Live (non-zombie) pids whose process group is `pgid`. */
export function livePidsInGroup(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp ...: comm may contain spaces and parentheses, so split after the last ")".
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = rest[0];
    const pgrp = Number(rest[2]);
    if (pgrp === pgid && state !== 'Z' && state !== 'X') out.push(Number(name));
  }
  return out;
}

/** Waits (bounded) until the group has no live process; returns what is still alive. */
export async function groupGone(pgid: number, timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = livePidsInGroup(pgid);
  while (alive.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    alive = livePidsInGroup(pgid);
  }
  return alive;
}
