#!/usr/bin/env bash
# npm run images – builds the agent images (dispatch/agent-claude, …).
#   BASE_IMAGE   base of the agent images (default node:22-slim, pulled by Docker as usual)
#   DEBIAN_BASE  when set instead, no pull is needed: a local Debian image plus this host's node
#                becomes the base (used on machines without registry access, e.g. CI here)
# The CLIs are installed on the host from npm (package-lock in each folder) and copied in, so the
# image build itself needs no network.
set -euo pipefail
cd "$(dirname "$0")/.."

base="${BASE_IMAGE:-node:22-slim}"
if [ -n "${DEBIAN_BASE:-}" ]; then
  ctx=$(mktemp -d)
  trap 'rm -rf "$ctx"' EXIT
  cp docker/node-base/Dockerfile "$ctx/"
  cp "$(command -v node)" "$ctx/node"
  docker build -q --build-arg DEBIAN_BASE="$DEBIAN_BASE" -t dispatch/node-base:local "$ctx" >/dev/null
  base=dispatch/node-base:local
fi

for dir in docker/agent-*/; do
  dir=${dir%/}
  name=$(basename "$dir")
  echo "== $name (FROM $base)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  # Files every agent image shares are staged into each build context.
  cp docker/shared/* "$dir"
  docker build -q --build-arg BASE_IMAGE="$base" -t "dispatch/$name:latest" "$dir"
done
