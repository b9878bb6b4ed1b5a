#!/usr/bin/env bash
# npm test – the whole suite: types, lint, unit, integration (real PostgreSQL), end-to-end (Chromium).
# On a fresh machine it installs what the tests need first (see scripts/test-prerequisites.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/test-prerequisites.sh

echo "== typecheck"; npx tsc --noEmit
echo "== lint"; npx eslint --max-warnings 0 .
echo "== unit + integration"; npx vitest run --project unit --project integration
echo "== end-to-end"; npx vitest run --project e2e
