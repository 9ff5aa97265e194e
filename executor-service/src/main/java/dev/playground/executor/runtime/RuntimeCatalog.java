package dev.playground.executor.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.playground.executor.config.ExecutorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The languages of the runtime images (images/runtimes). Versions are not written here: each image lists the
 * versions it carries in its label {@value #VERSIONS_LABEL} (images/build.sh sets it from the image's own
 * {@code /etc/playground/runtime-versions}), read once per image with an image inspect.
 */
@ApplicationScoped
public class RuntimeCatalog {

    /** Label of a runtime image naming the versions it carries, e.g. {@code python=3.13.5,bash=5.2.37}. */
    public static final String VERSIONS_LABEL = "playground.runtime.versions";
    /** What a runtime's version reads when its image does not say (an operator's own image without the label). */
    public static final String UNKNOWN_VERSION = "unknown";

    private static final Logger LOG = Logger.getLogger(RuntimeCatalog.class);

    // Python's own syntax check without a second full start-up (-I -S: no site, no user paths): ~40 ms, not ~100.
    private static final String PY_CHECK =
            "import sys\nsrc=open(sys.argv[1],'rb').read()\ncompile(src,sys.argv[1],'exec')";
    // javac's ahead-of-time cache, made by images/runtimes/java with the flags of the compile step below: 0.22 s for a
    // small program instead of 0.53 s. Named only when the image has it (a JVM told of a missing cache says so in
    // the compile output).
    private static final String JAVAC_AOT = "/usr/lib/jvm/javac.aot";
    // <iostream> and <bits/stdc++.h> precompiled by images/runtimes/gcc for exactly the C++ flags below: GCC takes a
    // header's .gch from an include directory when the flags match and reads the header itself otherwise.
    private static final String CPP_PCH = "/opt/pch";
    // With a go.mod the module builds as a whole (local packages work); without, the top-level files do. No symbol
    // table or DWARF (-s -w): a quarter less link time, and a panic's trace still names functions and lines.
    // go-quick-build (images/runtimes/go) builds a plain program with the compiler and linker themselves, ~40 ms less
    // than the go command; it declines (silently) what it does not build the way go build would, or what fails.
    private static final String GO_BUILD = "[ -x /usr/local/bin/go-quick-build ] && go-quick-build && exit 0; "
            + "if [ -f go.mod ]; then exec go build -ldflags='-s -w' -o main .; "
            + "else exec go build -ldflags='-s -w' -o main $(find . -maxdepth 1 -name '*.go' ! -name '*_test.go'); fi";

    // Linked by mold where the image has it (images/runtimes/rust; two threads, whatever the host's cores, within the
    // pids limit), and without the standard library's debug info (a panic still names its file and line, a backtrace
    // its functions): ~0.13 s for a hello world instead of ~0.27 s.
    private static final String RUST_BUILD = "linker=; [ -x /usr/bin/mold ] && "
            + "linker='-Clink-arg=-fuse-ld=mold -Clink-arg=-Wl,--threads=2'; "
            + "exec rustc -O --edition 2021 -C strip=debuginfo $linker -o main \"$0\"";

    private final List<Runtime> runtimes;
    private final Map<String, Runtime> byName = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> versionsByImage = new ConcurrentHashMap<>();
    private final Set<String> unlabelledImages = ConcurrentHashMap.newKeySet();
    private final ExecutorConfig config;
    private final DockerClient docker;

    RuntimeCatalog(ExecutorConfig config, DockerClient docker) {
        this.config = config;
        this.docker = docker;
        runtimes = List.of(
                new Runtime("python", null, List.of("py", "python3"), "py", false, "python", "main.py",
                        f -> List.of("python3", "-I", "-S", "-c", PY_CHECK, f),
                        (f, mem, args) -> concat(List.of("python3", f), args)),
                new Runtime("javascript", null, List.of("js", "node", "nodejs"), "js", false, "node", "main.js",
                        f -> List.of("node", "--check", f),
                        (f, mem, args) -> concat(List.of("node", f), args)),
                new Runtime("typescript", null, List.of("ts"), "ts", true, "node", "main.ts",
                        f -> List.of("tsc", "--outDir", ".tsout", "--target", "es2020", "--module", "commonjs",
                                "--skipLibCheck", f),
                        (f, mem, args) -> concat(List.of("node", ".tsout/" + f.replaceAll("\\.ts$", ".js")), args)),
                new Runtime("java", null, List.of("jdk"), "java", true, "java", "Main.java",
                        f -> List.of("sh", "-c", "aot=; [ -f " + JAVAC_AOT + " ] && aot=-J-XX:AOTCache=" + JAVAC_AOT
                                + "; exec javac -J-XX:+UseSerialGC -J-XX:TieredStopAtLevel=1 -J-Xss512k"
                                + " -J-XX:MaxRAMPercentage=60 $aot -d . $(find . -name '*.java')"),
                        (f, mem, args) -> concat(javaRun(f, mem), args)),
                new Runtime("c", null, List.of("gcc"), "c", true, "gcc", "main.c",
                        f -> List.of("sh", "-c", "exec gcc -O2 -std=gnu17 -o main $(find . -name '*.c') -lm"),
                        (f, mem, args) -> concat(List.of("./main"), args)),
                new Runtime("cpp", null, List.of("c++", "g++"), "cpp", true, "gcc", "main.cpp",
                        f -> List.of("sh", "-c", "exec g++ -O2 -std=gnu++20 -I" + CPP_PCH
                                + " -o main $(find . -name '*.cpp') -lm"),
                        (f, mem, args) -> concat(List.of("./main"), args)),
                new Runtime("go", null, List.of("golang"), "go", true, "go", "main.go",
                        f -> List.of("sh", "-c", GO_BUILD),
                        (f, mem, args) -> concat(List.of("./main"), args)),
                // rustc follows `mod x;` to x.rs itself, so the entry file is all it needs.
                new Runtime("rust", null, List.of("rs"), "rs", true, "rust", "main.rs",
                        f -> List.of("sh", "-c", RUST_BUILD, f),
                        (f, mem, args) -> concat(List.of("./main"), args)),
                // `ruby -c` prints "Syntax OK" on success: keep the compile output for real complaints.
                new Runtime("ruby", null, List.of("rb"), "rb", false, "ruby", "main.rb",
                        f -> List.of("sh", "-c", "exec ruby -c \"$0\" >/dev/null", f),
                        (f, mem, args) -> concat(List.of("ruby", f), args)),
                // `php -l` says "No syntax errors detected" on success: keep the compile output for real complaints.
                new Runtime("php", null, List.of(), "php", false, "php", "main.php",
                        f -> List.of("sh", "-c", "exec php -l \"$0\" >/dev/null", f),
                        (f, mem, args) -> concat(List.of("php", f), args)),
                new Runtime("lua", null, List.of(), "lua", false, "lua", "main.lua",
                        f -> List.of("luac5.4", "-p", f),
                        (f, mem, args) -> concat(List.of("lua5.4", f), args)),
                // Bash runs in the python image: coreutils, and python3 at hand for the scripts that call it.
                new Runtime("bash", null, List.of("sh", "shell"), "sh", false, "python", "main.sh",
                        f -> List.of("bash", "-n", f),
                        (f, mem, args) -> concat(List.of("bash", f), args)));
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

    /** Every runtime, with the version its image carries. */
    public List<Runtime> all() {
        return runtimes.stream().map(this::withImageVersion).toList();
    }

    /** The runtime for a language name or alias, case-insensitive, with the version its image carries. */
    public Optional<Runtime> find(String language) {
        return language == null ? Optional.empty()
                : Optional.ofNullable(byName.get(language.toLowerCase(Locale.ROOT))).map(this::withImageVersion);
    }

    /** The image a runtime's sandboxes start from. */
    public String image(Runtime runtime) {
        return config.images().getOrDefault(runtime.family(), config.imagePattern().replace("{family}", runtime.family()));
    }

    private Runtime withImageVersion(Runtime r) {
        String image = image(r);
        Map<String, String> versions = versionsByImage.get(image);
        if (versions == null) {
            versions = readVersions(image);
            if (!versions.isEmpty()) {
                versionsByImage.put(image, versions); // an image's versions do not change while it keeps its tag
            }
        }
        return r.withVersion(versions.getOrDefault(r.language(), UNKNOWN_VERSION));
    }

    private Map<String, String> readVersions(String image) {
        String label = null;
        try {
            var imageConfig = docker.inspectImageCmd(image).exec().getConfig();
            label = imageConfig == null || imageConfig.getLabels() == null ? null : imageConfig.getLabels().get(VERSIONS_LABEL);
        } catch (NotFoundException e) {
            LOG.debugf("runtime image %s is not on this engine yet", image);
            return Map.of();
        } catch (RuntimeException e) {
            LOG.warnf("runtime image %s could not be inspected: %s", image, e.getMessage());
            return Map.of();
        }
        Map<String, String> versions = parseVersions(label);
        if (versions.isEmpty() && unlabelledImages.add(image)) {
            LOG.warnf("runtime image %s has no %s label: its runtimes report version %s", image, VERSIONS_LABEL,
                    UNKNOWN_VERSION);
        }
        return versions;
    }

    /** {@code python=3.13.5,bash=5.2.37} as a map; entries without a name or a version are left out. */
    static Map<String, String> parseVersions(String label) {
        Map<String, String> versions = new LinkedHashMap<>();
        if (label == null) {
            return versions;
        }
        for (String entry : label.split(",")) {
            int eq = entry.indexOf('=');
            if (eq > 0 && eq < entry.length() - 1) {
                versions.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
            }
        }
        return versions;
    }
}
