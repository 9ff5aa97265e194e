package dev.playground.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/** The objects one kustomization renders to, as kubectl would send them to the API server. */
record Rendered(String name, List<JsonNode> objects) {

    List<JsonNode> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    Optional<JsonNode> find(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name.equals(o.path("metadata").path("name").asText())).findFirst();
    }

    JsonNode get(String kind, String name) {
        return find(kind, name).orElseGet(() -> fail(this.name + " renders no " + kind + " " + name));
    }

    /** The kinds that run a service's pods: Deployments, and StatefulSets where a replica needs a stable name. */
    static final List<String> WORKLOAD_KINDS = List.of("Deployment", "StatefulSet");

    List<JsonNode> workloads() {
        return objects.stream().filter(o -> WORKLOAD_KINDS.contains(o.path("kind").asText())).toList();
    }

    Optional<JsonNode> findWorkload(String name) {
        return workloads().stream().filter(o -> name.equals(o.path("metadata").path("name").asText())).findFirst();
    }

    JsonNode workload(String name) {
        return findWorkload(name).orElseGet(() -> fail(this.name + " renders no Deployment or StatefulSet " + name));
    }

    /** A generated object (ConfigMap, Secret) by the name it was given before kustomize added its content hash. */
    Optional<JsonNode> findGenerated(String kind, String name) {
        List<JsonNode> matches = ofKind(kind).stream()
                .filter(o -> o.path("metadata").path("name").asText().matches(java.util.regex.Pattern.quote(name) + "(-[a-z0-9]{10})?"))
                .toList();
        if (matches.size() > 1) {
            fail(this.name + " renders " + matches.size() + " objects for " + kind + " " + name);
        }
        return matches.stream().findFirst();
    }

    /** The single container of a workload's pods (each service runs alone in its pod). */
    static JsonNode container(JsonNode deployment) {
        JsonNode containers = deployment.path("spec").path("template").path("spec").path("containers");
        assertEquals(1, containers.size(), name(deployment) + " has one container");
        return containers.get(0);
    }

    static String name(JsonNode object) {
        return object.path("kind").asText() + " " + object.path("metadata").path("name").asText();
    }

    @Override
    public String toString() {
        return name;
    }
}
