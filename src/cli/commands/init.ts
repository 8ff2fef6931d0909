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
import { addLocalAuthFlags, withLocalAuth, type LocalAuthFlags } from '../../target/local-auth.js';
import { CONFIG_NAMES, findConfigFile } from '../../config/find.js';

interface InitFlags extends LocalAuthFlags {
  url?: string;
  out: string;
  force?: boolean;
  /** ms (durationOption) */
  timeout: number;
  configOut?: string | false;
}

export function registerInit(program: Command): void {
  const cmd = program
    .command('init')
    .description('Write a commented starter scenario suite for a server, built from what it lists, and a config file beside it.')
    .option('--url <url>', 'the MCP endpoint to inspect (required, or url: in the config file)')
    .option('--out <file>', 'where to write the suite ("-" for stdout)', 'scenarios/starter.yaml')
    .option('--config-out <file>', 'where to write mcp-verify.config.yaml (default: the working directory when --out is inside it, else beside --out)')
    .option('--no-config-out', 'write no config file')
    .option('--force', 'overwrite --out (and the config file) if they exist')
    .addOption(durationOption('--timeout <duration>', 'per-request timeout (connect and each listing)', '30s'));
  addLocalAuthFlags(cmd);
  cmd
    .addHelpText(
      'after',
      `
Examples:
  mcp-verify init --url http://127.0.0.1:8000/mcp                  # writes scenarios/starter.yaml and mcp-verify.config.yaml
  mcp-verify init --url http://127.0.0.1:8000/mcp --out smoke.yaml && mcp-verify local --url http://127.0.0.1:8000/mcp smoke.yaml

Exit codes: 0 written, 2 usage (e.g. --out exists without --force), 3 could not connect.`,
    )
    .action(async (flags: InitFlags) => {
      if (!flags.url) throw new UsageError("init needs the server's address: --url http://127.0.0.1:8000/mcp (or url: in mcp-verify.config.yaml)");
      const url = parseHttpUrl(flags.url);
      if (flags.out !== '-' && existsSync(flags.out) && !flags.force) throw new UsageError(`${flags.out} exists; pass --force to overwrite it, or choose another --out`);
      // Checked before connecting: a directory, a device or an unwritable place is exit 2, not a lost suite.
      if (flags.out !== '-') (await import('../../report/report-files.js')).prepareReportFile(flags.out, '--out', { truncate: false, create: false });
      const configOut = flags.out === '-' || flags.configOut === false ? undefined : configPath(flags.out, flags.configOut);
      if (configOut) (await import('../../report/report-files.js')).prepareReportFile(configOut, '--config-out', { truncate: false, create: false });
      const { localTarget } = await import('../../target/target.js');
      const { listServer } = await import('../../session/listing.js');
      const listing = await listServer(withLocalAuth(localTarget(url), flags), { timeoutMs: flags.timeout });
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
        process.stdout.write(`wrote ${flags.out}: ${listing.tools.length} tool(s), ${listing.resources.length} resource(s), ${listing.templates.length} template(s), ${listing.prompts.length} prompt(s)\n`);
        let wroteConfig = false;
        try {
          wroteConfig = configOut ? await writeConfig(configOut, flags, url) : false;
        } catch (e) {
          throw new UsageError(`--config-out ${configOut}: could not write the config file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the suite was written`);
        }
        if (wroteConfig) process.stdout.write(`wrote ${path.relative(process.cwd(), configOut!) || configOut}: url and scenarios for every run (flags override it)\nrun it: ${path.dirname(path.resolve(configOut!)) === process.cwd() ? '' : `cd ${path.relative(process.cwd(), path.dirname(path.resolve(configOut!)))} && `}mcp-verify local\n`);
        else process.stdout.write(`run it: mcp-verify local --url ${url} ${flags.out}\n`);
      }
    });
}
/** The config goes where `mcp-verify local` will run: the working directory when the suite is inside it, else beside the suite. */
function configPath(out: string, given: string | undefined): string {
  if (given) return path.resolve(given);
  const abs = path.resolve(out);
  const rel = path.relative(process.cwd(), abs);
  const inside = !rel.startsWith('..') && !path.isAbsolute(rel);
  return path.join(inside ? process.cwd() : path.dirname(abs), CONFIG_NAMES[0]);
}

/** Writes the starter config unless one is already in charge there (then says so and keeps it). */
async function writeConfig(file: string, flags: InitFlags, url: URL): Promise<boolean> {
  const existing = findConfigFile(path.dirname(file));
  if (existsSync(file) && !flags.force) {
    process.stderr.write(`mcp-verify: ${path.relative(process.cwd(), file) || file} exists: kept as it is (--force overwrites it)\n`);
    return false;
  }
  if (existing && existing !== file) process.stderr.write(`mcp-verify: note: ${existing} also applies here; the new file, nearer, takes precedence\n`);
  const dir = path.dirname(file);
  const suite = path.relative(dir, path.resolve(flags.out)).split(path.sep).join('/');
  const schema = path.relative(dir, path.join(PACKAGE_ROOT, 'schema', 'config.schema.json')).split(path.sep).join('/');
  const text = [
    `# yaml-language-server: $schema=${schema}`,
    '# mcp-verify.config.yaml, written by `mcp-verify init`. Every command run in this directory (or below it)',
    '# reads it; flags on the command line override it. Reference: mcp-verify schema --config',
    `url: ${url.toString()}`,
    'scenarios:',
    `  - ${JSON.stringify(suite)}         # files, directories or globs, relative to this file`,
    '# reporters: [table, junit=reports/junit.xml]',
    '# timeout: 30s                      # per step; a bare number is milliseconds',
    '# headers: { X-Api-Key: "${env.MY_API_KEY}" }   # values are redacted from every output',
    '# server:                           # start the server under test for every run, stop it after',
    '#   command: node dist/server.js    # or: python server.py',
    '#   readyTimeout: 30s',
    '#   watch: ["src/**/*"]             # with `mcp-verify local --watch`: restart it when these change',
    '',
  ].join('\n');
  await mkdir(dir, { recursive: true });
  await writeFile(file, text);
  return true;
}
