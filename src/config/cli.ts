// The config file's place in the command line: `--config FILE` on the commands that take it, and one
// preAction hook that finds the file (cheaply: node:fs only, until one exists), applies it to the command's
// options (flags win) and fills in the scenario paths when none were given.
import type { Command } from 'commander';
import { findConfigFile } from './find.js';

/** Commands a config file applies to. */
export const CONFIG_COMMANDS = new Set(['local', 'remote', 'compare', 'validate', 'doctor', 'call', 'init', 'demo']);

export function addConfigOption(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'config file (default: mcp-verify.config.yaml, .yml or .json here or in the nearest directory above; flags override it)')
    .option('--no-config', 'ignore any config file');
}

/** preAction: load and apply the config file for the command about to run. */
export async function applyConfigHook(cmd: Command): Promise<void> {
  if (!CONFIG_COMMANDS.has(cmd.name())) return;
  const explicit = cmd.getOptionValue('config') as string | boolean | undefined;
  if (explicit === false) return; // --no-config
  const file = typeof explicit === 'string' ? explicit : findConfigFile();
  if (!file) return;
  const { loadConfigFile } = await import('./load.js');
  const { applyConfig } = await import('./apply.js');
  const paths = await applyConfig(cmd, await loadConfigFile(file));
  // The command's first argument is its scenario paths (variadic) when it has one.
  const first = cmd.registeredArguments[0];
  if (first?.variadic && paths.length) {
    const given = cmd.processedArgs[0] as string[] | undefined;
    if (!given || given.length === 0) cmd.processedArgs[0] = paths;
  }
}
