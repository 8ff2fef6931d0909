// `mcp-verify merge-reports`: the load reports of several shards (a CI matrix) merged into one, the
// histograms added losslessly, the thresholds re-applied. Wiring only: the merge is src/load/report.ts.
import type { Command } from 'commander';
import { ExitCode, UsageError } from '../../errors.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerMergeReports(program: Command): void {
  program
    .command('merge-reports')
    .description('Merge the JSON reports of load shards (e.g. a CI matrix) into one, and apply the thresholds to the whole.')
    .argument('<reports...>', 'load reports written with --reporter json=FILE')
    .option('--threshold <expr>', 'pass/fail rule (repeatable); default: the thresholds the shards ran with', collect)
    .option('--reporter <list>', 'comma-separated, each NAME or NAME=FILE: table, json, markdown, github', 'table')
    .addHelpText(
      'after',
      `
Examples:
  mcp-verify load --url ... --concurrency 40 --shard 1/2 --reporter json=shard-1.json   # machine 1
  mcp-verify load --url ... --concurrency 40 --shard 2/2 --reporter json=shard-2.json   # machine 2
  mcp-verify merge-reports shard-*.json --threshold 'p99<500ms' --reporter table,json=load.json,github

A virtual user that appears in two reports (the same shard given twice) is an error; a missing shard is
a warning. Throughput is over the wall time from the earliest start to the latest end.

Exit codes: 0 every threshold held, 1 a threshold was violated (or a shard could not connect),
2 a file is missing, is not a load report, or the reports are not shards of one run.`,
    )
    .action(async (files: string[], flags: { threshold?: string[]; reporter?: string }) => {
      const { readFile } = await import('node:fs/promises');
      const { parseLoadReport, mergeReports } = await import('../../load/report.js');
      const { parseThresholds } = await import('../../load/thresholds.js');
      const { parseLoadReporters, checkReportPaths, createLoadReporters } = await import('../../load/reporters.js');
      const { VERSION } = await import('../../version.js');
      const specs = parseLoadReporters(flags.reporter);
      const thresholds = flags.threshold ? parseThresholds(flags.threshold) : undefined;
      const reports = [];
      for (const file of files) {
        let text: string;
        try {
          text = await readFile(file, 'utf8');
        } catch (e) {
          throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        reports.push({ report: parseLoadReport(text, file), file });
      }
      checkReportPaths(specs);
      const merged = mergeReports(reports, thresholds, VERSION);
      for (const w of merged.warnings) process.stderr.write(`mcp-verify: warning: ${w}\n`);
      for (const l of createLoadReporters(specs, process.stdout)) await l.onEnd?.(merged);
      process.exitCode = merged.passed ? ExitCode.Passed : ExitCode.Failed;
    });
}
