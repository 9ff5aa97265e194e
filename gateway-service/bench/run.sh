#!/usr/bin/env bash
# Added latency and throughput of the gateway: the same small GET, through the gateway and straight to the
# stand-in backend, in one run. Needs wrk (apt-get install wrk), node, and a packaged gateway
# (./mvnw -pl gateway-service package -DskipTests). Usage: gateway-service/bench/run.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-20}
warmup=${WARMUP:-60}
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
key=bench-key
backend_pid= gateway_pid=
cleanup() { for p in $gateway_pid $backend_pid; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

PORT=18081 node backend.js & backend_pid=$!
EXECUTOR_SERVICE_URL=http://127.0.0.1:18081 SESSION_SERVICE_URL=http://127.0.0.1:18081 \
TERMINAL_SERVICE_URL=http://127.0.0.1:18081 PORT=18080 \
GATEWAY_API_KEYS="bench:$(printf '%s' "$key" | sha256sum | awk '{print $1}')" \
GATEWAY_RATE_GENERAL=1000000000 \
  "$java" ${GATEWAY_BENCH_JAVA_OPTS:-} -Xmx256m -jar ../target/quarkus-app/quarkus-run.jar >/tmp/gateway-bench.log 2>&1 & gateway_pid=$!
for _ in $(seq 60); do curl -fsS -o /dev/null http://127.0.0.1:18080/q/health/live 2>/dev/null && break; sleep 0.5; done

auth=(-H "Authorization: Bearer $key")
gw=http://127.0.0.1:18080/api/v1/runtimes
direct=http://127.0.0.1:18081/api/v1/runtimes
echo "== warm-up (JIT), ${warmup}s; load: $(cut -d" " -f1-3 /proc/loadavg) =="
wrk -t2 -c16 -d${warmup}s "${auth[@]}" "$gw" | grep "Requests/sec"
for c in 1 16; do
  echo "== $c connection(s), ${secs}s: direct to the backend =="
  wrk -t1 -c$c -d${secs}s --latency "${auth[@]}" "$direct" | grep -E '^\s+(50|90|99)%|Requests/sec'
  echo "== $c connection(s), ${secs}s: through the gateway =="
  wrk -t1 -c$c -d${secs}s --latency "${auth[@]}" "$gw" | grep -E '^\s+(50|90|99)%|Requests/sec|Non-2xx'
done
echo "== load after: $(cut -d" " -f1-3 /proc/loadavg) (2 cores) =="
