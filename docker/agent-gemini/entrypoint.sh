#!/bin/sh
# Runs Gemini CLI headless on the mounted prompt file; only the CLI's JSON lines reach stdout.
set -eu
PROMPT_FILE=/run/dispatch/prompt.txt
[ -r "$PROMPT_FILE" ] || { echo "prompt file $PROMPT_FILE is missing" >&2; exit 64; }

export HOME="${HOME_DIR:-/tmp/home}" TMPDIR=/tmp
export GEMINI_CLI_HOME="$HOME"
mkdir -p "$HOME/.gemini"
# Google login by access token (no API keys); no usage statistics; the worker handles retries.
# Questions (ask_team) go to the worker's dispatch MCP server, through the socket (trusted: no confirmation).
MCP=""
[ -S /run/dispatch/api.sock ] && MCP=',"mcpServers":{"dispatch":{"command":"node","args":["/opt/agent/mcp-bridge.mjs"],"trust":true}}'
# With approvals on, every tool call first goes to the server's approve_action (a BeforeTool hook
# that may wait as long as a member may take: a day at most).
if [ -S /run/dispatch/api.sock ] && [ "${DISPATCH_APPROVALS:-}" = 1 ]; then
  MCP="$MCP"',"hooks":{"BeforeTool":[{"matcher":"*","hooks":[{"type":"command","command":"node /opt/agent/mcp-bridge.mjs --before-tool","timeout":86400000}]}]}'
fi
cat >"$HOME/.gemini/settings.json" <<JSON
{"security":{"auth":{"selectedType":"oauth-personal"}},"privacy":{"usageStatisticsEnabled":false},"general":{"maxAttempts":${GEMINI_MAX_ATTEMPTS:-2}}${MCP}}
JSON
# The model API is reached through the mounted socket, never directly: the relay runs inside the
# CLI's own Node process (--import), listening before the CLI's code starts.
set --
if [ -S /run/dispatch/api.sock ]; then
  set -- --import /opt/agent/relay.mjs
  export CODE_ASSIST_ENDPOINT="http://127.0.0.1:${DISPATCH_RELAY_PORT:-8787}"
fi
export GOOGLE_GENAI_USE_GCA=true

# The prompt goes in on stdin (the CLI puts it before the -p text): never in argv or the environment.
set -- "$@" /opt/agent/node_modules/@google/gemini-cli/bundle/gemini.js -p "Follow the instructions given on standard input." --output-format stream-json --skip-trust --yolo -m "${DISPATCH_MODEL:?DISPATCH_MODEL is required}"
[ -n "${DISPATCH_RESUME:-}" ] && set -- "$@" --resume "$DISPATCH_RESUME"
exec node "$@" <"$PROMPT_FILE"
