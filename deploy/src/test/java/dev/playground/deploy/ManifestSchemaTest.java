package dev.playground.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What `kubectl apply -k` would send fits the API: every rendered object parses strictly into its kind's model
 * (a misspelt field, a field of another API version or a value of the wrong type fails here, not on a cluster), and
 * every operator resource fits its CRD's schema.
 */
class ManifestSchemaTest {

    static Stream<Rendered> kustomizations() {
        return Overlays.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void everyObjectFitsItsKindsModel(Rendered rendered) {
        List<String> problems = new ArrayList<>();
        for (JsonNode object : rendered.objects()) {
            String type = StrictModels.type(object);
            if (!StrictModels.MODELS.containsKey(type) && !StrictModels.CRD_SCHEMAS.containsKey(type)) {
                problems.add(Rendered.name(object) + ": " + type + " is no kind deploy/ knows; check that the API version "
                        + "is served by the Kubernetes and operator versions deploy/README.md names, then add it to StrictModels");
                continue;
            }
            try {
                if (StrictModels.MODELS.containsKey(type)) {
                    StrictModels.parse(object);
                } else {
                    StrictModels.parseMetadata(object);
                }
            } catch (Exception e) {
                problems.add(Rendered.name(object) + " (" + type + "): " + e.getMessage().lines().findFirst().orElse(""));
            }
            if (StrictModels.CRD_SCHEMAS.containsKey(type)) {
                CrdSchema.load(StrictModels.CRD_SCHEMAS.get(type)).violations(object)
                        .forEach(v -> problems.add(Rendered.name(object) + ": " + v));
            }
        }
        assertTrue(problems.isEmpty(), rendered + ":\n  " + String.join("\n  ", problems));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void objectsAreNamedOnceAndNamespacedTogether(Rendered rendered) {
        Set<String> seen = new HashSet<>();
        Set<String> namespaces = new HashSet<>();
        for (JsonNode object : rendered.objects()) {
            assertTrue(seen.add(StrictModels.type(object) + "/" + object.path("metadata").path("name").asText()),
                    rendered + " renders " + Rendered.name(object) + " twice");
            JsonNode ns = object.path("metadata").path("namespace");
            if (!ns.isMissingNode()) {
                namespaces.add(ns.asText());
            }
        }
        if (Overlays.APPLIED.contains(rendered.name())) {
            assertEquals(1, namespaces.size(), rendered + " puts everything in one namespace: " + namespaces);
            String namespace = namespaces.iterator().next();
            rendered.get("Namespace", namespace);
            for (JsonNode object : rendered.objects()) {
                if (!"Namespace".equals(object.path("kind").asText())) {
                    assertEquals(namespace, object.path("metadata").path("namespace").asText(),
                            Rendered.name(object) + " is in the overlay's namespace");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void resourceQuantitiesParse(Rendered rendered) {
        for (JsonNode object : rendered.objects()) {
            object.findParents("requests").forEach(r -> quantities(object, r.path("requests")));
            object.findParents("limits").forEach(r -> quantities(object, r.path("limits")));
        }
    }

    private static void quantities(JsonNode object, JsonNode map) {
        if (!map.isObject()) {
            return;
        }
        map.fields().forEachRemaining(e -> {
            try {
                Quantity.getAmountInBytes(new Quantity(e.getValue().asText()));
            } catch (RuntimeException ex) {
                fail(Rendered.name(object) + ": " + e.getKey() + " = " + e.getValue() + " is no quantity");
            }
        });
    }
}
