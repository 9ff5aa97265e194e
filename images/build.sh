#!/usr/bin/env bash
# Builds every image the project uses, locally (no registry is needed). Docker's layer cache makes a
# second run with nothing changed take seconds.
#   images/build.sh [base|infra|runtimes|services|hosts|all]...   (default: all)
# Services are built from their modules' target/quarkus-app: run the Maven package first (./playground does).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

RUNTIMES=(python node java gcc go rust ruby php lua)
SERVICES=(gateway-service session-service executor-service terminal-service)

LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT

build() { # tag context [dockerfile]
  local tag=$1 ctx=$2 file=${3:-$2/Dockerfile} start=$SECONDS log
  log="$LOGS/$(echo "$tag" | tr '/:' '__').log"
  # A second try, for a package mirror that dropped a connection (layers already built are cached).
  if ! docker build -q -t "$tag" -f "$file" "$ctx" >"$log" 2>&1 \
     && { echo "image $tag failed to build; trying once more" >&2; sleep 5
          ! docker build -q -t "$tag" -f "$file" "$ctx" >"$log" 2>&1; }; then
    echo "image $tag failed to build:" >&2
    cat "$log" >&2
    exit 1
  fi
  printf '  %-34s %3ss\n' "$tag" $((SECONDS - start))
}

base() {
  images/base/make-base.sh
  build playground/jre:21 images/jre
  # Testcontainers (tests only) insists on this image at start-up.
  if ! docker image inspect alpine:3.17 >/dev/null 2>&1 && ! timeout 30 docker pull -q alpine:3.17 >/dev/null 2>&1; then
    build alpine:3.17 images/testcontainers-helper
  fi
}

infra() {
  build playground/postgres:17 images/postgres
  build playground/egress-proxy:latest images/egress-proxy
  local libs=images/kafka/target/libs
  if [ ! -d "$libs" ] || [ images/kafka/pom.xml -nt "$libs" ]; then
    rm -rf "$libs"
    ./mvnw -q -B -f images/kafka/pom.xml dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/libs
  fi
  build playground/kafka:latest images/kafka
}

# A runtime image lists the versions it carries in /etc/playground/runtime-versions (language=version per line);
# they become its label playground.runtime.versions, which the executor reads with one image inspect, so what
# GET /runtimes says is what the image has, even after Debian moves a package to a newer patch release.
label_versions() {
  local tag=$1 versions log
  log="$LOGS/label.$(echo "$tag" | tr '/:' '__').log"
  versions=$(docker run --rm --network none --entrypoint cat "$tag" /etc/playground/runtime-versions 2>"$log" \
             | paste -sd, -) || true
  [ -n "$versions" ] || { echo "image $tag lists no versions in /etc/playground/runtime-versions:" >&2; cat "$log" >&2; exit 1; }
  printf 'FROM %s\nLABEL playground.runtime.versions="%s"\n' "$tag" "$versions" | docker build -q -t "$tag" - >"$log" 2>&1 \
    || { echo "image $tag could not be labelled:" >&2; cat "$log" >&2; exit 1; }
}

# The official Node.js binary of the node runtime image (images/runtimes/node/node.lock says why), fetched on the host:
# HTTPS to the registry may go through a proxy that the host trusts and a build container does not. Checked against
# the lock's sha512, and kept in the image's target/ for the next build.
node_binary() {
  local dir=images/runtimes/node/target lock=images/runtimes/node/node.lock arch version want tgz got registry
  case "$(docker version --format '{{.Server.Arch}}')" in
    amd64 | x86_64) arch=x64 ;;
    arm64 | aarch64) arch=arm64 ;;
    *) echo "images/runtimes/node/node.lock has no Node.js build for this engine's architecture" >&2; exit 1 ;;
  esac
  version=$(sed -n 's/^version=//p' "$lock")
  want=$(sed -n "s/^$arch=sha512-//p" "$lock" | base64 -d | od -An -vtx1 | tr -d ' \n')
  [ -x "$dir/node" ] && [ "$(cat "$dir/node.id" 2>/dev/null)" = "$arch-$version" ] && return 0
  registry=${NPM_REGISTRY:-https://registry.npmjs.org}
  tgz=$dir/download/node-linux-$arch-$version.tgz
  mkdir -p "$dir/download"
  if [ ! -f "$tgz" ]; then
    curl -fsSL --retry 3 -o "$tgz.part" "${registry%/}/node-linux-$arch/-/node-linux-$arch-$version.tgz" \
      || { echo "could not download Node.js $version from $registry (set NPM_REGISTRY to a mirror)" >&2; exit 1; }
    mv "$tgz.part" "$tgz"
  fi
  got=$(sha512sum "$tgz" | cut -d' ' -f1)
  [ "$got" = "$want" ] || { rm -f "$tgz"; echo "Node.js $version from $registry does not match node.lock's sha512" >&2; exit 1; }
  tar -xzf "$tgz" -C "$dir" --strip-components=2 package/bin/node
  echo "$arch-$version" > "$dir/node.id"
}

# In parallel: on a fresh machine most of the time is package downloads, which overlap well.
runtimes() {
  build playground/runtime-base:latest images/runtimes/base
  node_binary
  local r pids=() failed=0
  for r in "${RUNTIMES[@]}"; do
    ( build "playground/runtime-$r:latest" "images/runtimes/$r" && label_versions "playground/runtime-$r:latest" ) &
    pids+=($!)
  done
  for r in "${pids[@]}"; do wait "$r" || failed=1; done
  [ $failed -eq 0 ] || exit 1
}

services() {
  for s in "${SERVICES[@]}"; do
    [ -f "$s/target/quarkus-app/quarkus-run.jar" ] || { echo "$s is not packaged: run ./mvnw package first" >&2; exit 1; }
    build "playground/$s:latest" "$s" images/service/Dockerfile
  done
}

# ./playground up --hosts N: the sandbox hosts (Docker-in-Docker nodes) and the load balancer in front of the services.
hosts() {
  build playground/sandbox-host:latest images/sandbox-host
  build playground/lb:latest images/lb
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(all)
for t in "${targets[@]}"; do
  case "$t" in
    base) base ;;
    infra) infra ;;
    runtimes) runtimes ;;
    services) services ;;
    hosts) hosts ;;
    all) base; infra; runtimes; services; hosts ;;
    *) echo "unknown target $t (base|infra|runtimes|services|hosts|all)" >&2; exit 2 ;;
  esac
done
