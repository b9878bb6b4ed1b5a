#!/usr/bin/env bash
# For machines like CI here: root, Debian, no image registry. Makes sure a Docker engine answers
# and that a Debian base image exists locally (debootstrap from Debian's mirror, cached), then
# prints that image's name. With a normal Docker install you do not need this.
set -euo pipefail
BASE="${1:-dispatch/base:bookworm}"
CACHE="${DISPATCH_ROOTFS_CACHE:-/var/cache/dispatch-rootfs}"

if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  # No init system here; iptables and the default bridge are off (agents use --network none).
  nohup dockerd --iptables=false --bridge=none >/var/log/dispatch-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start; see /var/log/dispatch-dockerd.log" >&2; exit 1; }
fi

if ! docker image inspect "$BASE" >/dev/null 2>&1; then
  if [ ! -s "$CACHE/rootfs.tar" ]; then
    mkdir -p "$CACHE"
    rm -rf "$CACHE/rootfs"
    debootstrap --variant=minbase --include=ca-certificates,git bookworm "$CACHE/rootfs" http://deb.debian.org/debian >"$CACHE/debootstrap.log" 2>&1 \
      || { echo "debootstrap failed; see $CACHE/debootstrap.log" >&2; exit 1; }
    tar -C "$CACHE/rootfs" -cf "$CACHE/rootfs.tar.tmp" . && mv "$CACHE/rootfs.tar.tmp" "$CACHE/rootfs.tar"
    rm -rf "$CACHE/rootfs"
  fi
  docker import "$CACHE/rootfs.tar" "$BASE" >/dev/null
fi
echo "$BASE"
