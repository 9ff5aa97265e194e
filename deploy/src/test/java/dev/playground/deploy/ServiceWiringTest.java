package dev.playground.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The manifests run the services as they are: the images images/build.sh builds, on the ports they listen on, probed
 * where their health is, with every setting they cannot run without, pointed at Services, Kafka and PostgreSQL that
 * the overlay really has, and with a KafkaTopic for every topic of the contract. Each check reads the services'
 * own files, so a change on either side that the other does not follow fails here.
 */
class ServiceWiringTest {

    /** The image's entrypoint reads JAVA_OPTS (images/service/Dockerfile), no service does. */
    private static final String IMAGE_JAVA_OPTS = "JAVA_OPTS";

    /**
     * Variables that config mappings take (no application.properties names them) which a service cannot start
     * without in a cluster: session-service refuses a preview secret under 32 bytes (SessionConfig.Preview.secret);
     * the tunnel port is the one the gateway's tunnels are checked against.
     */
    private static final Map<String, Set<String>> REQUIRED_MAPPED_ENV = Map.of(
            "PLAYGROUND_PREVIEW_SECRET", Set.of("session-service"),
            "PLAYGROUND_TERMINAL_PREVIEW_PORT", Set.of("terminal-service"));

    static Stream<Rendered> overlays() {
        return Overlays.applied().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void eachServiceRunsTheImageBuildShBuilds(Rendered rendered) {
        List<String> problems = new ArrayList<>();
        for (String service : ServiceSources.services()) {
            Optional<JsonNode> deployment = rendered.findWorkload(service);
            if (deployment.isEmpty()) {
                problems.add("no Deployment or StatefulSet " + service + " (images/build.sh builds it)");
                continue;
            }
            JsonNode container = Rendered.container(deployment.get());
            if (!service.equals(container.path("name").asText())) {
                problems.add(service + ": its container is named " + container.path("name").asText());
            }
            String image = container.path("image").asText();
            String built = ServiceSources.image(service);
            // A registry in front is the operator's (kustomize images:); the repository path and tag are build.sh's.
            if (!image.equals(built) && !image.endsWith("/" + built)) {
                problems.add(service + ": image " + image + ", but images/build.sh builds " + built);
            }
        }
        for (JsonNode d : rendered.workloads()) {
            if (!ServiceSources.services().contains(d.path("metadata").path("name").asText())) {
                problems.add(Rendered.name(d) + " runs no service images/build.sh builds");
            }
        }
        assertTrue(problems.isEmpty(), rendered + ":\n  " + String.join("\n  ", problems));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void everySettingAServiceNeedsIsSetAndKnown(Rendered rendered) {
        List<String> problems = new ArrayList<>();
        Set<String> envFromKeys = new LinkedHashSet<>();
        for (String service : ServiceSources.services()) {
            JsonNode deployment = rendered.workload(service);
            PodEnv env = PodEnv.of(rendered, deployment);
            problems.addAll(env.problems);
            Set<String> required = new LinkedHashSet<>(ServiceSources.requiredEnv(service));
            REQUIRED_MAPPED_ENV.forEach((name, services) -> {
                if (services.contains(service)) {
                    required.add(name);
                }
            });
            for (String name : required) {
                String value = env.values.get(name);
                if (value == null || value.isBlank()) {
                    problems.add(service + " needs " + name + " (application.properties has no usable default for it), "
                            + "but its Deployment " + (value == null ? "does not set it" : "sets it empty"));
                }
            }
            for (JsonNode e : Rendered.container(deployment).path("env")) {
                String name = e.path("name").asText();
                if (!ServiceSources.reads(service, name) && !IMAGE_JAVA_OPTS.equals(name)) {
                    problems.add(service + " is given " + name + ", which it does not read (a typo, or a setting of "
                            + "another service)");
                }
            }
            env.sources.forEach((name, source) -> {
                if (source.startsWith("configmap ")) {
                    envFromKeys.add(name);
                }
            });
        }
        envFromKeys.stream().filter(k -> ServiceSources.services().stream().noneMatch(s -> ServiceSources.reads(s, k)))
                .forEach(k -> problems.add("a ConfigMap sets " + k + " for the services, and none reads it"));
        assertTrue(problems.isEmpty(), rendered + ":\n  " + String.join("\n  ", problems));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void portsAndProbesAreTheServicesOwn(Rendered rendered) {
        List<String> problems = new ArrayList<>();
        for (String service : ServiceSources.services()) {
            JsonNode deployment = rendered.workload(service);
            JsonNode container = Rendered.container(deployment);
            int port = httpPort(rendered, service, deployment);
            Optional<Integer> declared = containerPort(container, "http");
            if (declared.isEmpty() || declared.get() != port) {
                problems.add(service + " listens on " + port + " (quarkus.http.port), its container port http is "
                        + declared.map(String::valueOf).orElse("missing"));
            }
            Optional<JsonNode> svc = rendered.find("Service", service);
            if (svc.isEmpty()) {
                problems.add("no Service " + service);
            } else {
                if (!selects(svc.get().path("spec").path("selector"), podLabels(deployment))) {
                    problems.add("Service " + service + " does not select its Deployment's pods");
                }
                JsonNode http = servicePort(svc.get(), "http");
                if (http == null || targetPort(container, http) != port) {
                    problems.add("Service " + service + " has no port http that reaches " + port);
                }
            }
            if (!ServiceSources.hasExtension(service, "quarkus-smallrye-health")) {
                problems.add(service + " has no quarkus-smallrye-health: its probes would get 404");
            }
            String root = "/" + strip(ServiceSources.prodValue(service, "quarkus.http.non-application-root-path").orElse("q"));
            String health = root + "/" + strip(ServiceSources.prodValue(service, "quarkus.smallrye-health.root-path").orElse("health"));
            String live = health + "/" + strip(ServiceSources.prodValue(service, "quarkus.smallrye-health.liveness-path").orElse("live"));
            String ready = health + "/" + strip(ServiceSources.prodValue(service, "quarkus.smallrye-health.readiness-path").orElse("ready"));
            probe(problems, service, container, "livenessProbe", live, port, true);
            probe(problems, service, container, "readinessProbe", ready, port, true);
            probe(problems, service, container, "startupProbe", live, port, false);
        }
        assertTrue(problems.isEmpty(), rendered + ":\n  " + String.join("\n  ", problems));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void servicesReachWhatTheOverlayRuns(Rendered rendered) {
        List<String> problems = new ArrayList<>();
        for (String service : ServiceSources.services()) {
            JsonNode deployment = rendered.workload(service);
            PodEnv env = PodEnv.of(rendered, deployment);
            for (String name : ServiceSources.knownEnv(service)) {
                String value = effective(service, name, env);
                if (value == null) {
                    continue;
                }
                if (name.endsWith("_SERVICE_URL")) {
                    URI uri = URI.create(value);
                    Optional<JsonNode> target = rendered.find("Service", uri.getHost());
                    if (target.isEmpty() || !hasPort(target.get(), uri.getPort())) {
                        problems.add(service + ": " + name + " = " + value + " names no rendered Service and port");
                    }
                } else if (name.equals("KAFKA_BOOTSTRAP_SERVERS")) {
                    for (String server : value.split(",")) {
                        if (!isKafkaBootstrap(rendered, server.trim())) {
                            problems.add(service + ": " + name + " = " + server + " is not the bootstrap of a plain "
                                    + "listener of a rendered Kafka (<name>-kafka-bootstrap:<port>)");
                        }
                    }
                } else if (name.startsWith("DB_") && name.endsWith("_URL")) {
                    checkDatabase(rendered, service, name, value, env, problems);
                }
            }
            if (ServiceSources.knownEnv(service).contains("GATEWAY_PREVIEW_TUNNEL_HOST")) {
                checkTunnel(rendered, service, env, problems);
            }
        }
        assertTrue(problems.isEmpty(), rendered + ":\n  " + String.join("\n  ", problems));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void sandboxClientsHoldTheirCertificateAndHosts(Rendered rendered) {
        List<String> problems = new ArrayList<>();
        for (String service : ServiceSources.services()) {
            if (!ServiceSources.knownEnv(service).contains("PLAYGROUND_SANDBOX_TLS_DIR")) {
                continue;
            }
            JsonNode deployment = rendered.workload(service);
            PodEnv env = PodEnv.of(rendered, deployment);
            String hosts = env.values.getOrDefault("PLAYGROUND_SANDBOX_HOSTS", "");
            if (hosts.isBlank()) {
                problems.add(service + ": PLAYGROUND_SANDBOX_HOSTS is not set: it would look for a local Docker socket");
            }
            Set<String> names = new LinkedHashSet<>();
            for (String entry : hosts.split(",")) {
                if (!entry.matches("[a-z0-9][a-z0-9.-]*=tcp://[A-Za-z0-9.-]+:2376")) {
                    problems.add(service + ": sandbox host entry '" + entry + "' is not name=tcp://address:2376 (mutual TLS)");
                } else if (!names.add(entry.substring(0, entry.indexOf('=')))) {
                    problems.add(service + ": sandbox host " + entry + " is named twice");
                }
            }
            String dir = env.values.get("PLAYGROUND_SANDBOX_TLS_DIR");
            JsonNode pod = deployment.path("spec").path("template").path("spec");
            JsonNode mount = null;
            for (JsonNode m : Rendered.container(deployment).path("volumeMounts")) {
                if (m.path("mountPath").asText().equals(dir)) {
                    mount = m;
                }
            }
            if (dir == null || mount == null) {
                problems.add(service + ": PLAYGROUND_SANDBOX_TLS_DIR (" + dir + ") is no mounted volume");
                continue;
            }
            if (!mount.path("readOnly").asBoolean()) {
                problems.add(service + ": the sandbox client certificate is mounted writable");
            }
            String volumeName = mount.path("name").asText();
            String secret = null;
            for (JsonNode v : pod.path("volumes")) {
                if (v.path("name").asText().equals(volumeName)) {
                    secret = v.path("secret").path("secretName").asText(null);
                }
            }
            Optional<JsonNode> s = secret == null ? Optional.empty() : rendered.find("Secret", secret);
            if (s.isEmpty()) {
                problems.add(service + ": the volume at " + dir + " is no rendered Secret");
                continue;
            }
            for (String file : List.of("ca.pem", "cert.pem", "key.pem")) {
                if (!s.get().path("data").has(file)) {
                    problems.add(service + ": Secret " + secret + " lacks " + file);
                }
            }
        }
        assertTrue(problems.isEmpty(), rendered + ":\n  " + String.join("\n  ", problems));
    }

    /**
     * Services whose replica name must survive a restart: executor-service labels the sandboxes it runs with it, and
     * finds and closes them after a restart only under the same name, which a StatefulSet's pod keeps and a
     * Deployment's does not. terminal-service's name only starts the tokens of shells that end with the pod anyway.
     */
    private static final Set<String> REPLICA_OUTLIVES_POD = Set.of("executor-service");

    /** A replica's name (PLAYGROUND_REPLICA) is its pod's, so no two share one; a StatefulSet's where it must last. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void replicaNamesSurviveARestart(Rendered rendered) {
        List<String> problems = new ArrayList<>();
        for (String service : ServiceSources.services()) {
            if (!ServiceSources.knownEnv(service).contains("PLAYGROUND_REPLICA")) {
                continue;
            }
            JsonNode workload = rendered.workload(service);
            PodEnv env = PodEnv.of(rendered, workload);
            if (!"<metadata.name>".equals(env.values.get("PLAYGROUND_REPLICA"))) {
                problems.add(service + ": PLAYGROUND_REPLICA is not the pod's name, so replicas would share one");
            }
            if (REPLICA_OUTLIVES_POD.contains(service) && !"StatefulSet".equals(workload.path("kind").asText())) {
                problems.add(service + " is a " + workload.path("kind").asText() + ": its pods' names change on restart, "
                        + "and a dead replica's runs would never be closed");
            }
        }
        assertTrue(problems.isEmpty(), rendered + ":\n  " + String.join("\n  ", problems));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void everyTopicOfTheContractIsAKafkaTopic(Rendered rendered) {
        List<String> problems = new ArrayList<>();
        List<JsonNode> clusters = rendered.ofKind("Kafka");
        if (clusters.size() != 1) {
            problems.add("renders " + clusters.size() + " Kafka clusters, not one");
        }
        String cluster = clusters.isEmpty() ? "" : clusters.get(0).path("metadata").path("name").asText();
        long maxBytes = ServiceSources.kafkaMessageMaxBytes();
        Map<String, JsonNode> topics = new HashMap<>();
        for (JsonNode t : rendered.ofKind("KafkaTopic")) {
            String name = t.path("spec").path("topicName").asText(t.path("metadata").path("name").asText());
            topics.put(name, t);
            if (!cluster.equals(t.path("metadata").path("labels").path("strimzi.io/cluster").asText())) {
                problems.add("KafkaTopic " + name + " is not labelled strimzi.io/cluster: " + cluster);
            }
            if (t.path("spec").path("partitions").asInt(0) < 1) {
                problems.add("KafkaTopic " + name + " names no partitions");
            }
            if (t.path("spec").path("config").path("max.message.bytes").asLong() != maxBytes) {
                problems.add("KafkaTopic " + name + ": max.message.bytes is not " + maxBytes + " (images/kafka's)");
            }
        }
        for (String topic : ServiceSources.contractTopics()) {
            if (!topics.containsKey(topic)) {
                problems.add("no KafkaTopic for the contract's topic " + topic);
            }
        }
        for (String service : ServiceSources.services()) {
            for (String topic : ServiceSources.channelTopics(service)) {
                if (!topics.containsKey(topic)) {
                    problems.add(service + " uses topic " + topic + ", which has no KafkaTopic");
                }
            }
        }
        if (!clusters.isEmpty()) {
            JsonNode config = clusters.get(0).path("spec").path("kafka").path("config");
            if (config.path("message.max.bytes").asLong() != maxBytes || config.path("replica.fetch.max.bytes").asLong() < maxBytes) {
                problems.add("Kafka " + cluster + ": message.max.bytes and replica.fetch.max.bytes are not " + maxBytes);
            }
        }
        assertTrue(problems.isEmpty(), rendered + ":\n  " + String.join("\n  ", problems));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void previewsAndTheApiReachTheGatewayThroughTheIngress(Rendered rendered) {
        List<String> problems = new ArrayList<>();
        PodEnv gateway = PodEnv.of(rendered, rendered.workload("gateway-service"));
        PodEnv session = PodEnv.of(rendered, rendered.workload("session-service"));
        String base = effective("gateway-service", "PLAYGROUND_PREVIEW_BASE_URL", gateway);
        if (!base.equals(effective("session-service", "PLAYGROUND_PREVIEW_BASE_URL", session))) {
            problems.add("the gateway and session-service see different PLAYGROUND_PREVIEW_BASE_URLs");
        }
        for (String shared : List.of("PLAYGROUND_INTERNAL_SECRET", "PLAYGROUND_PREVIEW_SECRET")) {
            Set<String> sources = new LinkedHashSet<>();
            for (String service : ServiceSources.services()) {
                PodEnv env = PodEnv.of(rendered, rendered.workload(service));
                if (env.sources.containsKey(shared)) {
                    sources.add(env.sources.get(shared));
                }
            }
            if (sources.size() != 1) {
                problems.add(shared + " must be one secret shared by every service, is " + sources);
            }
        }
        String wildcard = "*." + URI.create(base).getHost();
        List<JsonNode> ingresses = rendered.ofKind("Ingress");
        boolean routed = false;
        boolean covered = false;
        for (JsonNode ingress : ingresses) {
            for (JsonNode rule : ingress.path("spec").path("rules")) {
                for (JsonNode path : rule.path("http").path("paths")) {
                    JsonNode backend = path.path("backend").path("service");
                    String target = backend.path("name").asText();
                    Optional<JsonNode> svc = rendered.find("Service", target);
                    boolean reaches = svc.isPresent() && (backend.path("port").has("name")
                            ? servicePort(svc.get(), backend.path("port").path("name").asText()) != null
                            : hasPort(svc.get(), backend.path("port").path("number").asInt()));
                    if (!reaches) {
                        problems.add(Rendered.name(ingress) + ": " + rule.path("host").asText() + " goes to no rendered Service port");
                    }
                    routed |= wildcard.equals(rule.path("host").asText()) && "gateway-service".equals(target);
                }
            }
            for (JsonNode tls : ingress.path("spec").path("tls")) {
                for (JsonNode host : tls.path("hosts")) {
                    covered |= wildcard.equals(host.asText());
                }
            }
        }
        if (!routed) {
            problems.add("no Ingress rule sends previews (" + wildcard + ", from PLAYGROUND_PREVIEW_BASE_URL " + base
                    + ") to the gateway");
        }
        if (base.startsWith("https:") && !covered) {
            problems.add("previews are https (" + base + ") but no Ingress TLS entry covers " + wildcard);
        }
        assertTrue(problems.isEmpty(), rendered + ":\n  " + String.join("\n  ", problems));
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    /** The value the service will use for an environment variable: the container's, else the property's default. */
    private static String effective(String service, String name, PodEnv env) {
        if (env.values.containsKey(name)) {
            return env.values.get(name);
        }
        var p = ServiceSources.properties(service);
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("%") && !key.startsWith("%prod.")) {
                continue;
            }
            var m = java.util.regex.Pattern.compile("\\$\\{" + name + ":([^}]*)}").matcher(p.getProperty(key));
            if (m.find()) {
                return m.group(1);
            }
        }
        return null;
    }

    private static int httpPort(Rendered rendered, String service, JsonNode deployment) {
        Map<String, String> env = new HashMap<>(ServiceSources.imageEnv());
        env.putAll(PodEnv.of(rendered, deployment).values);
        String value = ServiceSources.prodValue(service, "quarkus.http.port").orElse("8080");
        return Integer.parseInt(ServiceSources.resolve(value, env));
    }

    private static void probe(List<String> problems, String service, JsonNode container, String kind, String path, int port,
            boolean required) {
        JsonNode probe = container.path(kind);
        if (probe.isMissingNode()) {
            if (required) {
                problems.add(service + " has no " + kind);
            }
            return;
        }
        JsonNode get = probe.path("httpGet");
        if (!path.equals(get.path("path").asText())) {
            problems.add(service + ": " + kind + " asks " + get.path("path").asText() + ", the service answers at " + path);
        }
        JsonNode p = get.path("port");
        int probed = p.isInt() ? p.asInt() : containerPort(container, p.asText()).orElse(-1);
        if (probed != port) {
            problems.add(service + ": " + kind + " probes port " + p.asText() + ", the service listens on " + port);
        }
    }

    static Optional<Integer> containerPort(JsonNode container, String name) {
        for (JsonNode p : container.path("ports")) {
            if (name.equals(p.path("name").asText())) {
                return Optional.of(p.path("containerPort").asInt());
            }
        }
        return Optional.empty();
    }

    static JsonNode servicePort(JsonNode service, String name) {
        for (JsonNode p : service.path("spec").path("ports")) {
            if (name.equals(p.path("name").asText())) {
                return p;
            }
        }
        return null;
    }

    private static boolean hasPort(JsonNode service, int port) {
        for (JsonNode p : service.path("spec").path("ports")) {
            if (p.path("port").asInt() == port) {
                return true;
            }
        }
        return false;
    }

    /** The container port a Service port's targetPort (a name or a number) reaches. */
    static int targetPort(JsonNode container, JsonNode servicePort) {
        JsonNode target = servicePort.path("targetPort");
        if (target.isMissingNode()) {
            return servicePort.path("port").asInt();
        }
        return target.isInt() ? target.asInt() : containerPort(container, target.asText()).orElse(-1);
    }

    static Map<String, String> podLabels(JsonNode deployment) {
        Map<String, String> labels = new HashMap<>();
        deployment.path("spec").path("template").path("metadata").path("labels").fields()
                .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    static boolean selects(JsonNode matchLabels, Map<String, String> labels) {
        if (matchLabels.isMissingNode() || matchLabels.isEmpty()) {
            return false;
        }
        boolean all = true;
        for (var it = matchLabels.fields(); it.hasNext(); ) {
            var e = it.next();
            all &= e.getValue().asText().equals(labels.get(e.getKey()));
        }
        return all;
    }

    private static boolean isKafkaBootstrap(Rendered rendered, String server) {
        int colon = server.lastIndexOf(':');
        if (colon < 0) {
            return false;
        }
        String host = server.substring(0, colon);
        int port = Integer.parseInt(server.substring(colon + 1));
        for (JsonNode kafka : rendered.ofKind("Kafka")) {
            if (!host.equals(kafka.path("metadata").path("name").asText() + "-kafka-bootstrap")) {
                continue;
            }
            for (JsonNode listener : kafka.path("spec").path("kafka").path("listeners")) {
                if (listener.path("port").asInt() == port && !listener.path("tls").asBoolean()
                        && "internal".equals(listener.path("type").asText())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void checkDatabase(Rendered rendered, String service, String name, String value, PodEnv env,
            List<String> problems) {
        URI uri = URI.create(value.startsWith("jdbc:") ? value.substring(5) : value);
        String host = uri.getHost();
        String database = uri.getPath().replaceFirst("^/", "");
        JsonNode cluster = null;
        for (JsonNode c : rendered.ofKind("Cluster")) {
            if ((c.path("metadata").path("name").asText() + "-rw").equals(host)) {
                cluster = c;
            }
        }
        if (cluster == null || (uri.getPort() != -1 && uri.getPort() != 5432)) {
            problems.add(service + ": " + name + " = " + value + " is not the read-write service of a rendered "
                    + "CloudNativePG Cluster (<name>-rw:5432)");
            return;
        }
        String clusterName = cluster.path("metadata").path("name").asText();
        String owned = cluster.path("spec").path("bootstrap").path("initdb").path("database").asText();
        if (!owned.equals(database)) {
            problems.add(service + ": " + name + " names database " + database + ", the Cluster makes " + owned);
        }
        for (var credential : Map.of("DB_USER", "username", "DB_PASSWORD", "password").entrySet()) {
            String source = env.sources.get(credential.getKey());
            if (!("secret " + clusterName + "-app/" + credential.getValue()).equals(source)) {
                problems.add(service + ": " + credential.getKey() + " comes from " + source + ", not from the Secret "
                        + clusterName + "-app that CloudNativePG generates");
            }
        }
    }

    /** The gateway's preview tunnels reach terminal-service's tunnel server, on the port it listens on. */
    private static void checkTunnel(Rendered rendered, String service, PodEnv env, List<String> problems) {
        String host = effective(service, "GATEWAY_PREVIEW_TUNNEL_HOST", env);
        int port = Integer.parseInt(effective(service, "GATEWAY_PREVIEW_TUNNEL_PORT", env));
        Optional<JsonNode> svc = rendered.find("Service", host);
        if (svc.isEmpty()) {
            problems.add(service + ": the preview tunnel host " + host + " is no rendered Service");
            return;
        }
        JsonNode servicePort = null;
        for (JsonNode p : svc.get().path("spec").path("ports")) {
            if (p.path("port").asInt() == port) {
                servicePort = p;
            }
        }
        JsonNode target = null;
        for (JsonNode d : rendered.workloads()) {
            if (selects(svc.get().path("spec").path("selector"), podLabels(d))) {
                target = d;
            }
        }
        if (servicePort == null || target == null) {
            problems.add(service + ": Service " + host + " has no port " + port + " or no pods behind it");
            return;
        }
        int containerPort = targetPort(Rendered.container(target), servicePort);
        String listens = PodEnv.of(rendered, target).values.get("PLAYGROUND_TERMINAL_PREVIEW_PORT");
        if (listens == null || Integer.parseInt(listens) != containerPort) {
            problems.add(service + ": tunnels go to container port " + containerPort + " of " + Rendered.name(target)
                    + ", whose tunnel server listens on " + listens + " (PLAYGROUND_TERMINAL_PREVIEW_PORT)");
        }
    }

    private static String strip(String path) {
        return path.replaceAll("^/+|/+$", "");
    }
}
