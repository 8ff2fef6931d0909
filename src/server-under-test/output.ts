// The server under test's output, kept as its last lines (bounded), terminal-safe: a server's escape
// sequences are shown as text, never interpreted, wherever its lines are quoted.
import { sanitizeForTerminal } from '../terminal/sanitize.js';

export class OutputTail {
  private readonly lines: string[] = [];
  private partial = '';
  private total = 0;

  constructor(private readonly keep: number) {}

  push(chunk: Buffer | string): void {
    const text = this.partial + chunk.toString('utf8');
    const parts = text.split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    // An endless line is cut rather than kept growing.
    if (this.partial.length > 4_000) {
      parts.push(this.partial.slice(0, 4_000) + '…');
      this.partial = '';
    }
    for (const p of parts) this.add(p);
  }

  note(line: string): void {
    this.add(line);
  }

  private add(line: string): void {
    this.total++;
    this.lines.push(sanitizeForTerminal(line, { oneLine: true, maxChars: 500 }));
    if (this.lines.length > this.keep) this.lines.shift();
  }

  /** Lines printed so far (a mark: `since(mark)` gives what came after it). */
  get mark(): number {
    return this.total + (this.partial ? 1 : 0);
  }

  /** The last n lines, the unfinished one included. */
  last(n: number): string[] {
    const all = this.partial ? [...this.lines, sanitizeForTerminal(this.partial, { oneLine: true, maxChars: 500 })] : this.lines;
    return all.slice(-n);
  }
}
