#!/usr/bin/env bash
# A second Docker engine on this machine, for proving that workers on separate engines (as on
# separate hosts) share one PostgreSQL and Redis and never touch each other's containers
# (tests/deploy/two-engines.test.ts). Own socket, data root, exec root (with its own containerd),
# pidfile; no bridge, no iptables (agents run with --network none). Idempotent.
# Prints the engine's DOCKER_HOST on its last line. Stop it with: kill "$(cat /var/run/dispatch-docker2.pid)"
set -euo pipefail
NAME="${1:-dispatch-docker2}"
SOCK="/var/run/$NAME.sock"
export DOCKER_HOST="unix://$SOCK"

if ! docker info >/dev/null 2>&1; then
  mkdir -p "/var/lib/$NAME" "/var/run/$NAME"
  nohup dockerd --host "$DOCKER_HOST" --data-root "/var/lib/$NAME" --exec-root "/var/run/$NAME" \
    --pidfile "/var/run/$NAME.pid" --bridge=none --iptables=false >"/var/log/$NAME.log" 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { echo "the second dockerd did not start; see /var/log/$NAME.log" >&2; tail -20 "/var/log/$NAME.log" >&2; exit 1; }
fi

# The agent images, copied from the first engine (a real second host would build or pull them).
for image in "${@:2}"; do
  want=$(DOCKER_HOST= docker image inspect -f '{{.Id}}' "$image")
  have=$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)
  if [ "$want" != "$have" ]; then DOCKER_HOST= docker save "$image" | docker load -q >/dev/null; fi
done
echo "$DOCKER_HOST"
