// `mcp-verify validate` checks scenario files without running them; `mcp-verify schema` prints the
// JSON Schema that editors use (yaml-language-server).
import type { Command } from 'commander';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('Check scenario files without running anything (exit 0 valid, 2 invalid).')
    .argument('<paths...>', 'scenario files or directories')
    .addHelpText('after', `\nExample:\n  mcp-verify validate scenarios/   # file:line:col for every problem`)
    .action(async (paths: string[]) => {
      const { findScenarioFiles, loadScenarios } = await import('../../scenario/loader.js');
      const files = await findScenarioFiles(paths);
      const loaded = await loadScenarios(files);
      process.stdout.write(`${files.length} file(s), ${loaded.length} scenario(s): valid\n`);
    });
}

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('Print the JSON Schema of scenario files (or, with --report, of the JSON report).')
    .option('--report', 'the JSON report\'s schema (--reporter json), as shipped in schema/report.schema.json')
    .option('--markdown', 'the scenario file reference (every key, type, default, example), as shipped in docs/scenarios.md')
    .addHelpText(
      'after',
      `\nExamples:\n  mcp-verify schema > scenario.schema.json\n  # in a YAML file: # yaml-language-server: $schema=./scenario.schema.json\n  mcp-verify schema --report > report.schema.json   # validate --reporter json=FILE output with it\n  mcp-verify schema --markdown > scenarios.md        # the scenario reference, as docs/scenarios.md`,
    )
    .action(async (flags: { report?: boolean; markdown?: boolean }) => {
      if (flags.markdown) {
        const { scenarioReferenceMarkdown } = await import('../../scenario/reference-doc.js');
        process.stdout.write(scenarioReferenceMarkdown());
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
