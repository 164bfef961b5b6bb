#!/usr/bin/env bash
# Installs the Claude Agent SDK (with its per-platform Claude Code binary, ~420 MB) into .tools/claude-code
# (git-ignored), for `agent.engine: "claude-code"`. Opt-in: `npm ci` does not install it, so users of the
# builtin engine download nothing more. Idempotent: with the pinned version in place it exits at once.
# BuildRunner finds it there (or through BR_CLAUDE_CODE_DIR, or in node_modules); `br doctor` checks it.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=0.3.328 # keep in step with CLAUDE_AGENT_SDK_VERSION in activities/claude/code/sdk.ts
DIR=.tools/claude-code
STAMP="$DIR/.installed-$VERSION"

if [ -f "$STAMP" ] && [ -f "$DIR/node_modules/@anthropic-ai/claude-agent-sdk/sdk.mjs" ]; then
  exit 0
fi

rm -rf "$DIR"
mkdir -p "$DIR"
echo '{ "name": "buildrunner-claude-code-engine", "private": true }' > "$DIR/package.json"
npm install --prefix "$DIR" --no-audit --no-fund --no-save --loglevel=error \
  "@anthropic-ai/claude-agent-sdk@$VERSION"
touch "$STAMP"
