// Live progress for a person watching a run: progress notifications drawn as a bar (value/total and the
// server's message) redrawn in place while the call runs, and log notifications printed as lines with
// their level. Everything it draws comes from the session transcript's `onEntry` events, so what the
// person sees is exactly what the checks read. It writes to stderr: stdout stays the report.
import type { TranscriptEntry } from '../session/transcript.js';
import { sanitizeForTerminal } from './sanitize.js';

const BAR_WIDTH = 24;

export interface ProgressWriter {
  write(chunk: string): unknown;
  columns?: number;
}

export class LiveProgress {
  /** The bar currently drawn on the last line (without a newline), if any. */
  private bar: string | undefined;
  private paused = 0;

  constructor(private readonly out: ProgressWriter = process.stderr) {}

  /** Feed one transcript entry; `context` names the scenario/step for headers. */
  handle(entry: TranscriptEntry, context?: string): void {
    switch (entry.kind) {
      case 'progress':
        this.drawBar(renderBar(entry.progress, entry.total, entry.message, context));
        return;
      case 'log': {
        const data = logText(entry.data);
        const logger = entry.logger ? ` ${sanitizeForTerminal(entry.logger, { oneLine: true, maxChars: 60 })}` : '';
        this.line(`  log [${sanitizeForTerminal(entry.level, { oneLine: true, maxChars: 20 })}]${logger} ${sanitizeForTerminal(data, { oneLine: true, maxChars: 500 })}`);
        return;
      }
      case 'result':
        // The call is over: leave the last bar on screen as a finished line.
        this.settle();
        return;
      default:
        return;
    }
  }

  /** Print a whole line above the bar (the bar is redrawn after it). */
  line(text: string): void {
    const bar = this.bar;
    this.clearBar();
    this.out.write(text + '\n');
    if (bar !== undefined && !this.paused) this.drawBar(bar);
    else this.bar = bar;
  }

  /** Stop drawing (a prompt takes the terminal); the bar line is cleared. */
  pause(): void {
    if (this.paused === 0) {
      const bar = this.bar;
      this.clearBar();
      this.bar = bar;
    }
    this.paused++;
  }

  resume(): void {
    if (this.paused > 0 && --this.paused === 0 && this.bar !== undefined) this.drawBar(this.bar);
  }

  /** End the bar's line so the next output starts on a fresh line. */
  settle(): void {
    if (this.bar !== undefined && !this.paused) this.out.write('\n');
    this.bar = undefined;
  }

  private drawBar(text: string): void {
    this.clearBar();
    this.bar = text;
    if (this.paused) return;
    const width = Math.max(20, (this.out.columns ?? 100) - 1);
    this.out.write(text.length > width ? text.slice(0, width - 1) + '…' : text);
  }

  private clearBar(): void {
    if (this.bar !== undefined && !this.paused) this.out.write('\r\x1b[2K');
    this.bar = undefined;
  }
}

/** `  [██████░░░░]  3/5  Checking availability…` (or a spinner-free count when there is no total). */
export function renderBar(progress: number, total: number | undefined, message: string | undefined, context?: string): string {
  const msg = message ? `  ${sanitizeForTerminal(message, { oneLine: true, maxChars: 120 })}` : '';
  const ctx = context ? `  (${context})` : '';
  if (total === undefined || !(total > 0)) return `  progress ${fmt(progress)}${msg}${ctx}`;
  const ratio = Math.max(0, Math.min(1, progress / total));
  const filled = Math.round(ratio * BAR_WIDTH);
  return `  [${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${fmt(progress)}/${fmt(total)}${msg}${ctx}`;
}

/** FastMCP's `{msg, extra: null}` log data is shown as its message; anything else as JSON. */
function logText(data: unknown): unknown {
  if (data && typeof data === 'object' && 'msg' in data) {
    const { msg, extra } = data as { msg: unknown; extra?: unknown };
    if (extra == null && Object.keys(data).length <= 2) return msg;
  }
  return data;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
