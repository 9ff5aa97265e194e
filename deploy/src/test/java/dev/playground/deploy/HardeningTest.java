package dev.playground.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every control-plane pod runs as the image's non-root user with a read-only root filesystem, no capabilities,
 * no privilege escalation and the runtime's default seccomp profile, writes only to an emptyDir /tmp, has requests and
 * limits, and a JVM that fits its memory limit.
 */
class HardeningTest {

    static Stream<Rendered> overlays() {
        return Overlays.applied().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void podsRunLocked(Rendered rendered) {
        List<String> problems = new ArrayList<>();
        long uid = ServiceSources.imageUid();
        for (JsonNode d : rendered.workloads()) {
            String n = Rendered.name(d);
            JsonNode pod = d.path("spec").path("template").path("spec");
            JsonNode psc = pod.path("securityContext");
            require(problems, psc.path("runAsNonRoot").asBoolean(), n + ": pod runAsNonRoot");
            require(problems, psc.path("runAsUser").asLong(-1) == uid, n + ": runs as the image's user " + uid);
            require(problems, psc.path("runAsUser").asLong(0) != 0 && psc.path("runAsGroup").asLong(0) != 0,
                    n + ": neither uid nor gid 0");
            require(problems, "RuntimeDefault".equals(psc.path("seccompProfile").path("type").asText()),
                    n + ": seccomp RuntimeDefault");
            require(problems, !pod.path("hostNetwork").asBoolean() && !pod.path("hostPID").asBoolean()
                    && !pod.path("hostIPC").asBoolean(), n + ": no host namespaces");
            require(problems, pod.path("automountServiceAccountToken").isBoolean()
                    && !pod.path("automountServiceAccountToken").asBoolean(), n + ": no service account token (no API use)");
            for (JsonNode v : pod.path("volumes")) {
                require(problems, !v.has("hostPath"), n + ": volume " + v.path("name").asText() + " is no hostPath");
            }
            List<JsonNode> containers = new ArrayList<>();
            pod.path("initContainers").forEach(containers::add);
            pod.path("containers").forEach(containers::add);
            for (JsonNode c : containers) {
                String cn = n + " container " + c.path("name").asText();
                JsonNode sc = c.path("securityContext");
                require(problems, sc.path("readOnlyRootFilesystem").asBoolean(), cn + ": readOnlyRootFilesystem");
                require(problems, sc.has("allowPrivilegeEscalation") && !sc.path("allowPrivilegeEscalation").asBoolean(),
                        cn + ": allowPrivilegeEscalation false");
                require(problems, !sc.path("privileged").asBoolean(), cn + ": not privileged");
                require(problems, sc.path("capabilities").path("drop").toString().contains("\"ALL\"")
                        && sc.path("capabilities").path("add").isEmpty(), cn + ": drops ALL capabilities, adds none");
                boolean tmp = false;
                for (JsonNode m : c.path("volumeMounts")) {
                    if ("/tmp".equals(m.path("mountPath").asText())) {
                        for (JsonNode v : pod.path("volumes")) {
                            tmp |= v.path("name").asText().equals(m.path("name").asText()) && v.has("emptyDir");
                        }
                    }
                }
                require(problems, tmp, cn + ": /tmp is an emptyDir (Quarkus and Vert.x write there)");
            }
        }
        assertTrue(problems.isEmpty(), rendered + ":\n  " + String.join("\n  ", problems));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void everyContainerHasRequestsLimitsAndAJvmThatFits(Rendered rendered) {
        List<String> problems = new ArrayList<>();
        String imageOpts = ServiceSources.imageEnv().getOrDefault("JAVA_OPTS", "");
        for (JsonNode d : rendered.workloads()) {
            JsonNode c = Rendered.container(d);
            String n = Rendered.name(d);
            JsonNode r = c.path("resources");
            for (String kind : List.of("requests", "limits")) {
                for (String res : List.of("cpu", "memory")) {
                    require(problems, r.path(kind).has(res), n + ": " + kind + "." + res);
                }
            }
            if (!r.path("limits").has("memory") || !r.path("requests").has("memory")) {
                continue;
            }
            BigDecimal limit = bytes(r.path("limits").path("memory").asText());
            require(problems, bytes(r.path("requests").path("memory").asText()).compareTo(limit) <= 0,
                    n + ": memory request within the limit");
            String opts = PodEnv.of(rendered, d).values.getOrDefault("JAVA_OPTS", imageOpts);
            // The image's flags that are not about sizing stay (the JBoss log manager, exit on OOM, ...); the sizes
            // (heap, metaspace, code cache) are the pod's own, from its memory limit.
            for (String flag : imageOpts.split("\\s+")) {
                if (!flag.isBlank() && !flag.contains("RAMPercentage") && !flag.startsWith("-Xmx")
                        && !flag.startsWith("-XX:MaxMetaspaceSize=") && !flag.startsWith("-XX:ReservedCodeCacheSize=")) {
                    require(problems, opts.contains(flag), n + ": JAVA_OPTS keeps the image's " + flag);
                }
            }
            double percent = number(opts, "-XX:MaxRAMPercentage=([0-9.]+)", -1);
            double metaspace = size(opts, "-XX:MaxMetaspaceSize=(\\d+[kmgKMG]?)");
            double codeCache = size(opts, "-XX:ReservedCodeCacheSize=(\\d+[kmgKMG]?)");
            if (percent < 0 || metaspace < 0 || codeCache < 0) {
                problems.add(n + ": JAVA_OPTS bounds the heap (MaxRAMPercentage), metaspace and code cache: " + opts);
                continue;
            }
            double jvm = limit.doubleValue() * percent / 100 + metaspace + codeCache;
            require(problems, jvm <= limit.doubleValue() * 0.9, String.format(
                    "%s: heap %.0f%% + metaspace + code cache = %.0f MiB, over 90%% of the %.0f MiB limit (threads and "
                            + "direct buffers need the rest)", n, percent, jvm / (1 << 20), limit.doubleValue() / (1 << 20)));
        }
        assertTrue(problems.isEmpty(), rendered + ":\n  " + String.join("\n  ", problems));
    }

    private static BigDecimal bytes(String quantity) {
        return Quantity.getAmountInBytes(new Quantity(quantity));
    }

    private static double number(String opts, String regex, double absent) {
        Matcher m = Pattern.compile(regex).matcher(opts);
        return m.find() ? Double.parseDouble(m.group(1)) : absent;
    }

    private static double size(String opts, String regex) {
        Matcher m = Pattern.compile(regex).matcher(opts);
        if (!m.find()) {
            return -1;
        }
        String v = m.group(1).toLowerCase();
        Map<Character, Double> unit = Map.of('k', 1024.0, 'm', 1024.0 * 1024, 'g', 1024.0 * 1024 * 1024);
        char last = v.charAt(v.length() - 1);
        return Character.isDigit(last) ? Double.parseDouble(v) : Double.parseDouble(v.substring(0, v.length() - 1)) * unit.get(last);
    }

    private static void require(List<String> problems, boolean ok, String what) {
        if (!ok) {
            problems.add(what);
        }
    }
}
