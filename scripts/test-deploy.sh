#!/usr/bin/env bash
# npm run test:deploy – the deployment tests (not part of `npm test`: they build the app image and
# take minutes): compose.yaml brought up from the local images running one agent session, and two
# Docker engines with a worker each (tests/deploy/). Needs root on this kind of machine (a second dockerd).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/test-prerequisites.sh
command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || {
  echo "== installing docker-compose"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null; }
echo "== building the app image"
if [ -n "${BASE_IMAGE:-}" ]; then DISPATCH_IMAGES=app bash scripts/images.sh
else DISPATCH_IMAGES=app DEBIAN_BASE="$(bash scripts/docker-engine.sh | tail -1)" bash scripts/images.sh; fi
echo "== deployment tests"
npx vitest run --project deploy --no-file-parallelism "$@"
