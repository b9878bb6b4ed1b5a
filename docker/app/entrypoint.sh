#!/bin/sh
# dispatch web | worker | <any command>. exec: the Node process gets the container's signals
# (SIGTERM drains running sessions; see README "Stopping").
set -e
case "${1:-web}" in
  web) shift 2>/dev/null || true; exec node /app/server.js "$@" ;;
  worker) shift; exec node /app/worker.mjs "$@" ;;
  *) exec "$@" ;;
esac
