#!/bin/sh
# Runs Claude Code headless on the mounted prompt file; only the CLI's JSON lines reach stdout.
# The worker sets the CLI's settings (workers/cli/index.ts): no telemetry, updates or other traffic.
set -eu
PROMPT_FILE=/run/dispatch/prompt.txt
[ -r "$PROMPT_FILE" ] || { echo "prompt file $PROMPT_FILE is missing" >&2; exit 64; }

export HOME="${HOME_DIR:-/tmp/home}"
mkdir -p "$HOME"
# The model API is reached through the mounted socket, never directly: Claude Code connects to it
# itself (ANTHROPIC_UNIX_SOCKET), so no relay process has to start first. The base URL only names
# the scheme (plain HTTP over the socket) and the Host header.
if [ -S /run/dispatch/api.sock ]; then
  export ANTHROPIC_UNIX_SOCKET=/run/dispatch/api.sock ANTHROPIC_BASE_URL=http://localhost
fi
export CLAUDE_CODE_MAX_RETRIES="${CLAUDE_CODE_MAX_RETRIES:-2}"

# The prompt goes in on stdin: it may be long and hold anything, so never in argv or the environment.
set -- -p --output-format stream-json --verbose --include-partial-messages --model "${DISPATCH_MODEL:?DISPATCH_MODEL is required}"
# Questions (ask_team) and approvals go to the worker's dispatch MCP server, through the socket.
if [ -S /run/dispatch/api.sock ]; then
  set -- "$@" --mcp-config /opt/agent/mcp.json --allowedTools mcp__dispatch__ask_team
fi
# With approvals on, each action the CLI would ask permission for is put to approve_action, which
# lets it run unless the policy names it; otherwise nothing asks.
if [ "${DISPATCH_APPROVALS:-}" = 1 ]; then
  set -- "$@" --permission-prompt-tool mcp__dispatch__approve_action
else
  set -- "$@" --dangerously-skip-permissions
fi
[ -n "${DISPATCH_RESUME:-}" ] && set -- "$@" --resume "$DISPATCH_RESUME"
exec /opt/agent/bin/claude "$@" <"$PROMPT_FILE"
