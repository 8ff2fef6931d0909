// Preloaded into a CLI child (NODE_OPTIONS=--import): writes the process's peak resident set size, in
// kilobytes, to $MCP_VERIFY_PEAK_RSS_FILE when it exits. A crash (V8 abort) writes nothing.
import { writeFileSync } from 'node:fs';

const out = process.env.MCP_VERIFY_PEAK_RSS_FILE;
if (out) {
  process.on('exit', () => {
    try {
      writeFileSync(out, String(process.resourceUsage().maxRSS));
    } catch {
      /* nothing to report to */
    }
  });
}
