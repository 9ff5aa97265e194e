#!/usr/bin/env bash
# Checks a running hosts mode (./playground up --hosts N) the way an operator would, and exits non-zero when any
# check fails (the end-to-end suite calls it too):
#   images/sandbox-host/check.sh [--quick] [NODE...]     (default: the nodes named in .playground/sandbox-hosts)
# - the compose files: every instance of docker-compose.hosts.yml has its service's environment from docker-compose.yml
# - each node's engine answers over mutual TLS with the client certificate, from a container on the backend network;
#   a plain TCP connection, TLS without a client certificate, a certificate of another CA, and port 2375 are refused
# - each node has every runtime image and the egress proxy with this machine's image ids
# - each node's egress network is internal; its proxy lets through the registries of its allow list and nothing else;
#   from the egress network, and from the proxy's own outbound network, PostgreSQL, Kafka, the load balancer and the
#   nodes' engines cannot be reached; a sandbox without a network has only loopback
# - the load balancer has every instance up and spreads requests over both gateways
# Unless --quick (these disturb the stack for a moment):
# - a node restarted keeps its volumes (session workspaces), its egress proxy and its isolation rules
# - with one gateway stopped, every request is still served
set -uo pipefail
cd "$(dirname "$0")/../.."
PROJECT=${COMPOSE_PROJECT_NAME:-playground}
STATE=.playground
CLIENT=$PWD/$STATE/sandbox-tls/client
PORT=${GATEWAY_PORT:-8080}
EGRESS_ALLOW=${PLAYGROUND_EGRESS_ALLOW:-registry.npmjs.org,pypi.org,files.pythonhosted.org}
PROBE_IMAGE=playground/runtime-base:latest

quick=
nodes=()
for a in "$@"; do
  case "$a" in
    --quick) quick=1 ;;
    -*) echo "unknown option $a (check.sh [--quick] [NODE...])" >&2; exit 2 ;;
    *) nodes+=("$a") ;;
  esac
done
[ ${#nodes[@]} -gt 0 ] || mapfile -t nodes < "$STATE/sandbox-hosts" 2>/dev/null || true
[ ${#nodes[@]} -gt 0 ] || { echo "no sandbox hosts: start them with ./playground up --hosts N" >&2; exit 2; }

failures=0
pass() { printf '  ok    %s\n' "$*"; }
fail() { printf '  FAIL  %s\n' "$*"; failures=$((failures + 1)); }
expect() { # description command... (passes when the command succeeds)
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; return 1; fi
}
section() { printf '%s\n' "$*"; }

service_container() {
  docker ps -q --filter "label=com.docker.compose.project=$PROJECT" --filter "label=com.docker.compose.service=$1" | head -n1
}
BACKEND=$(docker network ls -q --filter "label=com.docker.compose.project=$PROJECT" --filter "label=com.docker.compose.network=backend" | head -n1)
[ -n "$BACKEND" ] || { echo "the stack's backend network does not exist: is hosts mode up?" >&2; exit 2; }
BACKEND_NAME=$(docker network inspect -f '{{.Name}}' "$BACKEND")
backend_ip() { docker inspect -f "{{(index .NetworkSettings.Networks \"$BACKEND_NAME\").IPAddress}}" "$(service_container "$1")"; }

# ---------------------------------------------------------------------------------------------------------------------
section "compose files"
if python3 -c 'import yaml' 2>/dev/null; then
  drift=$(python3 - docker-compose.yml docker-compose.hosts.yml <<'PY'
import sys, yaml
base = yaml.safe_load(open(sys.argv[1]))["services"]
hosts = yaml.safe_load(open(sys.argv[2]))["services"]
# What hosts mode sets on purpose: the instance's name, the sandbox hosts, the load balancer's addresses.
ADDED = {"PLAYGROUND_REPLICA", "PLAYGROUND_SANDBOX_HOSTS", "PLAYGROUND_SANDBOX_TLS_DIR", "GATEWAY_PREVIEW_TUNNEL_HOST"}
REROUTED = {"EXECUTOR_SERVICE_URL", "SESSION_SERVICE_URL", "TERMINAL_SERVICE_URL"}
for name, svc in base.items():
    for i in (1, 2):
        inst = hosts.get(f"{name}-{i}") if name.endswith("-service") else None
        if name.endswith("-service") and inst is None:
            print(f"{name}-{i} is missing from {sys.argv[2]}")
        if inst is None:
            continue
        env, ienv = svc.get("environment", {}), inst.get("environment", {})
        for k, v in env.items():
            if k not in ienv:
                print(f"{name}-{i} lacks {k}")
            elif ienv[k] != v and k not in REROUTED:
                print(f"{name}-{i}: {k}={ienv[k]!r}, but {v!r} in {sys.argv[1]}")
        for k in ienv:
            if k not in env and k not in ADDED:
                print(f"{name}-{i} has {k}, which {name} in {sys.argv[1]} has not")
        if inst.get("image") != svc.get("image"):
            print(f"{name}-{i} runs {inst.get('image')}, {name} runs {svc.get('image')}")
        for v in svc.get("volumes", []):
            # the single host's Docker socket is what hosts mode replaces (sandbox hosts over mutual TLS)
            if v.startswith("/var/run/docker.sock") and "PLAYGROUND_SANDBOX_HOSTS" in ienv:
                continue
            if v not in inst.get("volumes", []):
                print(f"{name}-{i} lacks the volume {v}")
PY
)
  if [ -z "$drift" ]; then pass "every instance in docker-compose.hosts.yml matches its service in docker-compose.yml"
  else fail "docker-compose.hosts.yml has drifted from docker-compose.yml:"; printf '          %s\n' "$drift"; fi
else
  echo "  skip  the compose files' comparison (python3 with PyYAML is not installed)"
fi

# ---------------------------------------------------------------------------------------------------------------------
section "engines over mutual TLS (from a container on the backend network)"
[ -r "$CLIENT/cert.pem" ] || { echo "no client certificate in $CLIENT" >&2; exit 2; }
foreign=$(mktemp -d)
trap 'rm -rf "$foreign"' EXIT
openssl req -x509 -new -nodes -newkey rsa:2048 -keyout "$foreign/ca-key.pem" -out "$foreign/ca.pem" -days 1 \
  -subj "/CN=Some other CA" 2>/dev/null
openssl req -new -nodes -newkey rsa:2048 -keyout "$foreign/key.pem" -subj "/CN=intruder" 2>/dev/null \
  | openssl x509 -req -CA "$foreign/ca.pem" -CAkey "$foreign/ca-key.pem" -set_serial 1 -days 1 -out "$foreign/cert.pem" 2>/dev/null
chown -R "$(stat -c %u "$CLIENT/key.pem")" "$foreign" && chmod 755 "$foreign"
# One line per node and attempt: NODE ATTEMPT EXIT-CODE LAST-LINE-OF-OUTPUT
probe=$(docker run --rm --network "$BACKEND" --user "$(stat -c %u "$CLIENT/key.pem")" -e DOCKER_CONFIG=/tmp/docker \
  -v "$CLIENT:/tls:ro" -v "$foreign:/foreign:ro" --entrypoint bash playground/sandbox-host:latest -c '
  attempt() { local node=$1 what=$2 out rc; shift 2
    out=$(timeout 10 "$@" 2>&1); rc=$?
    printf "%s %s %s %s\n" "$node" "$what" "$rc" "$(printf "%s" "$out" | tail -n1 | cut -c1-150)"; }
  for n in "$@"; do
    h=tcp://$n:2376
    attempt "$n" mtls docker --tlsverify --tlscacert /tls/ca.pem --tlscert /tls/cert.pem --tlskey /tls/key.pem -H "$h" \
      version --format "engine {{.Server.Version}}"
    attempt "$n" plain docker -H "$h" version
    attempt "$n" no-cert docker --tlsverify --tlscacert /tls/ca.pem -H "$h" version
    attempt "$n" foreign-cert docker --tlsverify --tlscacert /tls/ca.pem --tlscert /foreign/cert.pem --tlskey /foreign/key.pem -H "$h" version
    attempt "$n" port-2375 bash -c "exec 3<>/dev/tcp/$n/2375"
  done' probe "${nodes[@]}")
for n in "${nodes[@]}"; do
  while read -r node what rc msg; do
    [ "$node" = "$n" ] || continue
    case "$what" in
      mtls) if [ "$rc" = 0 ]; then pass "$n: answers with the client certificate ($msg)"; else fail "$n: no answer with the client certificate: $msg"; fi ;;
      *) if [ "$rc" != 0 ]; then pass "$n: refuses $what ($msg)"; else fail "$n: accepted $what: $msg"; fi ;;
    esac
  done <<<"$probe"
done

# ---------------------------------------------------------------------------------------------------------------------
section "images"
want=$(docker images --format '{{.Repository}}:{{.Tag}}' | grep -E '^playground/(runtime-[a-z0-9-]+|egress-proxy):' | sort -u \
       | while read -r img; do echo "$img $(docker image inspect -f '{{.Id}}' "$img")"; done)
for n in "${nodes[@]}"; do
  id=$(service_container "$n")
  have=$(docker exec "$id" docker images --no-trunc --format '{{.Repository}}:{{.Tag}} {{.ID}}')
  missing=$(grep -vxF -f <(printf '%s\n' "$have") <<<"$want" | awk '{print $1}' | paste -sd' ' -)
  if [ -z "$missing" ]; then pass "$n: all $(wc -l <<<"$want") images, same ids as this machine"
  else fail "$n: missing or different: $missing"; fi
done

# ---------------------------------------------------------------------------------------------------------------------
section "networks inside the nodes"
pg=$(backend_ip postgres); kafka=$(backend_ip kafka); lb=$(backend_ip lb)
engines=$(for n in "${nodes[@]}"; do printf '%s:2376 ' "$(backend_ip "$n")"; done)
connect_script='
  for t in "$@"; do
    if timeout 3 bash -c "exec 3<>/dev/tcp/${t%:*}/${t##*:}" 2>/dev/null; then echo "reached $t"; else echo "refused $t"; fi
  done'
proxy_script='
  for t in "$@"; do
    exec 3<>/dev/tcp/egress-proxy/3128 || { echo "$t no-proxy"; continue; }
    printf "CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n" "$t" "$t" >&3
    read -r _ code _ <&3; echo "$t $code"; exec 3>&-
  done'
for n in "${nodes[@]}"; do
  id=$(service_container "$n")
  inner() { docker exec "$id" docker "$@"; }
  expect "$n: playground-egress is internal, without an address of the engine on it" \
    test "$(inner network inspect -f '{{.Internal}} {{index .Options "com.docker.network.bridge.inhibit_ipv4"}}' playground-egress 2>&1)" = "true true"
  expect "$n: its egress proxy runs, allowing $EGRESS_ALLOW" \
    test "$(inner inspect -f '{{.State.Running}} {{index .Config.Labels "playground.egress-allow"}}' egress-proxy 2>&1)" = "true $EGRESS_ALLOW"

  answers=$(inner run --rm --network playground-egress --user 65534 --cap-drop ALL "$PROBE_IMAGE" bash -c "$proxy_script" probe \
            registry.npmjs.org:443 pypi.org:443 files.pythonhosted.org:443 example.com:443 registry.npmjs.org:22 "postgres:5432" "$pg:5432")
  code() { awk -v t="$1" '$1 == t {print $2}' <<<"$answers"; }
  expect "$n: through the proxy, registry.npmjs.org:443 is reached ($(code registry.npmjs.org:443))" test "$(code registry.npmjs.org:443)" = 200
  for t in pypi.org:443 files.pythonhosted.org:443; do
    case "$(code $t)" in
      200) pass "$n: through the proxy, $t is reached (200)" ;;
      # The proxy let it through; the name does not resolve or answer from this machine (no PyPI here).
      503|502) pass "$n: through the proxy, $t is allowed ($(code $t): not reachable from this machine itself)" ;;
      *) fail "$n: through the proxy, $t answered $(code $t)" ;;
    esac
  done
  for t in example.com:443 registry.npmjs.org:22 postgres:5432 "$pg:5432"; do
    expect "$n: through the proxy, $t is refused ($(code "$t"))" test "$(code "$t")" = 403
  done

  out=$(inner run --rm --network playground-egress "$PROBE_IMAGE" bash -c "$connect_script" probe \
        "$pg:5432" "$kafka:9092" "$lb:8080" postgres:5432 kafka:9092 registry.npmjs.org:443 1.1.1.1:443 $engines)
  leaks=$(grep '^reached' <<<"$out" | paste -sd' ' -)
  expect "$n: from the egress network, nothing but the proxy is reached (tried PostgreSQL, Kafka, the balancer, engines, the Internet)${leaks:+: $leaks}" \
    test -z "$leaks"

  # The proxy's own network inside the node has a way out: it must lead to the Internet only, never the machine's networks.
  out=$(inner run --rm --network playground-outbound "$PROBE_IMAGE" bash -c "$connect_script" probe \
        "$pg:5432" "$kafka:9092" "$lb:8080" $engines "$(inner network inspect -f '{{(index .IPAM.Config 0).Gateway}}' playground-outbound):2376" \
        registry.npmjs.org:443)
  leaks=$(grep '^reached' <<<"$out" | grep -v 'registry.npmjs.org' | paste -sd' ' -)
  expect "$n: from the proxy's outbound network, PostgreSQL, Kafka, the balancer and the engines are not reached${leaks:+: $leaks}" \
    test -z "$leaks"
  expect "$n: from the proxy's outbound network, the Internet is reached (registry.npmjs.org:443)" \
    grep -q '^reached registry.npmjs.org' <<<"$out"
  expect "$n: a sandbox without a network has only loopback" \
    test "$(inner run --rm --network none --read-only --cap-drop ALL --user 65534 "$PROBE_IMAGE" ls /sys/class/net 2>&1)" = lo
done

# ---------------------------------------------------------------------------------------------------------------------
section "load balancer"
lb_id=$(service_container lb)
stats() { # backend/instance status total-requests, per line
  docker exec "$lb_id" bash -c 'exec 3<>/dev/tcp/127.0.0.1/8404 && printf "GET /;csv HTTP/1.0\r\n\r\n" >&3 && cat <&3' 2>/dev/null \
    | awk -F, '$1 !~ /^#/ && $2 != "FRONTEND" && $2 != "BACKEND" && NF > 17 {print $1 "/" $2, $18, $8}'
}
wait_all_up() {
  local deadline=$((SECONDS + $1))
  until [ -n "$(stats)" ] && [ -z "$(stats | awk '$2 != "UP"')" ]; do [ $SECONDS -lt $deadline ] || return 1; sleep 2; done
}
expect "every instance is up behind the balancer ($(stats | wc -l) instances)" wait_all_up 120 \
  || stats | awk '$2 != "UP" {print "          " $1 " " $2}'
served() { # n: how many of n requests to the public port got 200
  local i ok=0
  for i in $(seq 1 "$1"); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:$PORT/api/v1/health")" = 200 ] && ok=$((ok + 1))
  done
  echo $ok
}
requests() { stats | awk -v s="gateways/$1" '$1 == s {print $3}'; }
before1=$(requests gateway-service-1); before2=$(requests gateway-service-2)
ok=$(served 20)
d1=$(( $(requests gateway-service-1) - before1 )); d2=$(( $(requests gateway-service-2) - before2 ))
expect "20 requests to :$PORT all served ($ok), spread over both gateways ($d1 and $d2)" \
  test "$ok" = 20 -a "$d1" -gt 0 -a "$d2" -gt 0

if [ -z "$quick" ]; then
  gw=$(service_container gateway-service-1)
  instance_status() { stats | awk -v s="gateways/$1" '$1 == s {print $2}'; }
  wait_instance() { # instance status seconds
    local deadline=$((SECONDS + $3))
    until [ "$(instance_status "$1")" = "$2" ]; do [ $SECONDS -lt $deadline ] || return 1; sleep 1; done
  }
  docker stop -t 5 "$gw" >/dev/null
  # Before the balancer has noticed (a failed connection is tried again on the other gateway), then after.
  ok=$(served 20)
  expect "with gateway-service-1 just stopped, 20 requests all served ($ok)" test "$ok" = 20
  expect "the balancer takes gateway-service-1 out" wait_instance gateway-service-1 DOWN 20
  ok=$(served 20)
  expect "with gateway-service-1 out, 20 requests all served ($ok)" test "$ok" = 20
  docker start "$gw" >/dev/null
  expect "gateway-service-1 back behind the balancer once ready" wait_instance gateway-service-1 UP 180

  section "a node restarted"
  n=${nodes[0]}; id=$(service_container "$n")
  inner() { docker exec "$id" docker "$@"; }
  inner volume create playground-check-restart >/dev/null \
    && inner run --rm -v playground-check-restart:/w "$PROBE_IMAGE" sh -c 'echo kept > /w/proof' >/dev/null
  start=$SECONDS
  docker restart -t 30 "$id" >/dev/null
  until docker exec "$id" docker info >/dev/null 2>&1; do [ $((SECONDS - start)) -lt 90 ] || break; sleep 1; done
  expect "$n: its engine answers again after a restart ($((SECONDS - start)) s)" docker exec "$id" docker info
  expect "$n: a volume made before the restart is still there, with its files" \
    test "$(inner run --rm -v playground-check-restart:/w "$PROBE_IMAGE" cat /w/proof 2>&1)" = kept
  inner volume rm playground-check-restart >/dev/null 2>&1
  until [ "$(inner inspect -f '{{.State.Running}}' egress-proxy 2>/dev/null)" = true ]; do [ $((SECONDS - start)) -lt 90 ] || break; sleep 1; done
  expect "$n: its egress proxy runs again" test "$(inner inspect -f '{{.State.Running}}' egress-proxy 2>&1)" = true
  expect "$n: its isolation rules are in place again" docker exec "$id" iptables -C DOCKER-USER -j PLAYGROUND-ISOLATION
fi

echo
if [ "$failures" -eq 0 ]; then echo "hosts mode: every check passed"; else echo "hosts mode: $failures check(s) failed"; fi
[ "$failures" -eq 0 ]
