package dev.playground.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the manifests must agree with, read from the repository: the services' configuration, images/, the contract. */
final class ServiceSources {

    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^:}]+)(?::([^}]*))?}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Z][A-Z0-9_]*");

    /** The services images/build.sh builds, each as playground/<name>:latest from its module. */
    static List<String> services() {
        Matcher m = Pattern.compile("(?m)^SERVICES=\\(([^)]*)\\)").matcher(read("images/build.sh"));
        if (!m.find()) {
            fail("images/build.sh has no SERVICES=(...) list");
        }
        return List.of(m.group(1).trim().split("\\s+"));
    }

    /** The image images/build.sh tags for a service. */
    static String image(String service) {
        String build = read("images/build.sh");
        Matcher m = Pattern.compile("build \"playground/\\$s:([a-z0-9.\\-]+)\" \"\\$s\" images/service/Dockerfile").matcher(build);
        if (!m.find()) {
            fail("images/build.sh no longer builds services as `build \"playground/$s:TAG\" \"$s\" images/service/Dockerfile`: "
                    + "teach ServiceSources.image the new form");
        }
        return "playground/" + service + ":" + m.group(1);
    }

    /** ENV variables the service image sets (images/service/Dockerfile), e.g. PORT. */
    static Map<String, String> imageEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?ms)^ENV (.*?)(?<!\\\\)$").matcher(read("images/service/Dockerfile"));
        while (m.find()) {
            Matcher pair = Pattern.compile("([A-Z_][A-Z0-9_]*)=(\"[^\"]*\"|\\S+)").matcher(m.group(1));
            while (pair.find()) {
                env.put(pair.group(1), pair.group(2).replaceAll("^\"|\"$", ""));
            }
        }
        return env;
    }

    /** The numeric uid of the user the service image runs as (images/jre creates it). */
    static long imageUid() {
        Matcher m = Pattern.compile("--uid (\\d+)").matcher(read("images/jre/Dockerfile"));
        if (!m.find()) {
            fail("images/jre/Dockerfile creates no user with --uid");
        }
        return Long.parseLong(m.group(1));
    }

    /** The service's application.properties, as Quarkus reads it. */
    static Properties properties(String service) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(path(service + "/src/main/resources/application.properties"))) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** A property as the prod profile sees it: %prod.key over key. */
    static Optional<String> prodValue(String service, String key) {
        Properties p = properties(service);
        return Optional.ofNullable(p.getProperty("%prod." + key, p.getProperty(key)));
    }

    /**
     * Environment variables the service cannot run without in a cluster: those a prod-profile entry names, and those
     * an entry names with no default or an empty one (the secrets, the sandbox hosts, ...).
     */
    static Set<String> requiredEnv(String service) {
        Set<String> required = new LinkedHashSet<>();
        Properties p = properties(service);
        for (String key : p.stringPropertyNames()) {
            boolean prod = key.startsWith("%prod.");
            if (key.startsWith("%") && !prod) {
                continue;
            }
            Matcher m = EXPRESSION.matcher(p.getProperty(key));
            while (m.find()) {
                String name = m.group(1);
                if (ENV_NAME.matcher(name).matches() && (prod || m.group(2) == null || m.group(2).isEmpty()
                        || m.group(2).contains("localhost"))) {
                    required.add(name);
                }
            }
        }
        return required;
    }

    /** Every environment variable the service's application.properties reads, in any profile. */
    static Set<String> knownEnv(String service) {
        Set<String> known = new LinkedHashSet<>();
        Properties p = properties(service);
        for (String key : p.stringPropertyNames()) {
            Matcher m = EXPRESSION.matcher(p.getProperty(key));
            while (m.find()) {
                if (ENV_NAME.matcher(m.group(1)).matches()) {
                    known.add(m.group(1));
                }
            }
        }
        return known;
    }

    /**
     * Prefixes of the environment variables SmallRye maps onto the service's config mappings (its own and, when it
     * indexes playground-contract, the contract's): PLAYGROUND_TERMINAL_ for {@code playground.terminal}. A mapping
     * at the root of a namespace ({@code playground}) gives one prefix per top-level member instead
     * (PLAYGROUND_SESSION_, PLAYGROUND_PREVIEW_, ...), so that it does not cover every PLAYGROUND_ variable.
     */
    static Set<String> mappingEnvPrefixes(String service) {
        List<Path> roots = new ArrayList<>(List.of(path(service + "/src/main/java")));
        if (properties(service).containsKey("quarkus.index-dependency.contract.artifact-id")) {
            roots.add(path("playground-contract/src/main/java"));
        }
        Set<String> prefixes = new LinkedHashSet<>();
        Pattern mapping = Pattern.compile("@ConfigMapping\\(prefix = \"([^\"]+)\"\\)");
        Pattern member = Pattern.compile("(?m)^    (?:@WithName\\(\"([^\"]+)\"\\)\\s+)?(?:\\w[\\w.<>, ]*)\\s+(\\w+)\\(\\);");
        for (Path root : roots) {
            try (var files = Files.walk(root)) {
                for (Path f : (Iterable<Path>) files.filter(x -> x.toString().endsWith("Config.java"))::iterator) {
                    String source = Files.readString(f);
                    Matcher m = mapping.matcher(source);
                    if (!m.find()) {
                        continue;
                    }
                    String prefix = envForm(m.group(1));
                    if (m.group(1).contains(".")) {
                        prefixes.add(prefix + "_");
                        continue;
                    }
                    Matcher top = member.matcher(source.replaceAll("(?m)^    (@WithName\\([^)]*\\))\\s*\\n\\s*", "    $1 "));
                    while (top.find()) {
                        String name = top.group(1) != null ? top.group(1) : top.group(2).replaceAll("([a-z])([A-Z])", "$1-$2");
                        prefixes.add(prefix + "_" + envForm(name));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return prefixes;
    }

    /** A property name as SmallRye expects it in the environment: playground.rate-limit → PLAYGROUND_RATE_LIMIT. */
    static String envForm(String property) {
        return property.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** Whether the service reads an environment variable: its application.properties names it, or a mapping takes it. */
    static boolean reads(String service, String name) {
        return knownEnv(service).contains(name) || imageEnv().containsKey(name)
                || mappingEnvPrefixes(service).stream().anyMatch(p -> p.endsWith("_") ? name.startsWith(p) : name.equals(p) || name.startsWith(p + "_"));
    }

    /**
     * Resolves a property's value the way it will run: its ${ENV:default} expressions from the given environment (the
     * container's, then the image's), else their defaults.
     */
    static String resolve(String value, Map<String, String> env) {
        Matcher m = EXPRESSION.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = env.containsKey(name) ? env.get(name) : m.group(2);
            if (replacement == null) {
                fail("${" + name + "} has no value and no default");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Whether the service's module depends on a Quarkus extension. */
    static boolean hasExtension(String service, String artifactId) {
        return read(service + "/pom.xml").contains("<artifactId>" + artifactId + "</artifactId>");
    }

    /** The Kafka topics of the contract: the constants of playground-contract's dev.playground.contract.Topics. */
    static List<String> contractTopics() {
        String source = read("playground-contract/src/main/java/dev/playground/contract/Topics.java");
        Matcher m = Pattern.compile("public static final String \\w+ = \"([^\"]+)\";").matcher(source);
        List<String> topics = new ArrayList<>();
        while (m.find()) {
            topics.add(m.group(1));
        }
        assertFalse(topics.isEmpty(), "Topics.java declares no topic");
        return topics;
    }

    /** The topics the service's messaging channels name. */
    static Set<String> channelTopics(String service) {
        Properties p = properties(service);
        Set<String> topics = new LinkedHashSet<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("mp.messaging.") && key.endsWith(".topic")) {
                topics.add(p.getProperty(key));
            }
        }
        return topics;
    }

    /** The largest message the project's own Kafka takes (images/kafka, KAFKA_MESSAGE_MAX_BYTES's default). */
    static long kafkaMessageMaxBytes() {
        Matcher m = Pattern.compile("KAFKA_MESSAGE_MAX_BYTES:=(\\d+)").matcher(read("images/kafka/kafka-entrypoint.sh"));
        if (!m.find()) {
            fail("images/kafka/kafka-entrypoint.sh sets no KAFKA_MESSAGE_MAX_BYTES default");
        }
        return Long.parseLong(m.group(1));
    }

    static String read(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path path(String relative) {
        return Overlays.repoRoot().resolve(relative);
    }

    private ServiceSources() {
    }
}
