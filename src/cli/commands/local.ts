// `mcp-verify local`: run scenario files against an MCP endpoint reachable over plain HTTP, optionally
// starting the server under test first (`server:` in the config file, `--server-command`) and re-running
// on every change (`--watch`).
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { addLocalAuthFlags, type LocalAuthFlags } from '../../target/local-auth.js';
import { addServerFlags, type ServerFlags } from '../../server-under-test/options.js';
import { addRunFlags, addSuiteFlags, checkSuiteFlags, type ConfigExtrasFlags, type SuiteFlags } from '../run-suite.js';

export const DEFAULT_LOCAL_URL = 'http://127.0.0.1:8000/mcp';

export type LocalFlags = SuiteFlags & ConfigExtrasFlags & LocalAuthFlags & ServerFlags & { url: string; watch?: boolean };

export function registerLocal(program: Command): void {
  const cmd = program
    .command('local')
    .description('Run scenarios against a local (or any plain-HTTP) MCP endpoint.')
    .argument('[paths...]', 'scenario files or directories (default: the config file\'s scenarios, else the bundled travel suite)')
    .option('--url <url>', 'the MCP endpoint', DEFAULT_LOCAL_URL);
  addLocalAuthFlags(cmd);
  addServerFlags(cmd);
  cmd.option('--watch', 're-run when a scenario or config file changes (failed scenarios first; q or Ctrl-C quits); restarts the server under test when its server.watch files change');
  addSuiteFlags(cmd);
  addRunFlags(cmd).addHelpText(
    'after',
    `
Examples:
  mcp-verify example-server &                      # the reference server on :8000
  mcp-verify local                                 # the bundled suite against it
  mcp-verify local --url http://localhost:9000/mcp my-scenarios/
  mcp-verify local --server-command "python travel_server.py" --url http://127.0.0.1:8000/mcp my-scenarios/
  mcp-verify local --watch                         # with mcp-verify.config.yaml: re-run on every save
  mcp-verify local --header 'X-Api-Key: ...' --bearer-token-env MCP_TOKEN my-scenarios/
  mcp-verify local --timeout 5s --reporter plain scenarios/travel/elicitation.yaml
  mcp-verify local --workers 4 --retries 1 --shard 1/2 --reporter plain,github,junit=reports/junit.xml my-scenarios/
  mcp-verify local --var city=Tokyo --expected-failures known.txt --tag smoke my-scenarios/
  mcp-verify local --suite protocol --url http://localhost:3001/mcp --progress-tool my_long_task
  mcp-verify local --interactive --record answers.yaml my-scenarios/   # you answer; replay it in CI
  mcp-verify local --sampling-llm openai:gpt-4o-mini --llm-budget calls=20 my-scenarios/   # a real model answers sampling
  mcp-verify local --sampling-llm openai:llama3.1 --llm-base-url http://127.0.0.1:11434/v1   # ...or a local one (Ollama)

Config file: mcp-verify.config.yaml (or .yml / .json) here or in a directory above, or --config FILE,
sets url, scenarios, reporters, server, headers, ...; flags override it (mcp-verify schema --config).

The server under test (server.command or --server-command) runs in its own process group; mcp-verify
waits until --url answers initialize, runs, and stops it (SIGTERM, then SIGKILL) on success, failure
and Ctrl-C. Its last output lines are attached to failing steps. Never ready, or exited: exit 3.

Exit codes: 0 all passed, 1 a scenario failed, 2 usage or scenario-file error, 3 could not connect
(or the server under test never got ready), 130/143 interrupted (reports are still written).`,
  );
  cmd.action(async (paths: string[], given: LocalFlags) => {
    // `${port}` in url / server settings: one free port for this run (src/server-under-test/port.ts).
    const flags = await (await import('../../server-under-test/port.js')).resolvePortPlaceholder(given);
    const url = parseHttpUrl(flags.url);
    checkSuiteFlags(paths, flags);
    if (flags.watch) {
      if (flags.interactive) throw new UsageError('--watch and --interactive both want the keyboard; give one');
      const { watchLocal } = await import('../../watch/watch.js');
      process.exitCode = await watchLocal(paths, flags, url);
      return;
    }
    const { runLocal } = await import('../local-run.js');
    process.exitCode = await runLocal(paths, flags, url);
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
