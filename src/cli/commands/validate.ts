// `mcp-verify validate` runs every check `local` makes before it connects (scenario files, variables
// with --var, feature names, reporters, timeouts, expected failures, the config file) without running
// anything; `mcp-verify schema` prints the JSON Schemas editors use (yaml-language-server), or the
// scenario reference (docs/scenarios.md).
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { addCheckedRunFlags, loadSuite, preRunChecks, type ConfigExtrasFlags, type RunFlags } from '../run-suite.js';

export function registerValidate(program: Command): void {
  const cmd = program
    .command('validate')
    .description('Check scenario files and run flags as `local` does before it connects, without running anything (exit 0 valid, 2 invalid).')
    .argument('[paths...]', 'scenario files or directories (default: what `local` would run: the config file\'s scenarios, else the bundled suite)');
  addCheckedRunFlags(cmd).addHelpText(
    'after',
    `
Examples:
  mcp-verify validate scenarios/                   # file:line:col for every problem
  mcp-verify validate --var city=Tokyo my.yaml     # variables as local would get them
  mcp-verify validate --config ci/mcp-verify.config.yaml

Everything \`local\` refuses before it connects (exit 2), \`validate\` refuses with the same message.`,
  );
  cmd.action(async (paths: string[], flags: RunFlags & ConfigExtrasFlags) => {
    const scenarios = await loadSuite(paths);
    const plan = await preRunChecks(scenarios, flags);
    for (const n of plan.notices) process.stderr.write(`mcp-verify: ${n}\n`);
    const files = new Set(scenarios.map((s) => s.file)).size;
    const selected = plan.scenarios.length === scenarios.length ? '' : ` (${plan.scenarios.length} selected)`;
    process.stdout.write(`${files} file(s), ${scenarios.length} scenario(s)${selected}: valid\n`);
  });
}

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('Print the JSON Schema of scenario files (or, with --report, of the JSON report; with --config, of mcp-verify.config.yaml).')
    .option('--report', 'the JSON report\'s schema (--reporter json), as shipped in schema/report.schema.json')
    .option('--config', 'the config file\'s schema (mcp-verify.config.yaml), as shipped in schema/config.schema.json')
    .option('--markdown', 'the scenario file reference (every key, type, default, example), as shipped in docs/scenarios.md')
    .addHelpText(
      'after',
      `\nExamples:\n  mcp-verify schema > scenario.schema.json\n  # in a YAML file: # yaml-language-server: $schema=./scenario.schema.json\n  mcp-verify schema --report > report.schema.json   # validate --reporter json=FILE output with it\n  mcp-verify schema --config > config.schema.json\n  mcp-verify schema --markdown > scenarios.md        # the scenario reference, as docs/scenarios.md`,
    )
    .action(async (flags: { report?: boolean; config?: boolean; markdown?: boolean }) => {
      const chosen = (['report', 'config', 'markdown'] as const).filter((k) => flags[k]);
      if (chosen.length > 1) throw new UsageError(`schema prints one thing: choose one of ${chosen.map((k) => `--${k}`).join(', ')}`);
      if (flags.markdown) {
        const { scenarioReferenceMarkdown } = await import('../../scenario/reference-doc.js');
        process.stdout.write(scenarioReferenceMarkdown());
        return;
      }
      if (flags.config) {
        const { configJsonSchema } = await import('../../config/schema.js');
        process.stdout.write(JSON.stringify(configJsonSchema(), null, 2) + '\n');
        return;
      }
      if (flags.report) {
        const { reportJsonSchema } = await import('../../report/report-schema.js');
        process.stdout.write(JSON.stringify(reportJsonSchema(), null, 2) + '\n');
        return;
      }
      const { scenarioJsonSchema } = await import('../../scenario/schema.js');
      process.stdout.write(JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
    });
}
