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
      const configOut = flags.out === '-' || flags.configOut === false ? undefined : configPath(flags.out, flags.configOut);
      const { localTarget } = await import('../../target/target.js');
      const { listServer } = await import('../../session/listing.js');
      const listing = await listServer(withLocalAuth(localTarget(url), flags), { timeoutMs: flags.timeout });
      const schemaPath = flags.out === '-' ? path.join(PACKAGE_ROOT, 'schema', 'scenario.schema.json') : path.relative(path.dirname(path.resolve(flags.out)), path.join(PACKAGE_ROOT, 'schema', 'scenario.schema.json'));
      const yaml = starterSuite(listing, url.toString(), schemaPath.split(path.sep).join('/'));
      if (flags.out === '-') process.stdout.write(yaml);
      else {
        await mkdir(path.dirname(path.resolve(flags.out)), { recursive: true });
        await writeFile(flags.out, yaml);
        process.stdout.write(`wrote ${flags.out}: ${listing.tools.length} tool(s), ${listing.resources.length} resource(s), ${listing.templates.length} template(s), ${listing.prompts.length} prompt(s)\n`);
        const wroteConfig = configOut ? await writeConfig(configOut, flags, url) : false;
        if (wroteConfig) process.stdout.write(`wrote ${path.relative(process.cwd(), configOut!) || configOut}: url and scenarios for every run (flags override it)\nrun it: ${path.dirname(path.resolve(configOut!)) === process.cwd() ? '' : `cd ${path.relative(process.cwd(), path.dirname(path.resolve(configOut!)))} && `}mcp-verify local\n`);
        else process.stdout.write(`run it: mcp-verify local --url ${url} ${flags.out}\n`);
      }
    });
}

/** YAML scalar, quoted when plain style would change its meaning. */
function q(s: string): string {
  return /^[A-Za-z0-9_./:-]+$/.test(s) && !/^(true|false|null|yes|no|on|off|~|[-+.\d].*)$/i.test(s) ? s : JSON.stringify(s);
}

function sampleValue(p: { type?: unknown; enum?: unknown[] } | undefined): string {
  if (p?.enum?.length) return JSON.stringify(p.enum[0]);
  const t = Array.isArray(p?.type) ? p!.type[0] : p?.type;
  return t === 'integer' || t === 'number' ? '1' : t === 'boolean' ? 'true' : t === 'array' ? '[]' : t === 'object' ? '{}' : '"TODO"';
}

export function starterSuite(l: Listing, url: string, schemaPath: string): string {
  const out: string[] = [
    `# yaml-language-server: $schema=${schemaPath}`,
    `# Starter suite for ${l.serverName ?? 'an MCP server'} at ${url}, written by \`mcp-verify init\`.`,
    `# Run it:      mcp-verify local --url ${url} <this file>`,
    `# Check it:    mcp-verify validate <this file>`,
    '# Each scenario runs in its own session. The active steps only list and read; tool calls are commented',
    '# out below with arguments sketched from each input schema: fill them in and uncomment them.',
    'scenarios:',
    '  - name: server-lists',
    '    description: What the server lists at the time `init` ran; a rename or a removal fails here.',
    '    tags: [smoke]',
    '    steps:',
  ];
  if (l.tools.length) out.push('      - list: tools', `        expect: { names: [${l.tools.map((t) => q(t.name)).join(', ')}] }`);
  if (l.resources.length) out.push('      - list: resources', `        expect: { names: [${l.resources.map((r) => q(r.uri)).join(', ')}] }`);
  if (l.templates.length) out.push('      - list: resourceTemplates', `        expect: { names: [${l.templates.map((r) => q(r.uriTemplate)).join(', ')}] }`);
  if (l.prompts.length) out.push('      - list: prompts', `        expect: { names: [${l.prompts.map((p) => q(p.name)).join(', ')}] }`);
  if (!l.tools.length && !l.resources.length && !l.prompts.length) out.push('      - ping: true');

  // Prompts with required arguments cannot be guessed (a server validates their types): commented out.
  const reads = l.resources.slice(0, 5);
  const needsArgs = (p: Listing['prompts'][number]) => (p.arguments ?? []).some((a) => a.required);
  const prompts = l.prompts.filter((p) => !needsArgs(p)).slice(0, 5);
  if (reads.length || prompts.length) {
    out.push('', '  - name: server-reads', '    description: Read resources and get prompts (no side effects).', '    tags: [smoke]', '    steps:');
    for (const r of reads) out.push(`      - read: ${q(r.uri)}`, '        # expect: { text: { contains: TODO } }');
    for (const p of prompts) out.push(`      - prompt: ${q(p.name)}`);
  }
  const argPrompts = l.prompts.filter(needsArgs).slice(0, 5);
  if (argPrompts.length) {
    out.push('', '  # Prompts that take arguments: uncomment and fill them in.', '  # - name: server-prompts', '  #   steps:');
    for (const p of argPrompts) {
      out.push(`  #     - prompt: ${q(p.name)}`);
      out.push(`  #       args: { ${(p.arguments ?? []).filter((a) => a.required).map((a) => `${q(a.name)}: "TODO"`).join(', ')} }`);
    }
  }
  if (l.templates.length) {
    out.push('', '  # Resource templates: read one with a concrete URI, e.g.');
    for (const t of l.templates.slice(0, 5)) out.push(`  #     - read: ${q(t.uriTemplate)}   # fill in the {placeholders}`);
  }
  if (l.tools.length) {
    out.push(
      '',
      '  # Tool calls: uncomment, fill in the arguments, and say what the result must show.',
      '  # A tool that elicits or samples needs scripted answers (elicitation: / sampling:) or --interactive.',
    );
    for (const t of l.tools) {
      const props = t.inputSchema?.properties ?? {};
      const required = new Set(t.inputSchema?.required ?? []);
      const args = Object.entries(props).filter(([k]) => required.has(k) || Object.keys(props).length <= 3);
      out.push(`  # - name: call-${t.name.replace(/[^A-Za-z0-9_-]/g, '-')}`);
      if (t.description) out.push(`  #   description: ${JSON.stringify(t.description.split('\n')[0]!.slice(0, 120))}`);
      out.push('  #   steps:', `  #     - call: ${q(t.name)}`);
      if (args.length) out.push(`  #       args: { ${args.map(([k, p]) => `${q(k)}: ${sampleValue(p)}`).join(', ')} }`);
      out.push('  #       expect: { isError: false }');
    }
  }
  return out.join('\n') + '\n';
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
