#!/usr/bin/env bash
# The test suite with the real Temporal server: installs the CLI and test server into .tools/temporal
# (fast when already there), then runs jest, which starts one dev server for the run. Extra arguments
# go to jest (e.g. a test file).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-temporal.sh
exec npm test -- "$@"
