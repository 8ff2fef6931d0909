// `mcp-verify init`: connect to a server, list its tools, resources, resource templates and prompts, and
// write a commented starter suite built from what it lists. The active steps are safe (list, read,
// get prompt with sample arguments); tool calls, which may have side effects, are written commented out
// with arguments sketched from each tool's input schema, for the user to fill in.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { parseHttpUrl } from './local.js';
import { durationOption } from '../run-suite.js';
import { PACKAGE_ROOT } from '../../package-root.js';
import type { Listing } from '../../session/listing.js';

interface InitFlags {
  url: string;
  out: string;
  force?: boolean;
  /** ms (durationOption) */
  timeout: number;
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('Write a commented starter scenario suite for a server, built from what it lists.')
    .requiredOption('--url <url>', 'the MCP endpoint to inspect')
    .option('--out <file>', 'where to write the suite ("-" for stdout)', 'scenarios/starter.yaml')
    .option('--force', 'overwrite --out if it exists')
    .addOption(durationOption('--timeout <duration>', 'per-request timeout (connect and each listing)', '30s'))
    .addHelpText(
      'after',
      `
Examples:
  mcp-verify init --url http://127.0.0.1:8000/mcp                  # writes scenarios/starter.yaml
  mcp-verify init --url http://127.0.0.1:8000/mcp --out smoke.yaml && mcp-verify local --url http://127.0.0.1:8000/mcp smoke.yaml

Exit codes: 0 written, 2 usage (e.g. --out exists without --force), 3 could not connect.`,
    )
    .action(async (flags: InitFlags) => {
      const url = parseHttpUrl(flags.url);
      if (flags.out !== '-' && existsSync(flags.out) && !flags.force) throw new UsageError(`${flags.out} exists; pass --force to overwrite it, or choose another --out`);
      // Checked before connecting: a directory, a device or an unwritable place is exit 2, not a lost suite.
      if (flags.out !== '-') (await import('../../report/report-files.js')).prepareReportFile(flags.out, '--out', { truncate: false, create: false });
      const { localTarget } = await import('../../target/target.js');
      const { listServer } = await import('../../session/listing.js');
      const listing = await listServer(localTarget(url), { timeoutMs: flags.timeout });
      const schemaPath = flags.out === '-' ? path.join(PACKAGE_ROOT, 'schema', 'scenario.schema.json') : path.relative(path.dirname(path.resolve(flags.out)), path.join(PACKAGE_ROOT, 'schema', 'scenario.schema.json'));
      const { starterSuite } = await import('../../scenario/starter.js');
      const yaml = starterSuite(listing, url.toString(), schemaPath.split(path.sep).join('/'));
      if (flags.out === '-') process.stdout.write(yaml);
      else {
        try {
          await mkdir(path.dirname(path.resolve(flags.out)), { recursive: true });
          await writeFile(flags.out, yaml);
        } catch (e) {
          throw new UsageError(`--out ${flags.out}: could not write the suite (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
        }
        process.stdout.write(`wrote ${flags.out}: ${listing.tools.length} tool(s), ${listing.resources.length} resource(s), ${listing.templates.length} template(s), ${listing.prompts.length} prompt(s)\nrun it: mcp-verify local --url ${url} ${flags.out}\n`);
      }
    });
}
