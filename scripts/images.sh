#!/usr/bin/env bash
# npm run images – builds the agent images (dispatch/agent-claude, …) and the image of Dispatch
# itself (dispatch/app: the web app and the worker, docker/app/Dockerfile).
#   BASE_IMAGE   base of all images (default node:22-slim, pulled by Docker as usual)
#   DEBIAN_BASE  when set instead, no pull is needed: a local Debian image plus this host's node and npm
#                becomes the base (used on machines without registry access, e.g. CI here)
#   DISPATCH_IMAGES  "agents" or "app" to build only those (default: both)
# The CLIs are installed on the host from npm (package-lock in each folder) and copied in, so the
# agent builds need no network. The app build runs `npm ci` inside (it needs the npm registry; an
# egress proxy's CA in NODE_EXTRA_CA_CERTS is handed to that build stage only).
set -euo pipefail
cd "$(dirname "$0")/.."

base="${BASE_IMAGE:-node:22-slim}"
if [ -n "${DEBIAN_BASE:-}" ]; then
  ctx=$(mktemp -d)
  trap 'rm -rf "$ctx"' EXIT
  cp docker/node-base/Dockerfile "$ctx/"
  cp "$(command -v node)" "$ctx/node"
  # npm's own folder (bin/npm-cli.js lives two levels below it).
  cp -r "$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")" "$ctx/npm"
  docker build -q --build-arg DEBIAN_BASE="$DEBIAN_BASE" -t dispatch/node-base:local "$ctx" >/dev/null
  base=dispatch/node-base:local
fi

which="${DISPATCH_IMAGES:-all}"

if [ "$which" = all ] || [ "$which" = agents ]; then
for dir in docker/agent-*/; do
  dir=${dir%/}
  name=$(basename "$dir")
  echo "== $name (FROM $base)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  # Files every agent image shares are staged into each build context.
  cp docker/shared/* "$dir"
  docker build -q --build-arg BASE_IMAGE="$base" -t "dispatch/$name:latest" "$dir"
done
fi

if [ "$which" = all ] || [ "$which" = app ]; then
  echo "== app (FROM $base)"
  rm -f docker/app/build-ca.crt
  if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -s "$NODE_EXTRA_CA_CERTS" ]; then cp "$NODE_EXTRA_CA_CERTS" docker/app/build-ca.crt; fi
  # Host network: the build's npm ci reaches the registry where the engine runs without a bridge.
  docker build -q --network host --build-arg BASE_IMAGE="$base" -f docker/app/Dockerfile -t dispatch/app:latest .
  rm -f docker/app/build-ca.crt
fi
