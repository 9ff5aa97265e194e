package dev.playground.e2e.bench;

import static dev.playground.e2e.Gateway.obj;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playground.e2e.Gateway;
import dev.playground.e2e.HelloWorlds;
import dev.playground.e2e.Host;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the sandbox runtime costs: hello worlds through the gateway of the running stack, whatever runtime it was
 * started with (`./playground up` is runc, `./playground up --runtime runsc` is gVisor), each next to raw
 * `docker run --rm` of the same image under runc and under runsc, measured in the same run. Each stack writes its own
 * rows into the "Sandbox runtime" section of docs/BENCHMARKS.md (`./playground bench`, then
 * `./playground bench --runtime runsc`), so the two stacks compare through their shared baseline, raw runc.
 */
public final class RuntimeBenchmark {

    static final String BEGIN = "<!-- runtime benchmark: rows written by RuntimeBenchmark -->";
    static final String END = "<!-- end of runtime benchmark -->";
    static final List<String> LANGUAGES = List.of("python", "javascript", "c", "java", "go");
    static final String GVISOR = "runsc";

    public static void main(String[] args) throws Exception {
        String runtime = args.length > 0 ? args[0] : "runc";
        Path out = Path.of(args.length > 1 ? args[1] : "docs/BENCHMARKS.md");
        int samples = Integer.getInteger("bench.samples", 20);
        Benchmark b = new Benchmark();
        Gateway gw = b.gw;
        boolean gvisorHere = runsHere(GVISOR);
        List<String> rows = new ArrayList<>();
        for (String lang : LANGUAGES) {
            String code = HelloWorlds.CODE.get(lang);
            Benchmark.Action run = () -> {
                JsonNode r = gw.run(obj("language", lang, "code", code));
                if (!"OK".equals(r.path("verdict").asText())) {
                    throw new IllegalStateException(lang + " under " + runtime + ": " + r);
                }
            };
            long[] through = b.sample(run, samples, Benchmark.PAUSE_MS);
            long[] runc = b.sample(raw(lang, null), samples, Benchmark.PAUSE_MS);
            long[] runsc = gvisorHere ? b.sample(raw(lang, GVISOR), samples, Benchmark.PAUSE_MS) : null;
            long base = Benchmark.pct(runc, 50);
            String row = "| " + runtime + " | " + lang + " | " + cell(through) + " | " + cell(runc) + " | "
                    + (runsc == null ? "n/a" : cell(runsc)) + " | "
                    + String.format("%.2fx", (double) Benchmark.pct(through, 50) / base) + " | "
                    + (runsc == null ? "n/a" : String.format("%.2fx", (double) Benchmark.pct(runsc, 50) / base)) + " |";
            System.out.println(row);
            rows.add(row);
        }
        write(out, runtime, rows, samples);
    }

    /** A raw `docker run --rm` of the language's hello world, under the engine's default runtime or {@code runtime}. */
    static Benchmark.Action raw(String lang, String runtime) {
        List<String> cmd = new ArrayList<>(List.of("run", "--rm", "--network", "none", "--user", "1000"));
        if (runtime != null) {
            cmd.addAll(List.of("--runtime", runtime));
        }
        cmd.addAll(List.of(Benchmark.IMAGE.get(lang), "sh", "-c", Benchmark.RAW.get(lang)));
        return () -> Host.docker(cmd.toArray(String[]::new));
    }

    static boolean runsHere(String runtime) {
        try {
            Host.docker("run", "--rm", "--runtime", runtime, "--network", "none", "playground/runtime-base:latest", "true");
            return true;
        } catch (AssertionError e) {
            System.out.println("raw " + runtime + " column left out: " + e.getMessage());
            return false;
        }
    }

    static String cell(long[] sorted) {
        return Benchmark.pct(sorted, 50) + " / " + Benchmark.pct(sorted, 99);
    }

    /** Puts this runtime's rows into the section, replacing its earlier rows and keeping the other runtime's. */
    static void write(Path out, String runtime, List<String> rows, int samples) throws Exception {
        StackRows.write(out, BEGIN, END, runtime, rows,
                "## Sandbox runtime (`./playground bench`, then `./playground bench --runtime runsc`)\n\n"
                + "Hello world through the gateway of a stack whose sandboxes and sessions run under runc (the default) "
                + "or gVisor (`runsc`), " + samples + " samples each, " + Benchmark.PAUSE_MS + " ms apart, next to raw "
                + "`docker run --rm` of the same image under each runtime in the same run. The ratios are to raw runc "
                + "p50, the baseline both stacks share. Last written " + Instant.now().toString().substring(0, 10) + ".\n\n"
                + "| stack | language | through the gateway p50 / p99 (ms) | raw runc p50 / p99 (ms) | "
                + "raw runsc p50 / p99 (ms) | gateway / raw runc | raw runsc / raw runc |\n|---|---|---|---|---|---|---|\n");
    }

    private RuntimeBenchmark() {
    }
}
