// The scenario files the benchmark runs, generated into a scratch directory so sizes are parameters.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const SAMPLING_REPLY = 'Kyoto in autumn.';

export class BenchSuites {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'mcp-verify-bench-'));

  private write(name: string, text: string): string {
    const file = path.join(this.dir, name);
    writeFileSync(file, text);
    return file;
  }

  /** initialize, list tools, one tool call (answered by a sampling reply), end session. */
  oneShot(): string {
    return this.write(
      'one-shot.yaml',
      `scenarios:
  - name: one-shot
    sampling:
      - text: ${SAMPLING_REPLY}
    steps:
      - list: tools
        expect: { names: [quick_recommend] }
      - call: quick_recommend
        expect: { text: Kyoto }
`,
    );
  }

  /** initialize, list tools (and check one name), end session: what `inspector --cli --method tools/list` does. */
  toolsList(): string {
    return this.write(
      'tools-list.yaml',
      `scenarios:
  - name: tools-list
    steps:
      - list: tools
        expect: { names: [quick_recommend] }
`,
    );
  }

  /** One session, `calls` sequential quick_recommend calls. */
  perCall(calls: number): string {
    const steps = Array.from({ length: calls }, () => '      - call: quick_recommend\n        expect: { text: Kyoto }\n').join('');
    return this.write(`per-call-${calls}.yaml`, `scenarios:\n  - name: per-call\n    sampling:\n      - text: ${SAMPLING_REPLY}\n    steps:\n${steps}`);
  }

  /** One session, `calls` sequential noop calls (the session-memory figure). */
  noopCalls(calls: number): string {
    return this.write(`noop-${calls}.yaml`, `scenarios:\n  - name: noop-calls\n    steps:\n${'      - call: noop\n'.repeat(calls)}`);
  }

  /** `n` scenarios, each one search_flights call (4 progress steps 0.3 s apart on the server). */
  parallel(n: number): string {
    const body = Array.from(
      { length: n },
      (_, i) => `  - name: flights-${i + 1}\n    steps:\n      - call: search_flights\n        args: { origin: Seoul, destination: Tokyo }\n        expect: { progress: { count: 4 } }\n`,
    ).join('');
    return this.write(`parallel-${n}.yaml`, `scenarios:\n${body}`);
  }

  /** `n` small scenarios (list tools, one sampling call) for the memory-at-scale figure. */
  many(n: number): string {
    const body = Array.from(
      { length: n },
      (_, i) =>
        `  - name: many-${i + 1}\n    feature: Sampling\n    tags: [bench]\n    sampling:\n      - text: ${SAMPLING_REPLY}\n    steps:\n      - list: tools\n      - call: quick_recommend\n        expect: { text: Kyoto }\n`,
    ).join('');
    return this.write(`many-${n}.yaml`, `scenarios:\n${body}`);
  }

  path(name: string): string {
    return path.join(this.dir, name);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
