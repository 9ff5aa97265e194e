package dev.playground.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The environment a Deployment's container will have, resolved against the rendered ConfigMaps and Secrets; values
 * only known at run time (a pod's name, a secret an operator generates) are stood in for by a description in angle
 * brackets. A reference to a missing object or key is a problem.
 */
final class PodEnv {

    /** Keys of the Secret CloudNativePG generates for a Cluster's application owner, {@code <cluster>-app}. */
    static final Set<String> CNPG_APP_SECRET_KEYS = Set.of("username", "password", "host", "port", "dbname", "uri",
            "jdbc-uri", "pgpass", "fqdn-uri", "fqdn-jdbc-uri");

    final Map<String, String> values = new LinkedHashMap<>();
    /** Where each variable's value comes from: "value", "secret NAME/KEY", "configmap NAME/KEY", "field PATH". */
    final Map<String, String> sources = new LinkedHashMap<>();
    final List<String> problems = new java.util.ArrayList<>();

    static PodEnv of(Rendered rendered, JsonNode deployment) {
        PodEnv env = new PodEnv();
        JsonNode container = Rendered.container(deployment);
        for (JsonNode from : container.path("envFrom")) {
            if (from.has("configMapRef")) {
                String name = from.path("configMapRef").path("name").asText();
                rendered.find("ConfigMap", name).ifPresentOrElse(
                        cm -> cm.path("data").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText(),
                                "configmap " + name + "/" + e.getKey())),
                        () -> env.problems.add(Rendered.name(deployment) + ": envFrom ConfigMap " + name + " is not rendered"));
            }
            if (from.has("secretRef")) {
                String name = from.path("secretRef").path("name").asText();
                rendered.find("Secret", name).ifPresentOrElse(
                        s -> s.path("data").fieldNames().forEachRemaining(k -> env.put(k, decode(s, k), "secret " + name + "/" + k)),
                        () -> env.problems.add(Rendered.name(deployment) + ": envFrom Secret " + name + " is not rendered"));
            }
        }
        for (JsonNode e : container.path("env")) {
            String name = e.path("name").asText();
            JsonNode from = e.path("valueFrom");
            if (e.has("value")) {
                env.put(name, e.path("value").asText(), "value");
            } else if (from.has("secretKeyRef")) {
                String secret = from.path("secretKeyRef").path("name").asText();
                String key = from.path("secretKeyRef").path("key").asText();
                Optional<String> value = secretValue(rendered, secret, key);
                if (value.isPresent()) {
                    env.put(name, value.get(), "secret " + secret + "/" + key);
                } else {
                    env.problems.add(Rendered.name(deployment) + ": " + name + " names Secret " + secret + " key " + key
                            + ", which neither the overlay nor an operator makes");
                }
            } else if (from.has("configMapKeyRef")) {
                String cm = from.path("configMapKeyRef").path("name").asText();
                String key = from.path("configMapKeyRef").path("key").asText();
                JsonNode value = rendered.find("ConfigMap", cm).map(c -> c.path("data").path(key)).orElse(null);
                if (value == null || value.isMissingNode()) {
                    env.problems.add(Rendered.name(deployment) + ": " + name + " names ConfigMap " + cm + " key " + key + ", not rendered");
                } else {
                    env.put(name, value.asText(), "configmap " + cm + "/" + key);
                }
            } else if (from.has("fieldRef")) {
                env.put(name, "<" + from.path("fieldRef").path("fieldPath").asText() + ">", "field");
            } else {
                env.problems.add(Rendered.name(deployment) + ": " + name + " has no value");
            }
        }
        return env;
    }

    /** A secret's value: from a rendered Secret, or a stand-in for one an operator generates at run time. */
    static Optional<String> secretValue(Rendered rendered, String secret, String key) {
        Optional<JsonNode> s = rendered.find("Secret", secret);
        if (s.isPresent()) {
            return s.get().path("data").has(key) ? Optional.of(decode(s.get(), key)) : Optional.empty();
        }
        for (JsonNode cluster : rendered.ofKind("Cluster")) {
            if ((cluster.path("metadata").path("name").asText() + "-app").equals(secret) && CNPG_APP_SECRET_KEYS.contains(key)) {
                return Optional.of("<CloudNativePG " + secret + "/" + key + ">");
            }
        }
        return Optional.empty();
    }

    /** MIME: newer kustomize folds long values over several lines. */
    private static String decode(JsonNode secret, String key) {
        return new String(Base64.getMimeDecoder().decode(secret.path("data").path(key).asText()), StandardCharsets.UTF_8);
    }

    private void put(String name, String value, String source) {
        values.put(name, value);
        sources.put(name, source);
    }
}
