package dev.playground.e2e.bench;

import static dev.playground.e2e.Gateway.obj;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playground.e2e.Gateway;
import dev.playground.e2e.HelloWorlds;
import dev.playground.e2e.Host;
import dev.playground.e2e.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The system's benchmark, through the gateway of the running stack (./playground bench): hello-world latency per
 * language next to raw `docker run --rm` of the same image in the same run, throughput at concurrency 1/4/16,
 * session create latency, terminal keystroke echo latency, and each service's memory at rest and under load.
 * Writes a markdown report (argument 1, default docs/BENCHMARKS.md).
 */
public final class Benchmark {

    static final int SAMPLES = Integer.getInteger("bench.samples", 30);
    /**
     * Think time between two latency samples, ours and raw alike: a person presses Run, reads, presses it again. Runs
     * back to back are the throughput section's (and one python row here).
     */
    static final long PAUSE_MS = Long.getLong("bench.pause-ms", 500);
    static final Map<String, String> IMAGE = Map.ofEntries(Map.entry("python", "playground/runtime-python:latest"),
            Map.entry("javascript", "playground/runtime-node:latest"), Map.entry("typescript", "playground/runtime-node:latest"),
            Map.entry("java", "playground/runtime-java:latest"), Map.entry("c", "playground/runtime-gcc:latest"),
            Map.entry("cpp", "playground/runtime-gcc:latest"), Map.entry("go", "playground/runtime-go:latest"),
            Map.entry("rust", "playground/runtime-rust:latest"), Map.entry("ruby", "playground/runtime-ruby:latest"),
            Map.entry("php", "playground/runtime-php:latest"), Map.entry("lua", "playground/runtime-lua:latest"),
            Map.entry("bash", "playground/runtime-python:latest"));
    /** The same work in one plain container: what a hand-rolled `docker run` playground would do. */
    static final Map<String, String> RAW = Map.ofEntries(
            Map.entry("python", "python3 -c \"print('Hello, World!')\""),
            Map.entry("javascript", "node -e \"console.log('Hello, World!')\""),
            Map.entry("c", "printf '#include <stdio.h>\\nint main(void){puts(\"Hello, World!\");return 0;}' > /tmp/m.c && gcc -o /tmp/m /tmp/m.c && /tmp/m"),
            Map.entry("cpp", "printf '#include <iostream>\\nint main(){std::cout<<\"Hello, World!\"<<std::endl;}' > /tmp/m.cpp && g++ -o /tmp/m /tmp/m.cpp && /tmp/m"),
            Map.entry("java", "mkdir -p /tmp/j && printf 'public class Main{public static void main(String[] a){System.out.println(\"Hello, World!\");}}' > /tmp/j/Main.java && javac -d /tmp/j /tmp/j/Main.java && java -cp /tmp/j Main"),
            Map.entry("go", "printf 'package main\nimport \"fmt\"\nfunc main(){fmt.Println(\"Hello, World!\")}\n' > /tmp/m.go && go build -o /tmp/m /tmp/m.go && /tmp/m"),
            Map.entry("rust", "printf 'fn main(){println!(\"Hello, World!\");}' > /tmp/m.rs && rustc -O -o /tmp/m /tmp/m.rs && /tmp/m"),
            Map.entry("ruby", "ruby -e \"puts 'Hello, World!'\""),
            Map.entry("php", "php -r \"echo 'Hello, World!', PHP_EOL;\""),
            Map.entry("lua", "lua5.4 -e \"print('Hello, World!')\""),
            Map.entry("bash", "bash -c \"echo 'Hello, World!'\""));
    static final String READING_BEGIN = "<!-- reading: written by people, kept by ./playground bench -->";
    static final String READING_END = "<!-- end of reading -->";
    static final List<String> SERVICES = List.of("gateway-service", "executor-service", "session-service", "terminal-service",
            "kafka", "postgres");

    final Gateway gw = Gateway.as(System.getProperty("bench.principal", "dev"));
    final StringBuilder report = new StringBuilder();

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/BENCHMARKS.md");
        String only = System.getProperty("bench.only", "");
        if (!only.isBlank()) {
            // One section, printed, for trying a change (e.g. -Dbench.only=terminal); the report is not written.
            Benchmark b = new Benchmark();
            switch (only) {
                case "latency" -> b.latencyPerLanguage();
                case "throughput" -> b.throughput();
                case "session" -> b.sessionCreate();
                case "terminal" -> b.terminalEcho();
                case "profile" -> b.profile();
                default -> throw new IllegalArgumentException("bench.only: latency, throughput, session, terminal, profile");
            }
            System.out.println(b.report);
            return;
        }
        new Benchmark().run(out);
    }

    void run(Path out) throws Exception {
        line("# Benchmarks");
        line("");
        line("Measured by `./playground bench` on " + Instant.now().toString().substring(0, 10)
                + " through the gateway of the local stack (" + Runtime.getRuntime().availableProcessors()
                + " cores); " + SAMPLES + " samples per figure after 3 warm-up runs (and, before the first figure, 5 unmeasured"
                + " runs of every language). p99 of " + SAMPLES
                + " samples is close to the maximum.");
        line("");
        Map<String, String> atRest = memory();
        warmUp();
        Map<String, Double> metricsBefore = executorMetrics();
        latencyPerLanguage();
        Map<String, Double> metricsAfter = executorMetrics();
        Map<String, String> underLoad = throughput();
        sessionCreate();
        terminalEcho();
        line("## Memory (RSS as `docker stats` reports it)");
        line("");
        line("| container | at rest | under load (concurrency 16) |");
        line("|---|---|---|");
        for (String s : SERVICES) {
            line("| " + s + " | " + atRest.get(s) + " | " + underLoad.getOrDefault(s, "?") + " |");
        }
        line("");
        warmPool(metricsBefore, metricsAfter);
        profile();
        Files.createDirectories(out.toAbsolutePath().getParent());
        // Kept as they were: the reading of these figures (written by people), and the sandbox hosts and runtime
        // sections (HostsBenchmark's and RuntimeBenchmark's, written per stack).
        String before = Files.exists(out) ? Files.readString(out) : "";
        for (String[] kept : new String[][] {{READING_BEGIN, READING_END}, {HostsBenchmark.BEGIN, HostsBenchmark.END},
                {RuntimeBenchmark.BEGIN, RuntimeBenchmark.END}}) {
            int b = before.indexOf(kept[0]);
            int e = before.indexOf(kept[1]);
            if (b >= 0 && e > b) {
                report.append('\n').append(before, b, e + kept[1].length()).append('\n');
            }
        }
        Files.writeString(out, report.toString());
        System.out.println(report);
        System.out.println("written to " + out);
    }

    /**
     * A service that `./playground bench` just (re)started runs its first requests through code not yet compiled and
     * connections not yet opened: a few runs of every language, unmeasured, so the figures are those of a running
     * service (the per-figure warm-up runs then only warm each language's pool).
     */
    void warmUp() throws Exception {
        for (JsonNode rt : gw.get("/api/v1/runtimes").json()) {
            String code = HelloWorlds.CODE.get(rt.get("language").asText());
            for (int i = 0; code != null && i < 5; i++) {
                gw.run(obj("language", rt.get("language").asText(), "code", code));
            }
        }
    }

    void latencyPerLanguage() throws Exception {
        line("## Hello-world latency (sync run, wait=true), next to raw `docker run --rm` of the same image");
        line("");
        line("One run at a time with " + PAUSE_MS + " ms between two (for both columns), as a person at a Run button; "
                + "the last row is python back to back.");
        line("");
        line("| language | through the gateway p50 / p99 (ms) | raw docker run p50 / p99 (ms) | ratio p50 / p99 |");
        line("|---|---|---|---|");
        for (JsonNode rt : gw.get("/api/v1/runtimes").json()) {
            String lang = rt.get("language").asText();
            String code = HelloWorlds.CODE.get(lang);
            if (code == null) {
                continue;
            }
            Action run = () -> {
                JsonNode r = gw.run(obj("language", lang, "code", code));
                if (!"OK".equals(r.path("verdict").asText())) {
                    throw new IllegalStateException(lang + ": " + r);
                }
            };
            long[] through = sample(run, SAMPLES, PAUSE_MS);
            String raw = RAW.get(lang);
            String rawCell = "n/a";
            String ratio = "n/a";
            if (raw != null) {
                Action rawRun = () -> Host.docker("run", "--rm", "--network", "none", "--user", "1000",
                        IMAGE.get(lang), "sh", "-c", raw);
                long[] direct = sample(rawRun, SAMPLES, PAUSE_MS);
                rawCell = pct(direct, 50) + " / " + pct(direct, 99);
                if (lang.equals("python")) {
                    pythonRaw = direct;
                    pythonThrough = through;
                    long[] b2b = sample(run, SAMPLES, 0);
                    long[] rawB2b = sample(rawRun, SAMPLES, 0);
                    pythonBackToBack = "| python, back to back | " + pct(b2b, 50) + " / " + pct(b2b, 99) + " | "
                            + pct(rawB2b, 50) + " / " + pct(rawB2b, 99) + " | " + String.format("%.2fx / %.2fx",
                                    (double) pct(b2b, 50) / pct(rawB2b, 50), (double) pct(b2b, 99) / pct(rawB2b, 99)) + " |";
                }
                ratio = String.format("%.2fx / %.2fx", (double) pct(through, 50) / pct(direct, 50),
                        (double) pct(through, 99) / pct(direct, 99));
            }
            line("| " + lang + " | " + pct(through, 50) + " / " + pct(through, 99) + " | " + rawCell + " | " + ratio + " |");

        }
        if (pythonBackToBack != null) {
            line(pythonBackToBack);
        }
        line("");
        execFloor();
    }

    private String pythonBackToBack;
    private long[] pythonRaw;
    private long[] pythonThrough;

    /** The floor for container isolation: `docker exec` of the same hello world into a container already running. */
    void execFloor() throws Exception {
        if (pythonRaw == null) {
            return;
        }
        String c = Host.docker("run", "-d", "--rm", "--network", "none", "--user", "1000",
                IMAGE.get("python"), "sleep", "600").strip();
        try {
            long[] exec = sample(() -> Host.docker("exec", c, "sh", "-c", RAW.get("python")), SAMPLES, PAUSE_MS);
            line(String.format("The floor, `docker exec` of the python hello world into a running container: p50 %d ms, "
                    + "p99 %d ms, %.2fx of raw `docker run` (p50); the gateway's python run is %.2fx of that floor.",
                    pct(exec, 50), pct(exec, 99), (double) pct(exec, 50) / pct(pythonRaw, 50),
                    (double) pct(pythonThrough, 50) / pct(exec, 50)));
            line("");
        } finally {
            Host.docker("rm", "-f", c);
        }
    }

    Map<String, String> throughput() throws Exception {
        line("## Throughput (python hello world, sync runs)");
        line("");
        line("| concurrency | through the gateway runs/s | p50 latency (ms) | raw `docker run --rm` runs/s | ratio |");
        line("|---|---|---|---|---|");
        Map<String, String> underLoad = new LinkedHashMap<>();
        Map<String, Double> oursCpu = Map.of();
        Map<String, Double> rawCpu = Map.of();
        for (int c : new int[] {1, 4, 16}) {
            int total = Math.max(20, c * 6);
            ExecutorService pool = Executors.newFixedThreadPool(c);
            List<Future<Long>> futures = new ArrayList<>();
            CpuShares cpu = c == 16 ? CpuShares.start(SERVICES) : null;
            AtomicLong lastEnd = new AtomicLong();
            long start = System.nanoTime();
            // Four keys share the load: one key's fair share of an executor is 2 running and 8 waiting.
            List<Gateway> keys = List.of(gw, Gateway.as("e2e-alice"), Gateway.as("e2e-bob"), Gateway.as("e2e-flood"));
            for (int i = 0; i < total; i++) {
                Gateway who = keys.get(i % keys.size());
                futures.add(pool.submit(() -> {
                    long t = System.nanoTime();
                    JsonNode r = who.run(obj("language", "python", "code", HelloWorlds.CODE.get("python")));
                    if (!"OK".equals(r.path("verdict").asText())) {
                        throw new IllegalStateException(r.toString());
                    }
                    long end = System.nanoTime();
                    lastEnd.accumulateAndGet(end, Math::max);
                    return (end - t) / 1_000_000;
                }));
            }
            // Memory under load: sampled beside the c16 burst, whose end is its last run, not when the sample is done.
            Thread sampler = c != 16 ? null : Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(3000);
                } catch (InterruptedException e) {
                    return;
                }
                underLoad.putAll(memory());
            });
            long[] lat = new long[total];
            for (int i = 0; i < total; i++) {
                lat[i] = futures.get(i).get(5, TimeUnit.MINUTES);
            }
            double secs = (lastEnd.get() - start) / 1e9;
            if (cpu != null) {
                oursCpu = cpu.perRun(total);
            }
            if (sampler != null) {
                sampler.join();
            }
            pool.shutdown();
            Arrays.sort(lat);
            CpuShares rawShares = c == 16 ? CpuShares.start(SERVICES) : null;
            double raw = rawThroughput(c, total);
            if (rawShares != null) {
                rawCpu = rawShares.perRun(total);
            }
            line("| " + c + " | " + String.format("%.1f", total / secs) + " | " + pct(lat, 50) + " | "
                    + String.format("%.1f", raw) + " | " + String.format("%.2fx", total / secs / raw) + " |");
        }
        line("");
        cpuPerRun(oursCpu, rawCpu);
        return underLoad;
    }

    /**
     * CPU per run at concurrency 16, ours next to raw, by who spends it: on a machine whose cores are all busy, runs/s
     * is cores / CPU per run, so this says what the throughput ratio can become and which part bounds it.
     */
    void cpuPerRun(Map<String, Double> ours, Map<String, Double> raw) {
        int cores = Runtime.getRuntime().availableProcessors();
        line("CPU per run at concurrency 16, from the kernel's accounting (/proc), by who spends it (ms):");
        line("");
        line("| who | through the gateway | raw `docker run --rm` |");
        line("|---|---|---|");
        double oursTotal = 0;
        double rawTotal = 0;
        for (String group : CpuShares.GROUPS) {
            double o = ours.getOrDefault(group, 0.0);
            double r = raw.getOrDefault(group, 0.0);
            oursTotal += o;
            rawTotal += r;
            line(String.format("| %s | %.0f | %.0f |", group, o, r));
        }
        line(String.format("| total | %.0f | %.0f |", oursTotal, rawTotal));
        line(String.format("| runs/s %d cores allow (cores x 1000 / total) | %.1f | %.1f |", cores,
                cores * 1000 / Math.max(1, oursTotal), cores * 1000 / Math.max(1, rawTotal)));
        line("");
    }

    /** Runs/s of the same python hello world as {@code c} concurrent raw `docker run --rm`, {@code total} in all. */
    double rawThroughput(int c, int total) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(c);
        List<Future<String>> runs = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            runs.add(pool.submit(() -> Host.docker("run", "--rm", "--network", "none", "--user", "1000",
                    IMAGE.get("python"), "sh", "-c", RAW.get("python"))));
        }
        for (Future<String> r : runs) {
            r.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
        return total / ((System.nanoTime() - start) / 1e9);
    }

    /** The executor's Prometheus metrics (counters and timer sums), read inside its container. */
    Map<String, Double> executorMetrics() {
        return Host.playgroundMetrics("executor-service");
    }

    /** Warm pool: hits and misses, where a run's milliseconds go (engine calls vs inside the sandbox), idle cost. */
    void warmPool(Map<String, Double> before, Map<String, Double> after) {
        line("## Warm sandboxes");
        line("");
        double hits = sum(after, "playground_pool_hits_total") - sum(before, "playground_pool_hits_total");
        double misses = sum(after, "playground_pool_misses_total") - sum(before, "playground_pool_misses_total");
        line(String.format("During the latency runs above: %.0f runs took a warm sandbox, %.0f started cold.", hits, misses));
        line("");
        line("Where a python hello world's time goes, as the executor measures it (timer `playground.sandbox.phase`, mean "
                + "over the python latency runs): engine calls (claim = rename and, if the limits differ, update; "
                + "create/start/attach/remove, the last after the answer) next to the time inside the sandbox (setup "
                + "frames, syntax check and run steps, report).");
        line("");
        line("| phase | warm: runs, mean ms | cold: runs, mean ms |");
        line("|---|---|---|");
        for (String phase : List.of("claim", "create", "attach", "start", "sandbox", "remove")) {
            line("| " + phase + " | " + phaseCell(before, after, phase, "warm") + " | " + phaseCell(before, after, phase, "cold")
                    + " |");
        }
        line("");
        line("Idle cost of one warm sandbox per runtime image (RSS as `docker stats` reports it; the supervisor waiting "
                + "on stdin):");
        line("");
        line("| image | idle warm sandbox |");
        line("|---|---|");
        String list = Host.docker("ps", "--filter", "label=playground.kind=pool", "--format",
                "{{.ID}} {{.Label \"playground.pool.image\"}}");
        Map<String, String> byImage = new java.util.TreeMap<>();
        for (String l : list.split("\n")) {
            String[] p = l.strip().split(" ", 2);
            if (p.length == 2 && !byImage.containsKey(p[1])) {
                byImage.put(p[1], Host.docker("stats", "--no-stream", "--format", "{{.MemUsage}}", p[0]).split(" / ")[0].strip());
            }
        }
        byImage.forEach((image, mem) -> line("| " + image + " | " + mem + " |"));
        line("");
    }

    private static double sum(Map<String, Double> m, String prefix) {
        return m.entrySet().stream().filter(e -> e.getKey().startsWith(prefix + "{") || e.getKey().equals(prefix))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    private static String phaseCell(Map<String, Double> before, Map<String, Double> after, String phase, String kind) {
        String tags = "{image=\"" + IMAGE.get("python") + "\",phase=\"" + phase + "\",sandbox=\"" + kind + "\"}";
        double n = after.getOrDefault("playground_sandbox_phase_seconds_count" + tags, 0.0)
                - before.getOrDefault("playground_sandbox_phase_seconds_count" + tags, 0.0);
        double secs = after.getOrDefault("playground_sandbox_phase_seconds_sum" + tags, 0.0)
                - before.getOrDefault("playground_sandbox_phase_seconds_sum" + tags, 0.0);
        return n < 1 ? "-" : String.format("%.0f, %.1f", n, secs * 1000 / n);
    }

    /**
     * Flight recordings (JFR, profile settings) of the executor and the gateway while they serve python hello worlds
     * back to back: where their CPU goes, by the code that spends it (a JDK frame counts for its nearest caller).
     */
    void profile() throws Exception {
        int runs = 60;
        List<String> services = List.of("executor-service", "gateway-service");
        Map<String, String> pids = new LinkedHashMap<>();
        for (String s : services) {
            String c = Host.stackContainer(s);
            Host.docker("exec", c, "mkdir", "-p", "/tmp/jfr/dev/playground/e2e/bench");
            Path cls = Files.createTempFile("JfrControl", ".class");
            try (var in = JfrControl.class.getResourceAsStream("JfrControl.class")) {
                Files.copy(in, cls, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Host.docker("cp", cls.toString(), c + ":/tmp/jfr/dev/playground/e2e/bench/JfrControl.class");
            pids.put(s, Host.docker("exec", c, "sh", "-c", "for p in /proc/[0-9]*; do case \"$(readlink $p/exe)\" in "
                    + "*/java) basename $p;; esac; done").strip().split("\\s+")[0]);
            jfr(s, pids.get(s), "jfrStart", "name=bench", "settings=profile");
        }
        long t = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            gw.run(obj("language", "python", "code", HelloWorlds.CODE.get("python")));
        }
        double secs = (System.nanoTime() - t) / 1e9;
        line("## Profile of the hot path (JFR)");
        line("");
        line(String.format("CPU samples (`jdk.ExecutionSample`, JFR's `profile` settings) of the executor and the gateway "
                + "during %d python hello worlds back to back (%.1f s), by the code that spends them; time spent waiting "
                + "for the engine is the phase table's above.", runs, secs));
        line("");
        line("| service | code | samples | share |");
        line("|---|---|---|---|");
        for (String s : services) {
            String c = Host.stackContainer(s);
            jfr(s, pids.get(s), "jfrDump", "name=bench", "filename=/tmp/jfr/bench.jfr");
            jfr(s, pids.get(s), "jfrStop", "name=bench");
            Path rec = Files.createTempFile(s, ".jfr");
            Host.docker("cp", c + ":/tmp/jfr/bench.jfr", rec.toString());
            Map<String, Integer> buckets = new LinkedHashMap<>();
            int total = 0;
            for (jdk.jfr.consumer.RecordedEvent e : jdk.jfr.consumer.RecordingFile.readAllEvents(rec)) {
                if (e.getEventType().getName().equals("jdk.ExecutionSample") && e.getStackTrace() != null) {
                    total++;
                    buckets.merge(bucket(e.getStackTrace()), 1, Integer::sum);
                }
            }
            Files.deleteIfExists(rec);
            int all = total;
            buckets.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .forEach(b -> line(String.format("| %s | %s | %d | %.0f%% |", s, b.getKey(), b.getValue(),
                            100.0 * b.getValue() / all)));
        }
        line("");
    }

    private static void jfr(String service, String pid, String... command) {
        List<String> args = new ArrayList<>(List.of("exec", Host.stackContainer(service), "java", "-cp", "/tmp/jfr",
                "dev.playground.e2e.bench.JfrControl", pid));
        args.addAll(List.of(command));
        Host.docker(args.toArray(String[]::new));
    }

    /** Who spends a CPU sample: the first frame from the top outside the JDK, by library. */
    static String bucket(jdk.jfr.consumer.RecordedStackTrace stack) {
        for (jdk.jfr.consumer.RecordedFrame f : stack.getFrames()) {
            if (f.getMethod() == null || f.getMethod().getType() == null) {
                continue;
            }
            String type = f.getMethod().getType().getName();
            if (type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.") || type.startsWith("javax.")
                    || type.startsWith("com.sun.")) {
                continue;
            }
            if (type.startsWith("dev.playground.")) {
                return "ours (dev.playground)";
            }
            if (type.startsWith("com.github.dockerjava.") || type.startsWith("org.apache.hc.")) {
                return "Docker client (docker-java, HttpClient 5)";
            }
            if (type.startsWith("com.fasterxml.jackson.")) {
                return "JSON (Jackson)";
            }
            if (type.startsWith("org.apache.kafka.")) {
                return "Kafka client";
            }
            if (type.startsWith("io.netty.") || type.startsWith("io.vertx.")) {
                return "Vert.x and Netty (HTTP, WebSocket)";
            }
            if (type.startsWith("io.quarkus.") || type.startsWith("org.jboss.resteasy.") || type.startsWith("io.smallrye.")) {
                return "Quarkus (REST, messaging, fault tolerance)";
            }
            if (type.startsWith("org.jboss.log")) {
                return "logging";
            }
            if (type.startsWith("io.micrometer.")) {
                return "metrics (Micrometer)";
            }
            return "other: " + type.substring(0, Math.max(0, type.lastIndexOf('.')));
        }
        return "JDK only (threads of the JVM and the JDK's own)";
    }

    void sessionCreate() throws Exception {
        line("## Session create latency (POST until RUNNING, python template)");
        line("");
        line("One at a time, " + PAUSE_MS + " ms apart, each deleted once timed. With the default limits a new session takes a"
                + " pooled one (its container runs already); with other limits (memoryMb 384) it starts its own container.");
        line("");
        line("| session | p50 (ms) | p99 (ms) | sessions |");
        line("|---|---|---|---|");
        long[] pooled = sessionCreates(obj("template", "python"));
        long[] cold = sessionCreates(obj("template", "python", "limits", obj("memoryMb", 384)));
        line("| default limits (from the pool) | " + pct(pooled, 50) + " | " + pct(pooled, 99) + " | " + pooled.length + " |");
        line("| other limits (container created and started) | " + pct(cold, 50) + " | " + pct(cold, 99) + " | "
                + cold.length + " |");
        line("");
        line(String.format("From the pool: %.2fx of a session that starts its own container (p50).",
                (double) pct(pooled, 50) / pct(cold, 50)));
        line("");
    }

    private long[] sessionCreates(ObjectNode body) throws Exception {
        int n = Math.min(SAMPLES, 15);
        long[] lat = new long[n];
        for (int i = -1; i < n; i++) { // one warm-up; each session is deleted once timed (owners have a live-session cap)
            Thread.sleep(PAUSE_MS);
            long t = System.nanoTime();
            JsonNode s = gw.createSession(body);
            String id = s.get("id").asText();
            while (!"RUNNING".equals(s.path("state").asText())) {
                Thread.sleep(20);
                s = gw.get("/api/v1/sessions/" + id).json();
            }
            if (i >= 0) {
                lat[i] = (System.nanoTime() - t) / 1_000_000;
            }
            gw.delete("/api/v1/sessions/" + id);
        }
        Arrays.sort(lat);
        return lat;
    }

    void terminalEcho() throws Exception {
        line("## Terminal keystroke echo (one byte in, its echo out, through gateway and terminal service)");
        line("");
        line("Next to its baseline in the same run: a bash with a TTY exec'd into a running container through the Docker"
                + " engine's API on its socket, nothing between (`EngineEcho`). Both are driven the same way, from one"
                + " thread with blocking reads and writes (`RawTerminal` speaks WebSocket by hand); the JDK's"
                + " WebSocket client, which hands every frame between its own threads, is shown for comparison.");
        line("");
        line("| path | p50 (ms) | p99 (ms) | keystrokes |");
        line("|---|---|---|---|");
        JsonNode s = gw.createSession(obj("template", "python"));
        String id = s.get("id").asText();
        while (!"RUNNING".equals(gw.get("/api/v1/sessions/" + id).json().path("state").asText())) {
            Thread.sleep(100);
        }
        long[] ours;
        long[] jdk;
        String path = "/api/v1/sessions/" + id + "/terminal?cols=80&rows=24";
        try (RawTerminal term = RawTerminal.open(Gateway.url(), path, gw.apiKey())) {
            ours = keystrokes(term::send, term::readUntil);
        }
        try (Socket term = gw.websocket(path)) {
            jdk = keystrokes(term::sendBytes, text -> term.readUntil(t -> t.contains(text), Duration.ofSeconds(5)));
        } finally {
            gw.delete("/api/v1/sessions/" + id);
        }
        String c = Host.docker("run", "-d", "--rm", "--network", "none", "--user", "1000", IMAGE.get("python"),
                "sleep", "600").strip();
        long[] engine;
        try (EngineEcho shell = EngineEcho.shell(c)) {
            engine = keystrokes(shell::send, shell::readUntil);
        } finally {
            Host.docker("rm", "-f", c);
        }
        for (Object[] row : new Object[][] {{"client to shell: gateway, terminal-service, engine", ours},
                {"the same through the JDK's WebSocket client (its own thread hand-offs added)", jdk},
                {"the engine alone (baseline)", engine}}) {
            long[] lat = (long[]) row[1];
            line(String.format("| %s | %.2f | %.2f | %d |", row[0], pct(lat, 50) / 1000.0, pct(lat, 99) / 1000.0,
                    lat.length));
        }
        line("");
        line(String.format("Through the services: %.2fx the engine's p50, %.2fx its p99.",
                (double) pct(ours, 50) / pct(engine, 50), (double) pct(ours, 99) / pct(engine, 99)));
        line("");
    }

    static final int UNTIMED_KEYS = 300;
    static final int TIMED_KEYS = 1000;

    interface Sender {
        void send(byte[] bytes) throws Exception;
    }

    interface Reader {
        void readUntil(String text) throws Exception;
    }

    /**
     * Keystrokes one at a time into a shell, each timed until its echo is back (microseconds, sorted): {@value
     * #UNTIMED_KEYS} untimed ones first (the services may have just started, and a path the JIT has not compiled yet
     * is not what a user typing for a minute gets), then {@value #TIMED_KEYS} timed ones, enough for a p99 that is
     * not just the second slowest of a handful.
     */
    private static long[] keystrokes(Sender send, Reader read) throws Exception {
        send.send("stty -echoctl; PS1='$ '\n".getBytes(StandardCharsets.UTF_8));
        read.readUntil("$ ");
        Thread.sleep(300);
        for (int i = 0; i < UNTIMED_KEYS; i++) {
            char ch = (char) ('a' + (i % 26));
            send.send(new byte[] {(byte) ch});
            read.readUntil(String.valueOf(ch));
            if (i % 60 == 59) {
                send.send(new byte[] {21}); // ^U: the line stays short
            }
        }
        long[] lat = new long[TIMED_KEYS];
        for (int i = 0; i < lat.length; i++) {
            char ch = (char) ('a' + (i % 26));
            long t = System.nanoTime();
            send.send(new byte[] {(byte) ch});
            read.readUntil(String.valueOf(ch));
            lat[i] = (System.nanoTime() - t) / 1000;
            if (i % 60 == 59) {
                send.send(new byte[] {21});
            }
        }
        Arrays.sort(lat);
        return lat;
    }

    Map<String, String> memory() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String s : SERVICES) {
            String c = Host.stackContainer(s);
            m.put(s, Host.docker("stats", "--no-stream", "--format", "{{.MemUsage}}", c).split(" / ")[0]);
        }
        return m;
    }

    interface Action {
        void run() throws Exception;
    }

    /** {@code n} timings of {@code a} after 3 warm-up runs, {@code pauseMs} apart. */
    long[] sample(Action a, int n, long pauseMs) throws Exception {
        for (int i = 0; i < 3; i++) {
            a.run();
        }
        long[] ms = new long[n];
        for (int i = 0; i < n; i++) {
            Thread.sleep(pauseMs);
            long t = System.nanoTime();
            a.run();
            ms[i] = (System.nanoTime() - t) / 1_000_000;
        }
        Arrays.sort(ms);
        return ms;
    }

    static long pct(long[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    void line(String s) {
        report.append(s).append('\n');
    }
}
