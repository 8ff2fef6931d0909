// Fallback peak-memory probe when /usr/bin/time is missing: loaded with `node --import`, it writes
// the process's own peak RSS (kB, from the kernel via process.resourceUsage) to $BENCH_MAXRSS_FILE
// when the process exits.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.BENCH_MAXRSS_FILE) writeFileSync(process.env.BENCH_MAXRSS_FILE, String(process.resourceUsage().maxRSS));
});
