#!/bin/sh
# Run inside a node by ./playground (docker exec -e EGRESS_ALLOW=... NODE sandbox-host-setup.sh) once its images are
# loaded: the node's egress network and its egress proxy, as docker-compose.yml has them on the single host.
#   playground-egress    internal, and the engine keeps no address on it: package downloads sit here with the proxy
#   playground-outbound  the proxy's way out
#   egress-proxy         playground/egress-proxy on both, answering as egress-proxy:3128, allowing EGRESS_ALLOW
# Idempotent: the proxy is made anew only when its image or its allow list changed. Nothing here carries the label
# playground.managed, so the services' reapers never touch it.
set -eu
: "${EGRESS_ALLOW:?the registries the proxy allows, as in docker-compose.yml}"
IMAGE=${EGRESS_IMAGE:-playground/egress-proxy:latest}
PART=playground.sandbox-host.part

if ! docker network inspect playground-egress >/dev/null 2>&1; then
  docker network create --internal -o com.docker.network.bridge.inhibit_ipv4=true \
    --label "$PART=egress-network" playground-egress >/dev/null
fi
if ! docker network inspect playground-outbound >/dev/null 2>&1; then
  docker network create --label "$PART=outbound-network" playground-outbound >/dev/null
fi

want=$(docker image inspect -f '{{.Id}}' "$IMAGE")
if have=$(docker container inspect -f '{{.Image}} {{index .Config.Labels "playground.egress-allow"}}' egress-proxy 2>/dev/null); then
  if [ "$have" = "$want $EGRESS_ALLOW" ]; then
    docker start egress-proxy >/dev/null
    exit 0
  fi
  docker rm -f egress-proxy >/dev/null
fi
docker create --name egress-proxy --restart always --init --memory 128m \
  --network playground-egress --network-alias egress-proxy \
  --label "$PART=egress-proxy" --label "playground.egress-allow=$EGRESS_ALLOW" \
  -e "EGRESS_ALLOW=$EGRESS_ALLOW" "$IMAGE" >/dev/null
docker network connect playground-outbound egress-proxy
docker start egress-proxy >/dev/null
