package dev.playground.e2e.bench;

import static dev.playground.e2e.Gateway.obj;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playground.e2e.Gateway;
import dev.playground.e2e.HelloWorlds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * What more sandbox hosts give on this machine: python hello-world throughput at concurrency 16 through the gateway,
 * and where 20 new sessions are placed. Run once per stack (`./playground bench` with one host, then with
 * `--hosts 2`); each run writes its own row into the "Sandbox hosts" section of docs/BENCHMARKS.md.
 */
public final class HostsBenchmark {

    static final String BEGIN = "<!-- hosts benchmark: rows written by HostsBenchmark -->";
    static final String END = "<!-- end of hosts benchmark -->";

    public static void main(String[] args) throws Exception {
        String label = args.length > 0 ? args[0] : "1 host";
        Path out = Path.of(args.length > 1 ? args[1] : "docs/BENCHMARKS.md");
        Gateway gw = Gateway.as(System.getProperty("bench.principal", "dev"));
        int total = 96;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Long>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            gw.run(obj("language", "python", "code", HelloWorlds.CODE.get("python"))); // warm-up
        }
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
                return (System.nanoTime() - t) / 1_000_000;
            }));
        }
        long[] lat = new long[total];
        for (int i = 0; i < total; i++) {
            lat[i] = futures.get(i).get(5, TimeUnit.MINUTES);
        }
        double secs = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        Arrays.sort(lat);

        // 20 sessions from four keys (each key may hold five), then where they went.
        Map<String, Integer> placed = new TreeMap<>();
        List<String[]> created = new ArrayList<>();
        for (String key : List.of("dev", "e2e-alice", "e2e-bob", "e2e-flood")) {
            Gateway who = Gateway.as(key);
            for (int i = 0; i < 5; i++) {
                JsonNode s = who.createSession(obj("template", "python"));
                placed.merge(s.get("host").asText(), 1, Integer::sum);
                created.add(new String[] {key, s.get("id").asText()});
            }
        }
        for (String[] c : created) {
            Gateway.as(c[0]).delete("/api/v1/sessions/" + c[1]);
        }

        String row = "| " + label + " | " + String.format("%.1f", total / secs) + " | " + lat[total / 2] + " / "
                + lat[total * 99 / 100] + " | " + placed + " |";
        System.out.println(row);
        write(out, row, label);
    }

    /** Puts the row into the section (replacing the row of the same label), making the section when it is missing. */
    static void write(Path out, String row, String label) throws Exception {
        StackRows.write(out, BEGIN, END, label, List.of(row),
                "## Sandbox hosts (`./playground bench`, then `./playground bench --hosts 2`)\n\n"
                + "Python hello world at concurrency 16 (96 sync runs through the gateway), and where 20 new sessions "
                + "went. Every host of `--hosts N` is a Docker-in-Docker node on this same machine ("
                + Runtime.getRuntime().availableProcessors() + " cores): more hosts add no CPU here, they show the "
                + "spread and what the extra hop costs. Last written " + Instant.now().toString().substring(0, 10) + ".\n\n"
                + "| stack | runs/s | p50 / p99 (ms) | sessions per host |\n|---|---|---|---|\n");
    }

    private HostsBenchmark() {
    }
}
