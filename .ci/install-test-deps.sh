#!/usr/bin/env bash
# Installs what the test suite needs beyond npm: tmux, for the interactive tests that drive the real
# CLI in a pseudo-terminal (test/interactive.test.ts). A no-op where it is already installed.
set -euo pipefail
if ! command -v tmux >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y tmux
fi
tmux -V
