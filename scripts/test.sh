#!/usr/bin/env bash
# npm test: the unit project (no Temporal server, no browser, no sandbox; test/setup/projects.js). Given
# test files (`npm test -- test/x/y.test.ts`), each runs in its own project, server ones included.
# Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."
select=(--selectProjects unit)
for arg in "$@"; do
  case "$arg" in
    -*) ;;
    test/* | ./test/* | *.ts) select=() ;;
  esac
done
exec node --experimental-vm-modules --no-warnings=ExperimentalWarning node_modules/jest/bin/jest.js "${select[@]}" "$@"
