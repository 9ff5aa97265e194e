package dev.playground.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Renders deploy/'s kustomizations with {@code kubectl kustomize}, once per test run. Each render works on a copy of
 * deploy/ whose Secret files (the operator's, never committed) are placeholders, so the build needs no secret and
 * never reads a real one.
 */
final class Overlays {

    /** The overlays an operator applies; each is checked whole. */
    static final List<String> APPLIED = List.of("overlays/dev", "overlays/production");
    /** Optional pieces, applied on their own. */
    static final List<String> OPTIONAL = List.of("optional/gvisor");

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Map<String, Rendered> RENDERED = new ConcurrentHashMap<>();
    private static volatile Path copy;

    static Path deployDir() {
        return Path.of(System.getProperty("deploy.dir", ".")).toAbsolutePath().normalize();
    }

    /** The repository's root, where the services' modules and images/ are. */
    static Path repoRoot() {
        return deployDir().getParent();
    }

    static Rendered render(String kustomization) {
        return RENDERED.computeIfAbsent(kustomization, Overlays::doRender);
    }

    static List<Rendered> applied() {
        return APPLIED.stream().map(Overlays::render).toList();
    }

    static Stream<Rendered> all() {
        return Stream.concat(APPLIED.stream(), OPTIONAL.stream()).map(Overlays::render);
    }

    /**
     * kubectl from the system property deploy.kubectl, the environment variable KUBECTL, or the PATH. Debian's
     * kubectl 1.20 (package kubernetes-client, kustomize v2) is the oldest the manifests are written for.
     */
    static String kubectl() {
        String configured = System.getProperty("deploy.kubectl", System.getenv("KUBECTL"));
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "kubectl");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return fail("kubectl is missing, so deploy/'s manifests cannot be rendered: ./playground test installs it "
                + "(Debian package kubernetes-client); or point -Ddeploy.kubectl / KUBECTL at one");
    }

    private static Rendered doRender(String kustomization) {
        Path dir = workingCopy().resolve(kustomization);
        try {
            Path out = Files.createTempFile("kustomize", ".yaml");
            Path err = Files.createTempFile("kustomize", ".err");
            Process p = new ProcessBuilder(kubectl(), "kustomize", dir.toString())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("kubectl kustomize " + kustomization + " did not finish in 60 s");
            }
            String errors = Files.readString(err, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                fail("kubectl kustomize " + kustomization + " failed:\n" + errors);
            }
            List<JsonNode> objects = new ArrayList<>();
            try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(out.toFile())) {
                while (docs.hasNext()) {
                    JsonNode doc = docs.next();
                    if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                        objects.add(doc);
                    }
                }
            }
            Files.delete(out);
            Files.delete(err);
            if (objects.isEmpty()) {
                fail("kubectl kustomize " + kustomization + " rendered nothing");
            }
            return new Rendered(kustomization, List.copyOf(objects));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** deploy/ copied (manifests only) with a placeholder for every file a secretGenerator names. */
    private static synchronized Path workingCopy() {
        if (copy != null) {
            return copy;
        }
        try {
            Path target = Files.createTempDirectory("deploy-render");
            Path source = deployDir();
            try (Stream<Path> files = Files.walk(source)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Path rel = source.relativize(f);
                    if (rel.startsWith("target") || rel.startsWith("src") || rel.toString().contains("/secrets/")
                            || rel.toString().endsWith("/secrets")) {
                        continue;
                    }
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(target.resolve(rel.toString()));
                    } else if (f.getFileName().toString().endsWith(".yaml")) {
                        Files.copy(f, target.resolve(rel.toString()));
                    }
                }
            }
            for (String overlay : APPLIED) {
                for (String file : SecretFiles.named(target.resolve(overlay).resolve("kustomization.yaml"))) {
                    Path placeholder = target.resolve(overlay).resolve(file);
                    Files.createDirectories(placeholder.getParent());
                    Files.writeString(placeholder, SecretFiles.placeholder(file));
                }
            }
            copy = target;
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Overlays() {
    }
}
