#!/usr/bin/env bash
# The quick start's main job: BuildRunner on the example repository, on the embedded database.
# Offline it plans and simulates the build; with TEMPORAL_ADDRESS and ANTHROPIC_API_KEY it runs it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
br() { node "$root/bin/br.js" "$@"; }

work="$root/.buildrunner/example/todo-api"
rm -rf "$work"
mkdir -p "$(dirname "$work")"
cp -R "$here/todo-api" "$work"
cd "$work"
git init -q -b main
git -c user.name=BuildRunner -c user.email=buildrunner@localhost add -A
git -c user.name=BuildRunner -c user.email=buildrunner@localhost commit -q -m "Example project"
echo "Example repository: $work"

br init
echo
echo "== br plan PROJECT_SPEC.md"
if [ -n "${ANTHROPIC_API_KEY:-}" ]; then br plan PROJECT_SPEC.md; else br plan PROJECT_SPEC.md --heuristic-plan; fi
echo
echo "== br build simulate PROJECT_SPEC.md --parallel 3"
br build simulate PROJECT_SPEC.md --parallel 3
echo
if [ -n "${TEMPORAL_ADDRESS:-}" ] && [ -n "${ANTHROPIC_API_KEY:-}" ]; then
  echo "== br build start PROJECT_SPEC.md --budget 5 --parallel 3 --watch"
  br build start PROJECT_SPEC.md --budget 5 --parallel 3 --watch
else
  echo "Not starting a real build: it needs a Temporal server (TEMPORAL_ADDRESS, or \`br dev\`) and ANTHROPIC_API_KEY."
  echo "With both: cd $work && br build start PROJECT_SPEC.md --budget 5 --watch"
fi
