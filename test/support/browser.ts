// Headless Chromium for the browser tests: Debian's `chromium` package (installed by
// .ci/install-test-deps.sh) driven by playwright-core, which downloads no browser of its own.
// Outside CI a machine without Chromium skips those tests with the reason; in CI (CI=true) a missing
// Chromium is a failure, so the tests can never silently stop running there.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.MCP_VERIFY_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];

/** Why the browser tests cannot run here, or undefined when they can. Throws in CI instead of skipping. */
export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const reason = `no Chromium at ${CHROMIUM_PATH} (install it with .ci/install-test-deps.sh, or set MCP_VERIFY_CHROMIUM)`;
  if (process.env.CI === 'true') throw new Error(`browser tests must run in CI: ${reason}`);
  return reason;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS, timeout: 60_000 });
}
