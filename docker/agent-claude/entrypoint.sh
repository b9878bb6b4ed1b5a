#!/bin/sh
# Runs Claude Code headless on the mounted prompt file; only the CLI's JSON lines reach stdout.
set -eu
PROMPT_FILE=/run/dispatch/prompt.txt
[ -r "$PROMPT_FILE" ] || { echo "prompt file $PROMPT_FILE is missing" >&2; exit 64; }

export HOME="${HOME_DIR:-/tmp/home}"
mkdir -p "$HOME"
# The model API is reached through the relay on loopback, never directly.
if [ -S /run/dispatch/api.sock ]; then
  node /opt/agent/relay.mjs >/dev/null 2>&1 &
  export ANTHROPIC_BASE_URL="http://127.0.0.1:${DISPATCH_RELAY_PORT:-8787}"
  i=0; while [ $i -lt 50 ] && ! node -e "require('net').connect(${DISPATCH_RELAY_PORT:-8787},'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))" 2>/dev/null; do i=$((i+1)); sleep 0.05; done
fi
export DISABLE_TELEMETRY=1 DISABLE_AUTOUPDATER=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1
export CLAUDE_CODE_MAX_RETRIES="${CLAUDE_CODE_MAX_RETRIES:-2}"

# The prompt goes in on stdin: it may be long and hold anything, so never in argv or the environment.
set -- -p --output-format stream-json --verbose --include-partial-messages --dangerously-skip-permissions --model "${DISPATCH_MODEL:?DISPATCH_MODEL is required}"
[ -n "${DISPATCH_RESUME:-}" ] && set -- "$@" --resume "$DISPATCH_RESUME"
exec /opt/agent/bin/claude "$@" <"$PROMPT_FILE"
