#!/usr/bin/env bash
# Makes debian:trixie-slim available locally: pulled where a registry answers, otherwise built with
# debootstrap from the Debian mirror apt already uses and imported under the official name, so every
# Dockerfile can say FROM debian:trixie-slim and still build offline.
set -euo pipefail
IMAGE=debian:trixie-slim

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  exit 0
fi
if timeout 60 docker pull -q "$IMAGE" >/dev/null 2>&1; then
  echo "pulled $IMAGE"
  exit 0
fi

mirror="${DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  mirror=$(grep -hoE '^URIs: *http[^ ]*debian/?$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 | awk '{print $2}' || true)
fi
if [ -z "$mirror" ]; then
  mirror=$(grep -hoE '^deb +http[^ ]*debian/? ' /etc/apt/sources.list 2>/dev/null | head -n1 | awk '{print $2}' || true)
fi
mirror="${mirror:-http://deb.debian.org/debian}"

if ! command -v debootstrap >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "debootstrap is missing: run 'apt-get install -y debootstrap' as root" >&2
    exit 1
  fi
  apt-get install -y -qq debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }
fi

rootfs=$(mktemp -d /var/tmp/trixie-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
echo "building $IMAGE with debootstrap from $mirror (about 30 s)"
# Two tries: a mirror that drops one download should not fail a fresh machine's set-up.
if ! debootstrap --variant=minbase trixie "$rootfs" "$mirror" >/var/tmp/debootstrap.log 2>&1; then
  echo "debootstrap failed (see /var/tmp/debootstrap.log); trying once more" >&2
  rm -rf "$rootfs" && mkdir -p "$rootfs"
  debootstrap --variant=minbase trixie "$rootfs" "$mirror" >/var/tmp/debootstrap.log 2>&1 \
    || { echo "debootstrap failed, see /var/tmp/debootstrap.log" >&2; exit 1; }
fi
# Like the official slim image: no apt lists, no docs, and apt told not to keep packages.
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
tar -C "$rootfs" -c . | docker import -c 'CMD ["bash"]' -c 'ENV LANG=C.UTF-8' - "$IMAGE" >/dev/null
echo "imported $IMAGE"
