#!/usr/bin/env bash
# Makes a fresh machine ready for the test suite; every step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== installing npm dependencies"; npm ci --no-audit --no-fund
fi

# Browser tests drive Debian's Chromium through playwright-core (no browser download is possible).
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing chromium from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation >/dev/null
  else
    echo "Chromium is missing: install Debian's chromium package (or set CHROMIUM_PATH)." >&2; exit 1
  fi
fi

# Integration tests need a PostgreSQL server; each run creates and drops its own database.
pg_ready() { node -e "require('net').connect(5432,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"; }
if [ -z "${TEST_DATABASE_ADMIN_URL:-}" ] && ! pg_ready; then
  if command -v pg_ctlcluster >/dev/null; then
    echo "== starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_ready && break; sleep 0.5; done
  pg_ready || { echo "PostgreSQL is not answering on 127.0.0.1:5432 (set TEST_DATABASE_ADMIN_URL to use another server)." >&2; exit 1; }
fi

# Queue and cancel-signal tests use the real Redis.
redis_ready() { node -e "require('net').connect(6379,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"; }
if [ -z "${TEST_REDIS_URL:-}" ] && ! redis_ready; then
  if command -v redis-server >/dev/null; then
    echo "== starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  fi
  for _ in $(seq 1 20); do redis_ready && break; sleep 0.5; done
  redis_ready || { echo "Redis is not answering on 127.0.0.1:6379 (set TEST_REDIS_URL to use another server)." >&2; exit 1; }
fi

# Worker tests run the real agent images in a real Docker engine. Without registry access the
# images are built FROM a Debian base made locally (debootstrap), cached on this machine.
images_hash=$(git ls-files -s docker/agent-claude docker/agent-gemini docker/shared docker/node-base 2>/dev/null | sha256sum | cut -c1-16)
if ! docker info >/dev/null 2>&1 || ! docker image inspect dispatch/agent-claude:latest >/dev/null 2>&1 || [ "$(cat .data/.images-built 2>/dev/null)" != "$images_hash" ]; then
  echo "== starting Docker and the local Debian base"
  debian_base=$(bash scripts/docker-engine.sh | tail -1)
  echo "== building agent images"
  # BASE_IMAGE set: build on it (e.g. node:22-slim where it can be pulled); otherwise on the local base.
  if [ -n "${BASE_IMAGE:-}" ]; then DISPATCH_IMAGES=agents bash scripts/images.sh; else DISPATCH_IMAGES=agents DEBIAN_BASE="$debian_base" bash scripts/images.sh; fi
  mkdir -p .data && echo "$images_hash" > .data/.images-built
fi
