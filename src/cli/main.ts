// Commander wiring only: each command lives in src/cli/commands/ and imports its heavy parts lazily,
// so `--version` and `--help` start fast. User errors print one or two lines and exit with their code.
import { Command, CommanderError } from 'commander';
import { ExitCode, UserError } from '../errors.js';
import { VERSION } from '../version.js';
import { sanitizeForOutput } from '../terminal/sanitize.js';
import { flushOutputThenExit } from './signals.js';
import { registerLocal } from './commands/local.js';
import { registerRemote } from './commands/remote.js';
import { registerCompare } from './commands/compare.js';
import { registerDemo } from './commands/demo.js';
import { registerSchema, registerValidate } from './commands/validate.js';
import { registerInit } from './commands/init.js';
import { registerExampleServer } from './commands/example-server.js';
import { registerDoctor } from './commands/doctor.js';
import { registerEmulateAgentCore } from './commands/emulate-agentcore.js';
import { registerCall } from './commands/call.js';
import { registerLoad } from './commands/load.js';
import { registerMergeReports } from './commands/merge-reports.js';
import { addConfigOption, applyConfigHook, CONFIG_COMMANDS } from '../config/cli.js';

export const EXIT_CODES_HELP = `
Exit codes:
  0    every scenario passed
  1    a scenario failed
  2    usage or scenario-file error (nothing ran)
  3    could not connect or authenticate
  130  interrupted (SIGINT); 143 terminated (SIGTERM)`;

export function buildProgram(): Command {
  const program = new Command('mcp-verify')
    .description('Test harness for stateful MCP endpoints: elicitation, sampling, progress, resources, prompts and sessions,\nlocally and on Amazon Bedrock AgentCore Runtime.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride();
  program.addHelpText(
    'after',
    `
Examples:
  mcp-verify demo                          # the bundled servers + suite, no setup
  mcp-verify example-server                # reference server at http://127.0.0.1:8000/mcp
  mcp-verify local                         # the bundled suite against it
  mcp-verify local --url http://localhost:9000/mcp my-scenarios/
  mcp-verify doctor --url http://localhost:9000/mcp     # what is wrong, and the fix
  mcp-verify remote --arn arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/travel-AbCdEf1234
  mcp-verify compare --url http://localhost:8000/mcp --arn ...   # Local vs Remote table
  mcp-verify local --interactive                       # you answer what no script does
  mcp-verify load --url http://localhost:8000/mcp --concurrency 20 --duration 30s --threshold 'p99<500ms'
${EXIT_CODES_HELP}`,
  );
  registerDemo(program);
  registerLocal(program);
  registerRemote(program);
  registerCompare(program);
  registerDoctor(program);
  registerCall(program);
  registerLoad(program);
  registerMergeReports(program);
  registerExampleServer(program);
  registerEmulateAgentCore(program);
  registerValidate(program);
  registerSchema(program);
  registerInit(program);
  for (const cmd of program.commands) {
    cmd.exitOverride().showHelpAfterError('(run with --help for usage)');
    if (CONFIG_COMMANDS.has(cmd.name())) addConfigOption(cmd);
  }
  // The config file (src/config/) sets the options the command line left at their defaults.
  program.hook('preAction', (_program, actionCommand) => applyConfigHook(actionCommand));
  return program;
}

/**
 * A reader that stops reading (`mcp-verify --help | head -1`) is not an error of ours: stop quietly,
 * as Unix tools do, instead of an EPIPE stack trace and exit 1.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

export async function main(argv: string[]): Promise<void> {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    // Reports on stdout may still be flushing: a signal then is still honoured (signals.ts).
    await flushOutputThenExit();
  } catch (e) {
    process.exitCode = exitCodeFor(e);
    // Work given up on (a credential_process that hangs) may still hold the event loop: end now.
    if ((e as { abandoned?: boolean })?.abandoned) process.stderr.write('', () => process.exit(process.exitCode as number));
  }
}

function exitCodeFor(e: unknown): number {
  if (e instanceof CommanderError) {
    // Commander has already printed its message (or the help / version).
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : ExitCode.Usage;
  }
  if (e instanceof UserError) {
    // A user error can quote the server (a connect failure): one sanitiser for every channel.
    process.stderr.write(`mcp-verify: ${sanitizeForOutput(e.message)}\n`);
    return e.exitCode;
  }
  // A bug: say so, with the stack, so it can be reported.
  process.stderr.write(`mcp-verify: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
  return 1;
}
