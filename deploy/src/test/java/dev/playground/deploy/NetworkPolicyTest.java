package dev.playground.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rendered NetworkPolicies, evaluated as a network plugin would (policies add up; a pod that a policy of a type
 * selects allows only what some rule of that type names): every connection the services' own configuration makes is
 * allowed at both ends, and the ones no service needs are not.
 */
class NetworkPolicyTest {

    /** A pod, or an address outside the cluster (namespace null). */
    record Peer(String what, String namespace, Map<String, String> labels, String ip) {
        static Peer pod(String what, String namespace, Map<String, String> labels) {
            return new Peer(what, namespace, labels, "10.244.7.7");
        }

        static Peer outside(String what, String ip) {
            return new Peer(what, null, Map.of(), ip);
        }
    }

    record Flow(Peer from, Peer to, String protocol, int port) {
        @Override
        public String toString() {
            return from.what + " -> " + to.what + " " + protocol + "/" + port;
        }
    }

    static Stream<Rendered> overlays() {
        return Overlays.applied().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void whatTheServicesNeedIsAllowed(Rendered rendered) {
        Map<String, Peer> pods = pods(rendered);
        List<Flow> needed = new ArrayList<>();
        Peer ingressController = Peer.pod("ingress controller", "ingress-nginx", Map.of("app.kubernetes.io/name", "ingress-nginx"));
        Peer prometheus = Peer.pod("prometheus", "monitoring", Map.of("app.kubernetes.io/name", "prometheus"));
        Peer dns = Peer.pod("kube-dns", "kube-system", Map.of("k8s-app", "kube-dns"));
        needed.add(new Flow(ingressController, pods.get("gateway-service"), "TCP", 8080));
        for (String service : ServiceSources.services()) {
            Peer self = pods.get(service);
            needed.add(new Flow(prometheus, self, "TCP", 8080));
            needed.add(new Flow(self, dns, "UDP", 53));
            PodEnv env = PodEnv.of(rendered, rendered.workload(service));
            for (var e : env.values.entrySet()) {
                String name = e.getKey();
                if (!ServiceSources.reads(service, name)) {
                    continue; // Given to every service by the shared ConfigMap, read by others.
                }
                String value = e.getValue();
                if (name.endsWith("_SERVICE_URL")) {
                    URI uri = URI.create(value);
                    needed.add(new Flow(self, pods.get(uri.getHost()), "TCP", uri.getPort()));
                } else if (name.equals("KAFKA_BOOTSTRAP_SERVERS")) {
                    needed.add(new Flow(self, pods.get("kafka"), "TCP", Integer.parseInt(value.replaceAll(".*:", ""))));
                } else if (name.equals("DB_JDBC_URL")) {
                    needed.add(new Flow(self, pods.get("postgres"), "TCP", URI.create(value.substring(5)).getPort()));
                } else if (name.equals("GATEWAY_PREVIEW_TUNNEL_PORT")) {
                    needed.add(new Flow(self, pods.get(env.values.getOrDefault("GATEWAY_PREVIEW_TUNNEL_HOST", "terminal-service")),
                            "TCP", Integer.parseInt(value)));
                } else if (name.equals("PLAYGROUND_SANDBOX_HOSTS")) {
                    for (String entry : value.split(",")) {
                        URI host = URI.create(entry.substring(entry.indexOf('=') + 1));
                        if (host.getHost().matches("[0-9.]+")) {
                            needed.add(new Flow(self, Peer.outside("sandbox host " + host.getHost(), host.getHost()), "TCP", host.getPort()));
                        }
                    }
                }
            }
        }
        needed.add(new Flow(pods.get("kafka"), pods.get("kafka"), "TCP", 9091));
        needed.add(new Flow(pods.get("postgres"), pods.get("postgres"), "TCP", 5432));
        needed.add(new Flow(Peer.pod("cloudnative-pg operator", "cnpg-system", Map.of("app.kubernetes.io/name", "cloudnative-pg")),
                pods.get("postgres"), "TCP", 8000));
        needed.add(new Flow(Peer.pod("strimzi cluster operator", "strimzi", Map.of("strimzi.io/kind", "cluster-operator")),
                pods.get("kafka"), "TCP", 9091));
        List<String> refused = new ArrayList<>();
        for (Flow f : needed) {
            if (f.to == null) {
                refused.add(f + ": its destination is no pod of the overlay");
            } else if (!allowed(rendered, f)) {
                refused.add(f.toString());
            }
        }
        assertTrue(refused.isEmpty(), rendered + ": needed but refused:\n  " + String.join("\n  ", refused));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void whatNoServiceNeedsIsRefused(Rendered rendered) {
        Map<String, Peer> pods = pods(rendered);
        Peer ingressController = Peer.pod("ingress controller", "ingress-nginx", Map.of("app.kubernetes.io/name", "ingress-nginx"));
        Peer sandboxHost = Peer.outside("a sandbox host", sandboxHostIp(rendered));
        Peer internet = Peer.outside("the internet", "1.1.1.1");
        Peer otherNamespace = Peer.pod("a pod of another namespace", "default", Map.of("app", "curious"));
        List<Flow> forbidden = new ArrayList<>(List.of(
                new Flow(ingressController, pods.get("session-service"), "TCP", 8080),
                new Flow(ingressController, pods.get("terminal-service"), "TCP", 1080),
                new Flow(otherNamespace, pods.get("gateway-service"), "TCP", 8080),
                new Flow(otherNamespace, pods.get("kafka"), "TCP", 9092),
                new Flow(otherNamespace, pods.get("postgres"), "TCP", 5432),
                new Flow(pods.get("executor-service"), pods.get("postgres"), "TCP", 5432),
                new Flow(pods.get("terminal-service"), pods.get("postgres"), "TCP", 5432),
                new Flow(pods.get("gateway-service"), pods.get("kafka"), "TCP", 9092),
                new Flow(pods.get("session-service"), pods.get("gateway-service"), "TCP", 8080),
                new Flow(pods.get("gateway-service"), sandboxHost, "TCP", 2376),
                new Flow(pods.get("kafka"), sandboxHost, "TCP", 2376)));
        for (String service : ServiceSources.services()) {
            forbidden.add(new Flow(pods.get(service), sandboxHost, "TCP", 2375));
            forbidden.add(new Flow(pods.get(service), internet, "TCP", 443));
            forbidden.add(new Flow(pods.get(service), internet, "TCP", 80));
        }
        List<String> allowed = forbidden.stream().filter(f -> allowed(rendered, f)).map(Flow::toString).toList();
        assertTrue(allowed.isEmpty(), rendered + ": allowed though nothing needs it:\n  " + String.join("\n  ", allowed));
    }

    // --- the evaluator ---------------------------------------------------------------------------------------------

    private static Map<String, Peer> pods(Rendered rendered) {
        String ns = rendered.workloads().get(0).path("metadata").path("namespace").asText();
        Map<String, Peer> pods = new HashMap<>();
        for (JsonNode d : rendered.workloads()) {
            String name = d.path("metadata").path("name").asText();
            pods.put(name, Peer.pod(name, ns, ServiceWiringTest.podLabels(d)));
        }
        // What the operators label their pods with (Strimzi: brokers of a node pool; CloudNativePG: instances).
        String kafka = rendered.ofKind("Kafka").get(0).path("metadata").path("name").asText();
        pods.put("kafka", Peer.pod("kafka broker", ns, Map.of("strimzi.io/cluster", kafka, "strimzi.io/kind", "Kafka",
                "strimzi.io/name", kafka + "-kafka", "strimzi.io/broker-role", "true")));
        String cluster = rendered.ofKind("Cluster").get(0).path("metadata").path("name").asText();
        pods.put("postgres", Peer.pod("postgres instance", ns, Map.of("cnpg.io/cluster", cluster, "cnpg.io/podRole", "instance")));
        return pods;
    }

    private static String sandboxHostIp(Rendered rendered) {
        String hosts = PodEnv.of(rendered, rendered.workload("executor-service")).values.get("PLAYGROUND_SANDBOX_HOSTS");
        String first = hosts.split(",")[0];
        return URI.create(first.substring(first.indexOf('=') + 1)).getHost();
    }

    static boolean allowed(Rendered rendered, Flow f) {
        return side(rendered, f.from, f.to, "Egress", f) && side(rendered, f.to, f.from, "Ingress", f);
    }

    /** Whether the policies of `self`'s namespace let the flow out of (Egress) or into (Ingress) `self`. */
    private static boolean side(Rendered rendered, Peer self, Peer other, String type, Flow f) {
        String ns = rendered.workloads().get(0).path("metadata").path("namespace").asText();
        if (!ns.equals(self.namespace)) {
            return true; // Outside the overlay's namespace: not its policies' business.
        }
        boolean selected = false;
        for (JsonNode policy : rendered.ofKind("NetworkPolicy")) {
            JsonNode spec = policy.path("spec");
            if (!matches(spec.path("podSelector"), self.labels) || !hasType(spec, type)) {
                continue;
            }
            selected = true;
            for (JsonNode rule : spec.path(type.equals("Egress") ? "egress" : "ingress")) {
                JsonNode peers = rule.path(type.equals("Egress") ? "to" : "from");
                boolean peerOk = peers.isMissingNode() || peers.isEmpty();
                for (JsonNode peer : peers) {
                    peerOk |= peerMatches(peer, other, ns);
                }
                boolean portOk = rule.path("ports").isMissingNode() || rule.path("ports").isEmpty();
                for (JsonNode port : rule.path("ports")) {
                    portOk |= port.path("protocol").asText("TCP").equals(f.protocol)
                            && (!port.has("port") || port.path("port").asInt() == f.port);
                }
                if (peerOk && portOk) {
                    return true;
                }
            }
        }
        return !selected;
    }

    private static boolean hasType(JsonNode spec, String type) {
        JsonNode types = spec.path("policyTypes");
        if (types.isMissingNode() || types.isEmpty()) {
            return type.equals("Ingress") || spec.has("egress");
        }
        for (JsonNode t : types) {
            if (t.asText().equals(type)) {
                return true;
            }
        }
        return false;
    }

    private static boolean peerMatches(JsonNode peer, Peer other, String ns) {
        if (peer.has("ipBlock")) {
            if (other.namespace != null) {
                return false; // Pod-to-pod traffic inside the cluster: ipBlocks are for what is outside.
            }
            return inCidr(other.ip, peer.path("ipBlock").path("cidr").asText());
        }
        if (other.namespace == null) {
            return false;
        }
        boolean nsOk = peer.has("namespaceSelector")
                ? matches(peer.path("namespaceSelector"), Map.of("kubernetes.io/metadata.name", other.namespace))
                : ns.equals(other.namespace);
        boolean podOk = !peer.has("podSelector") || matches(peer.path("podSelector"), other.labels);
        return nsOk && podOk;
    }

    /** A label selector: matchLabels and matchExpressions all hold; an empty one selects everything. */
    static boolean matches(JsonNode selector, Map<String, String> labels) {
        for (var it = selector.path("matchLabels").fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (JsonNode expr : selector.path("matchExpressions")) {
            String value = labels.get(expr.path("key").asText());
            List<String> values = new ArrayList<>();
            expr.path("values").forEach(v -> values.add(v.asText()));
            boolean ok = switch (expr.path("operator").asText()) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean inCidr(String ip, String cidr) {
        try {
            String[] parts = cidr.split("/");
            byte[] a = InetAddress.getByName(ip).getAddress();
            byte[] n = InetAddress.getByName(parts[0]).getAddress();
            int bits = Integer.parseInt(parts[1]);
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((a[i / 8] & mask) != (n[i / 8] & mask)) {
                    return false;
                }
            }
            return a.length == n.length;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
