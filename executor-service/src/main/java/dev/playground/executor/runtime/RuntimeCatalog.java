package dev.playground.executor.runtime;

import dev.playground.executor.config.ExecutorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The languages of the runtime images (images/runtimes), with the versions those images carry. */
@ApplicationScoped
public class RuntimeCatalog {

    // Python's own syntax check without a second full start-up (-I -S: no site, no user paths): ~40 ms, not ~100.
    private static final String PY_CHECK =
            "import sys\nsrc=open(sys.argv[1],'rb').read()\ncompile(src,sys.argv[1],'exec')";

    private final List<Runtime> runtimes;
    private final Map<String, Runtime> byName = new LinkedHashMap<>();
    private final ExecutorConfig config;

    RuntimeCatalog(ExecutorConfig config) {
        this.config = config;
        runtimes = List.of(
                new Runtime("python", "3.13.5", List.of("py", "python3"), "py", false, "python", "main.py",
                        f -> List.of("python3", "-I", "-S", "-c", PY_CHECK, f),
                        (f, mem, args) -> concat(List.of("python3", f), args)),
                new Runtime("javascript", "20.19.2", List.of("js", "node", "nodejs"), "js", false, "node", "main.js",
                        f -> List.of("node", "--check", f),
                        (f, mem, args) -> concat(List.of("node", f), args)),
                new Runtime("typescript", "4.9.5", List.of("ts"), "ts", true, "node", "main.ts",
                        f -> List.of("tsc", "--outDir", ".tsout", "--target", "es2020", "--module", "commonjs",
                                "--skipLibCheck", f),
                        (f, mem, args) -> concat(List.of("node", ".tsout/" + f.replaceAll("\\.ts$", ".js")), args)),
                new Runtime("java", "21.0.12", List.of("jdk"), "java", true, "java", "Main.java",
                        f -> List.of("sh", "-c", "exec javac -J-XX:+UseSerialGC -J-XX:TieredStopAtLevel=1 "
                                + "-J-Xss512k -J-XX:MaxRAMPercentage=60 -d . $(find . -name '*.java')"),
                        (f, mem, args) -> concat(javaRun(f, mem), args)),
                new Runtime("c", "14.2.0", List.of("gcc"), "c", true, "gcc", "main.c",
                        f -> List.of("sh", "-c", "exec gcc -O2 -std=gnu17 -o main $(find . -name '*.c') -lm"),
                        (f, mem, args) -> concat(List.of("./main"), args)),
                new Runtime("cpp", "14.2.0", List.of("c++", "g++"), "cpp", true, "gcc", "main.cpp",
                        f -> List.of("sh", "-c", "exec g++ -O2 -std=gnu++20 -o main $(find . -name '*.cpp') -lm"),
                        (f, mem, args) -> concat(List.of("./main"), args)));
        for (Runtime r : runtimes) {
            byName.put(r.language(), r);
            r.aliases().forEach(a -> byName.put(a, r));
        }
    }

    /** The JVM sized for the memory limit: serial GC, small stacks and code cache, heap a share of the limit. */
    private static List<String> javaRun(String entryFile, int memoryMb) {
        String mainClass = entryFile.replaceAll("\\.java$", "").replace('/', '.');
        return List.of("java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-XX:ReservedCodeCacheSize=16m", "-XX:MaxMetaspaceSize=" + Math.max(32, memoryMb / 4) + "m",
                "-Xmx" + Math.max(16, memoryMb / 2) + "m", "-Xshare:auto", "-cp", ".", mainClass);
    }

    private static List<String> concat(List<String> head, List<String> tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(tail);
        return all;
    }

    public List<Runtime> all() {
        return runtimes;
    }

    /** The runtime for a language name or alias, case-insensitive. */
    public Optional<Runtime> find(String language) {
        return language == null ? Optional.empty() : Optional.ofNullable(byName.get(language.toLowerCase(Locale.ROOT)));
    }

    /** The image a runtime's sandboxes start from. */
    public String image(Runtime runtime) {
        return config.images().getOrDefault(runtime.family(), config.imagePattern().replace("{family}", runtime.family()));
    }
}
