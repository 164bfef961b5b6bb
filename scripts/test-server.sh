#!/usr/bin/env bash
# The full test suite, both jest projects (unit, and server: the real Temporal dev server, Chromium, the
# bubblewrap sandbox). First the Debian packages it needs (scripts/test-deps.sh: installed as root, else
# it stops here saying what to run), then the Temporal CLI and test server into .tools/temporal (fast
# when already there); jest starts one dev server and builds one workflow bundle for the run. Extra
# arguments go to jest (e.g. a test file).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/test-deps.sh
bash scripts/install-temporal.sh
exec node --experimental-vm-modules --no-warnings=ExperimentalWarning node_modules/jest/bin/jest.js "$@"
