#!/bin/sh
# Starts the node's Docker engine: the local socket (setup through `docker exec`) and TCP 2376 with mutual TLS only
# (--tlsverify: a client must show a certificate signed by the sandbox CA; no plain TCP socket is ever opened), then
# walls off what runs inside from the networks the node sits on.
#
# The node runs with: --cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined
#   --security-opt apparmor=unconfined -v /sys/fs/cgroup:/sys/fs/cgroup:rw --tmpfs /run
#   -e DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE=1, and its TLS material in $TLS_DIR (ca.pem, cert.pem, key.pem).
# gVisor: when the machine lends its runsc at /usr/local/bin/runsc, the engine knows it as the runtime "runsc".
set -eu
NAME=${SANDBOX_HOST_NAME:-$(hostname)}
TLS_DIR=${SANDBOX_HOST_TLS_DIR:-/etc/docker/tls}
# Every network this engine makes (its default bridge, the egress network, its outbound network) comes from this
# range, so the isolation rules below can name what runs inside. It must not overlap the machine's own networks.
POOL=${SANDBOX_HOST_POOL:-10.231.0.0/16}
POOL_NETWORKS=${SANDBOX_HOST_POOL_NETWORKS:-10.231.0.0/17}
POOL_BRIDGE=${SANDBOX_HOST_POOL_BRIDGE:-10.231.255.1/24}

for f in ca.pem cert.pem key.pem; do
  [ -s "$TLS_DIR/$f" ] || { echo "sandbox host $NAME: $TLS_DIR/$f is missing" >&2; exit 1; }
done

mkdir -p /etc/docker
if [ -x /usr/local/bin/runsc ]; then
  # Sandboxes and sessions run with --network none: gVisor's own network stays off (as on the single host).
  echo '{"runtimes":{"runsc":{"path":"/usr/local/bin/runsc","runtimeArgs":["--network=none"]}}}' > /etc/docker/daemon.json
else
  echo '{}' > /etc/docker/daemon.json
fi

# A container that was running when the node stopped left a pid file in /run (a tmpfs: gone) or none: nothing stale.
# Its cgroups are another matter: /sys/fs/cgroup is the machine's, and a node that was killed (the host-failure
# scenario) never removed its containers' (9,681 of them here after a few days of test runs). This engine has none
# yet, so every cgroup under its parent is a leftover; rmdir removes only empty ones, never one that holds a process.
for d in /sys/fs/cgroup/*/sandbox-hosts/"$NAME"/*/; do
  [ ! -d "$d" ] || rmdir "$d" 2>/dev/null || true
done
dockerd \
  --host unix:///var/run/docker.sock \
  --host tcp://0.0.0.0:2376 \
  --tlsverify --tlscacert "$TLS_DIR/ca.pem" --tlscert "$TLS_DIR/cert.pem" --tlskey "$TLS_DIR/key.pem" \
  --bip "$POOL_BRIDGE" --default-address-pool "base=$POOL_NETWORKS,size=24" \
  --cgroup-parent "/sandbox-hosts/$NAME" \
  --shutdown-timeout 10 &
engine=$!
trap 'kill -TERM "$engine" 2>/dev/null; wait "$engine"; exit $?' TERM INT

i=0
until docker info >/dev/null 2>&1; do
  kill -0 "$engine" 2>/dev/null || { wait "$engine"; echo "sandbox host $NAME: the engine did not start" >&2; exit 1; }
  i=$((i + 1)); [ $i -lt 120 ] || { echo "sandbox host $NAME: the engine did not answer in 60 s" >&2; exit 1; }
  sleep 0.5
done

# What runs inside may talk within the node's own networks (Docker's rules decide there) and, from the node's
# outbound interface (the default route), to the world beyond that network's own subnet: that is the egress proxy's
# way to the registries. Everything else from inside is dropped: the backend network (PostgreSQL, Kafka, the
# services, other nodes), the outbound network's other members, and this node's own engine port.
out_if=$(ip -4 route show default | awk '{for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit }}')
iptables -N PLAYGROUND-ISOLATION 2>/dev/null || iptables -F PLAYGROUND-ISOLATION
iptables -A PLAYGROUND-ISOLATION -s "$POOL" -d "$POOL" -j RETURN
if [ -n "$out_if" ]; then
  for net in $(ip -4 route show dev "$out_if" scope link | awk '{print $1}'); do
    iptables -A PLAYGROUND-ISOLATION -s "$POOL" -o "$out_if" -d "$net" -j DROP
  done
  iptables -A PLAYGROUND-ISOLATION -s "$POOL" -o "$out_if" -j RETURN
fi
iptables -A PLAYGROUND-ISOLATION -s "$POOL" -j DROP
iptables -C DOCKER-USER -j PLAYGROUND-ISOLATION 2>/dev/null || iptables -I DOCKER-USER -j PLAYGROUND-ISOLATION
iptables -C INPUT -s "$POOL" -m conntrack --ctstate NEW -j DROP 2>/dev/null \
  || iptables -I INPUT -s "$POOL" -m conntrack --ctstate NEW -j DROP
echo "sandbox host $NAME: engine ready on tcp://0.0.0.0:2376 (mutual TLS); inside networks from $POOL, out through ${out_if:-nothing}" >&2

wait "$engine"
