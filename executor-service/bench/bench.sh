#!/usr/bin/env bash
# Hello-world latency (p50/p99) of a synchronous run per language, next to the raw cost of `docker run --rm` of the
# same image doing the same work, measured in the same run; then throughput at concurrency 1, 4 and 16; then how long
# a cancel takes to end a running program.
#
#   executor-service/bench/bench.sh [runs-per-language (default 30)] [throughput-seconds (default 20)]
#
# Starts the packaged executor (./mvnw -f executor-service/pom.xml package -DskipTests first) on port 18099 with its
# own instance label, against the Kafka broker at $KAFKA_BOOTSTRAP_SERVERS (default: the shared test broker,
# localhost:19092), and stops it at the end. Needs python3 on the host.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-30}
SECONDS_TP=${2:-20}
PORT=${BENCH_PORT:-18099}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
[ -f target/quarkus-app/quarkus-run.jar ] || { echo "package first: ./mvnw -f executor-service/pom.xml package -DskipTests" >&2; exit 1; }

export PORT KAFKA_BOOTSTRAP_SERVERS=${KAFKA_BOOTSTRAP_SERVERS:-localhost:19092} PLAYGROUND_INSTANCE=bench-$$
export PLAYGROUND_EXECUTOR_MAX_PARALLEL=${PLAYGROUND_EXECUTOR_MAX_PARALLEL:-4} PLAYGROUND_EXECUTOR_QUEUE_CAPACITY=64
"$JAVA" -jar target/quarkus-app/quarkus-run.jar >/tmp/executor-bench.log 2>&1 &
SERVICE=$!
trap 'kill $SERVICE 2>/dev/null; wait $SERVICE 2>/dev/null || true' EXIT
for _ in $(seq 120); do curl -sf "http://localhost:$PORT/q/health/ready" >/dev/null && break; sleep 1; done
curl -sf "http://localhost:$PORT/q/health/ready" >/dev/null || { echo "executor did not become ready; see /tmp/executor-bench.log" >&2; exit 1; }

python3 - "$PORT" "$RUNS" "$SECONDS_TP" <<'PY'
import concurrent.futures, json, statistics, subprocess, sys, time, urllib.request

port, runs, tp_seconds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
URL = f"http://localhost:{port}/api/v1/executions?wait=true"
C_SRC = '#include <stdio.h>\nint main(){puts("hello");return 0;}\n'
CASES = {
    # language: (request code, image, raw docker run argv doing the same work)
    "python": ('print("hello")', "python", ["python3", "-c", 'print("hello")']),
    "c": (C_SRC, "gcc", ["sh", "-c", "printf '%s' \"$0\" > /tmp/m.c && gcc -O2 -o /tmp/m /tmp/m.c && /tmp/m", C_SRC]),
    "javascript": ('console.log("hello")', "node", ["node", "-e", 'console.log("hello")']),
    "java": ('public class Main { public static void main(String[] a) { System.out.println("hello"); } }', "java",
             ["sh", "-c", "printf '%s' \"$0\" > /tmp/Main.java && javac -d /tmp /tmp/Main.java && java -cp /tmp Main",
              'public class Main { public static void main(String[] a) { System.out.println("hello"); } }']),
}

def run_service(lang):
    body = json.dumps({"language": lang, "code": CASES[lang][0]}).encode()
    req = urllib.request.Request(URL, body, {"Content-Type": "application/json", "X-Playground-Principal": "bench"})
    t = time.perf_counter()
    with urllib.request.urlopen(req, timeout=120) as r:
        res = json.load(r)
    dt = time.perf_counter() - t
    if res.get("verdict") != "OK":
        raise SystemExit(f"{lang}: {res}")
    return dt

def run_raw(lang):
    argv = ["docker", "run", "--rm", "--network", "none", "--read-only", "--tmpfs", "/tmp:exec",
            f"playground/runtime-{CASES[lang][1]}:latest"] + CASES[lang][2]
    t = time.perf_counter()
    out = subprocess.run(argv, capture_output=True)
    dt = time.perf_counter() - t
    if out.returncode != 0 or b"hello" not in out.stdout:
        raise SystemExit(f"raw {lang}: {out}")
    return dt

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] * 1000

print(f"## Latency, sync hello world, {runs} runs each, interleaved (ms)")
print("| language | executor p50 | executor p99 | raw docker run p50 | raw p99 | ratio p50 |")
print("|---|---|---|---|---|---|")
for lang in CASES:
    run_service(lang); run_raw(lang)  # warm page cache and JIT
    svc, raw = [], []
    for _ in range(runs):
        svc.append(run_service(lang))
        raw.append(run_raw(lang))
    print(f"| {lang} | {pct(svc,50):.0f} | {pct(svc,99):.0f} | {pct(raw,50):.0f} | {pct(raw,99):.0f} | {pct(svc,50)/pct(raw,50):.2f} |")

print(f"\n## Throughput, python hello world, {tp_seconds} s per level")
print("| concurrency | runs/s | p50 ms | p99 ms |")
print("|---|---|---|---|")
for conc in (1, 4, 16):
    lat = []
    end = time.perf_counter() + tp_seconds
    def worker():
        while time.perf_counter() < end:
            lat.append(run_service("python"))
    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(conc) as ex:
        for f in [ex.submit(worker) for _ in range(conc)]:
            f.result()
    elapsed = time.perf_counter() - t0
    print(f"| {conc} | {len(lat)/elapsed:.2f} | {pct(lat,50):.0f} | {pct(lat,99):.0f} |")

CANCEL_RUNS = max(5, runs // 3)
print(f"\n## Cancel, {CANCEL_RUNS} runs: from the cancel request to the run being COMPLETED (CANCELLED) (ms)")
print("| p50 | p99 | max |")
print("|---|---|---|")
BASE = f"http://localhost:{port}/api/v1/executions"
HDR = {"Content-Type": "application/json", "X-Playground-Principal": "bench"}
def call(method, url, body=None):
    req = urllib.request.Request(url, None if body is None else json.dumps(body).encode(), HDR, method=method)
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r) if r.status != 204 else None
cancels = []
for _ in range(CANCEL_RUNS):
    ex = call("POST", BASE, {"language": "python", "code": "import time\nprint('up', flush=True)\ntime.sleep(1000)",
                             "limits": {"wallTimeMs": 30000}})
    while call("GET", f"{BASE}/{ex['id']}")["status"] != "RUNNING":
        time.sleep(0.02)
    time.sleep(0.2)  # the program is past its start-up, sleeping
    t = time.perf_counter()
    call("POST", f"{BASE}/{ex['id']}/cancel")
    while (res := call("GET", f"{BASE}/{ex['id']}"))["status"] != "COMPLETED":
        time.sleep(0.01)
    cancels.append(time.perf_counter() - t)
    if res["verdict"] != "CANCELLED":
        raise SystemExit(f"cancel: {res}")
print(f"| {pct(cancels,50):.0f} | {pct(cancels,99):.0f} | {max(cancels)*1000:.0f} |")
PY
sleep 3  # a sandbox is removed right after its answer; let the last removals land
left=$(docker ps -aq --filter "label=playground.instance=$PLAYGROUND_INSTANCE" | wc -l)
echo; echo "sandboxes left behind: $left"
