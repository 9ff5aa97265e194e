package dev.playground.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What tells the overlays apart: production survives the loss of a pod, a node or a drain (two or more replicas,
 * the gateway autoscaled, disruption budgets, replicated Kafka and PostgreSQL); dev is one of everything. And in
 * both, no secret value comes from the repository.
 */
class OverlayTest {

    @Test
    void productionKeepsServingThroughAFailureOrADrain() {
        Rendered prod = Overlays.render("overlays/production");
        List<String> problems = new ArrayList<>();
        for (String service : ServiceSources.services()) {
            JsonNode d = prod.workload(service);
            Optional<JsonNode> hpa = autoscaler(prod, service);
            int least = hpa.map(h -> h.path("spec").path("minReplicas").asInt(1)).orElse(d.path("spec").path("replicas").asInt(1));
            if (least < 2) {
                problems.add(service + " may run a single replica (" + least + ")");
            }
            if (hpa.isPresent() && d.path("spec").has("replicas")) {
                problems.add(service + " has an autoscaler and a replica count: every apply would reset what it decided");
            }
            List<JsonNode> budgets = prod.ofKind("PodDisruptionBudget").stream()
                    .filter(b -> ServiceWiringTest.selects(b.path("spec").path("selector").path("matchLabels"),
                            ServiceWiringTest.podLabels(d)))
                    .toList();
            if (budgets.size() != 1) {
                problems.add(service + " has " + budgets.size() + " PodDisruptionBudgets, not one");
            } else if (budgets.get(0).path("spec").path("minAvailable").asInt(least) >= least) {
                problems.add(service + ": its PodDisruptionBudget would block every drain");
            }
        }
        if (autoscaler(prod, "gateway-service").isEmpty()) {
            problems.add("the gateway has no HorizontalPodAutoscaler");
        }
        for (JsonNode hpa : prod.ofKind("HorizontalPodAutoscaler")) {
            JsonNode target = hpa.path("spec").path("scaleTargetRef");
            if (prod.find(target.path("kind").asText(), target.path("name").asText()).isEmpty()) {
                problems.add(Rendered.name(hpa) + " scales nothing rendered");
            }
        }
        JsonNode kafka = prod.ofKind("Kafka").get(0).path("spec").path("kafka").path("config");
        int brokers = prod.ofKind("KafkaNodePool").stream().mapToInt(p -> p.path("spec").path("replicas").asInt()).sum();
        int rf = kafka.path("default.replication.factor").asInt(1);
        if (brokers < 3 || rf < 3 || kafka.path("min.insync.replicas").asInt(1) >= rf
                || kafka.path("offsets.topic.replication.factor").asInt(1) < 3) {
            problems.add("Kafka does not survive a broker's loss: " + brokers + " nodes, replication " + rf + ", " + kafka);
        }
        if (prod.ofKind("Cluster").get(0).path("spec").path("instances").asInt(1) < 2) {
            problems.add("PostgreSQL has no standby to fail over to");
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void devIsOneOfEverything() {
        Rendered dev = Overlays.render("overlays/dev");
        for (JsonNode d : dev.workloads()) {
            assertEquals(1, d.path("spec").path("replicas").asInt(), Rendered.name(d));
        }
        assertTrue(dev.ofKind("HorizontalPodAutoscaler").isEmpty(), "no autoscaler in dev");
        assertTrue(dev.ofKind("PodDisruptionBudget").isEmpty(), "no disruption budget in dev (one replica could never move)");
        assertEquals(1, dev.ofKind("KafkaNodePool").get(0).path("spec").path("replicas").asInt());
        assertEquals(1, dev.ofKind("Cluster").get(0).path("spec").path("instances").asInt());
    }

    /**
     * Every Secret is made by a secretGenerator from files the operator provides (here the build's placeholders): a
     * Secret manifest with a value in it, or a generator with a literal, would put a secret into the repository.
     */
    @Test
    void noSecretValueComesFromTheRepository() {
        for (Rendered rendered : Overlays.applied()) {
            List<JsonNode> secrets = rendered.ofKind("Secret");
            assertTrue(secrets.size() >= 2, rendered + " makes the services' Secrets");
            for (JsonNode secret : secrets) {
                assertTrue(secret.path("stringData").isMissingNode(), Rendered.name(secret) + " has stringData");
                secret.path("data").fields().forEachRemaining(e -> assertTrue(
                        new String(Base64.getMimeDecoder().decode(e.getValue().asText()), StandardCharsets.UTF_8)
                                .startsWith("PLACEHOLDER-written-by-the-build"),
                        rendered + ": " + Rendered.name(secret) + " key " + e.getKey() + " does not come from an operator's file"));
            }
        }
    }

    @Test
    void gvisorIsARuntimeClassOfItsOwn() {
        Rendered gvisor = Overlays.render("optional/gvisor");
        List<JsonNode> classes = gvisor.ofKind("RuntimeClass");
        assertEquals(1, classes.size(), "optional/gvisor renders one RuntimeClass");
        assertEquals("runsc", classes.get(0).path("handler").asText());
        assertEquals(classes.size(), gvisor.objects().size(), "optional/gvisor renders nothing else");
    }

    private static Optional<JsonNode> autoscaler(Rendered rendered, String deployment) {
        return rendered.ofKind("HorizontalPodAutoscaler").stream()
                .filter(h -> deployment.equals(h.path("spec").path("scaleTargetRef").path("name").asText()))
                .findFirst();
    }
}
