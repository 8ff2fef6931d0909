#!/usr/bin/env bash
# Installs what the test suite needs beyond npm, each only when missing (quiet when all is there):
# - tmux, for the interactive tests that drive the real CLI in a pseudo-terminal (test/interactive.test.ts);
# - chromium (Debian's package), for the HTML report's browser tests (test/html-report.test.ts), driven by
#   playwright-core with executablePath /usr/bin/chromium (no browser download).
set -euo pipefail
missing=()
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${missing[@]}"
fi
tmux -V
/usr/bin/chromium --version 2>/dev/null || true
