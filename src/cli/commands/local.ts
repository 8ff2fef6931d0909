// `mcp-verify local`: run scenario files against an MCP endpoint reachable over plain HTTP.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { addRunFlags, addSuiteFlags, checkSuiteFlags, runChosenSuite, type SuiteFlags } from '../run-suite.js';

export const DEFAULT_LOCAL_URL = 'http://127.0.0.1:8000/mcp';

export function registerLocal(program: Command): void {
  const cmd = program
    .command('local')
    .description('Run scenarios against a local (or any plain-HTTP) MCP endpoint.')
    .argument('[paths...]', 'scenario files or directories (default: the bundled travel suite)')
    .option('--url <url>', 'the MCP endpoint', DEFAULT_LOCAL_URL);
  addSuiteFlags(cmd);
  addRunFlags(cmd).addHelpText(
    'after',
    `
Examples:
  mcp-verify example-server &                      # the reference server on :8000
  mcp-verify local                                 # the bundled suite against it
  mcp-verify local --url http://localhost:9000/mcp my-scenarios/
  mcp-verify local --timeout 5s --reporter plain scenarios/travel/elicitation.yaml
  mcp-verify local --workers 4 --retries 1 --shard 1/2 --reporter plain,github,junit=reports/junit.xml my-scenarios/
  mcp-verify local --var city=Tokyo --expected-failures known.txt --tag smoke my-scenarios/
  mcp-verify local --suite protocol --url http://localhost:3001/mcp --progress-tool my_long_task
  mcp-verify local --interactive --record answers.yaml my-scenarios/   # you answer; replay it in CI
  mcp-verify local --sampling-llm openai:gpt-4o-mini --llm-budget calls=20 my-scenarios/   # a real model answers sampling
  mcp-verify local --sampling-llm openai:llama3.1 --llm-base-url http://127.0.0.1:11434/v1   # ...or a local one (Ollama)

Exit codes: 0 all passed, 1 a scenario failed, 2 usage or scenario-file error, 3 could not connect,
130/143 interrupted (reports are still written).`,
  );
  cmd.action(async (paths: string[], flags: SuiteFlags & { url: string }) => {
    const url = parseHttpUrl(flags.url);
    checkSuiteFlags(paths, flags);
    const { localTarget } = await import('../../target/target.js');
    process.exitCode = await runChosenSuite(localTarget(url), paths, flags);
  });
}

export function parseHttpUrl(value: string, flag = '--url'): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} "${value}" is not a URL; expected e.g. http://127.0.0.1:8000/mcp`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${flag} must be http:// or https:// (got ${url.protocol})`);
  return url;
}
