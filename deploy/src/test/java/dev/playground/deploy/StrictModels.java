package dev.playground.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import java.util.Map;

/**
 * The typed API models of every kind deploy/ uses: fabric8's for Kubernetes' own kinds, Strimzi's for Kafka's. Both
 * keep unknown fields in an "additional properties" map instead of failing; parsed here with that map switched off and
 * unknown properties failing, a misspelt or misplaced field, or a field of another API version, fails with its path.
 */
final class StrictModels {

    /** apiVersion/kind → model class. A kind or API version not listed here fails the build until someone checks it. */
    static final Map<String, Class<?>> MODELS = Map.ofEntries(
            Map.entry("v1/Namespace", io.fabric8.kubernetes.api.model.Namespace.class),
            Map.entry("v1/ConfigMap", io.fabric8.kubernetes.api.model.ConfigMap.class),
            Map.entry("v1/Secret", io.fabric8.kubernetes.api.model.Secret.class),
            Map.entry("v1/Service", io.fabric8.kubernetes.api.model.Service.class),
            Map.entry("apps/v1/Deployment", io.fabric8.kubernetes.api.model.apps.Deployment.class),
            Map.entry("apps/v1/StatefulSet", io.fabric8.kubernetes.api.model.apps.StatefulSet.class),
            Map.entry("networking.k8s.io/v1/Ingress", io.fabric8.kubernetes.api.model.networking.v1.Ingress.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler",
                    io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class),
            Map.entry("policy/v1/PodDisruptionBudget", io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class),
            Map.entry("node.k8s.io/v1/RuntimeClass", io.fabric8.kubernetes.api.model.node.v1.RuntimeClass.class),
            Map.entry("kafka.strimzi.io/v1/Kafka", io.strimzi.api.kafka.model.kafka.Kafka.class),
            Map.entry("kafka.strimzi.io/v1/KafkaNodePool", io.strimzi.api.kafka.model.nodepool.KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1/KafkaTopic", io.strimzi.api.kafka.model.topic.KafkaTopic.class));

    /** Kinds no Java model is used for: their spec is checked against a schema cut from the operator's CRD. */
    static final Map<String, String> CRD_SCHEMAS = Map.of(
            "postgresql.cnpg.io/v1/Cluster", "Cluster.postgresql.cnpg.io_v1.yaml",
            "kafka.strimzi.io/v1/Kafka", "Kafka.kafka.strimzi.io_v1.yaml",
            "kafka.strimzi.io/v1/KafkaNodePool", "KafkaNodePool.kafka.strimzi.io_v1.yaml",
            "kafka.strimzi.io/v1/KafkaTopic", "KafkaTopic.kafka.strimzi.io_v1.yaml");

    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated a) {
                    return Boolean.FALSE;
                }

                @Override
                public JsonIgnoreProperties.Value findPropertyIgnoralByName(MapperConfig<?> config, Annotated a) {
                    JsonIgnoreProperties.Value v = super.findPropertyIgnoralByName(config, a);
                    return v == null ? null : v.withoutIgnoreUnknown();
                }
            });

    static String type(JsonNode object) {
        return object.path("apiVersion").asText() + "/" + object.path("kind").asText();
    }

    /** Parses the object into its model; throws with the offending field's path when it does not fit. */
    static Object parse(JsonNode object) throws Exception {
        Class<?> model = MODELS.get(type(object));
        if (model == null) {
            throw new IllegalArgumentException("no model for " + type(object));
        }
        return STRICT.readerFor(model).readValue(STRICT.treeAsTokens(object));
    }

    /** ObjectMeta of a custom resource (its schema leaves metadata to the API server). */
    static void parseMetadata(JsonNode object) throws Exception {
        STRICT.readerFor(io.fabric8.kubernetes.api.model.ObjectMeta.class).readValue(STRICT.treeAsTokens(object.path("metadata")));
    }

    private StrictModels() {
    }
}
