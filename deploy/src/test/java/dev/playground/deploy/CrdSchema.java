package dev.playground.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A CRD's structural schema (openAPIV3Schema), applied the way the API server prunes and validates: a field the schema
 * does not name is an error here (the server would drop it silently), as are wrong types, values outside an enum and
 * missing required fields. Schemas are cut from the operators' CRDs by src/test/resources/crd-schemas/trim-crd.py.
 */
final class CrdSchema {

    private final JsonNode spec;

    private CrdSchema(JsonNode spec) {
        this.spec = spec;
    }

    static CrdSchema load(String resource) {
        try (InputStream in = CrdSchema.class.getResourceAsStream("/crd-schemas/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("no schema crd-schemas/" + resource);
            }
            return new CrdSchema(new YAMLMapper().readTree(in).path("spec"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every way the object's spec breaks the schema, each with its path; empty when it fits. */
    List<String> violations(JsonNode object) {
        List<String> out = new ArrayList<>();
        check(spec, object.path("spec"), "spec", out);
        return out;
    }

    private static void check(JsonNode schema, JsonNode value, String path, List<String> out) {
        if (schema.path("x-trimmed").asBoolean()) {
            out.add(path + ": the CRD has this field but the trimmed schema does not describe it: run trim-crd.py again");
            return;
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
            if (!value.isIntegralNumber() && !value.isTextual()) {
                out.add(path + ": an integer or a string, not " + value.getNodeType());
            }
            return;
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "object" -> {
                if (!value.isObject()) {
                    out.add(path + ": an object, not " + value.getNodeType());
                    return;
                }
                for (JsonNode required : schema.path("required")) {
                    if (!value.has(required.asText())) {
                        out.add(path + "." + required.asText() + ": required");
                    }
                }
                JsonNode properties = schema.path("properties");
                JsonNode additional = schema.path("additionalProperties");
                boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean();
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    String at = path + "." + field.getKey();
                    if (properties.has(field.getKey())) {
                        check(properties.get(field.getKey()), field.getValue(), at, out);
                    } else if (additional.isObject()) {
                        check(additional, field.getValue(), at, out);
                    } else if (!preserve && !additional.asBoolean(false)) {
                        out.add(at + ": no such field (the API server would drop it)");
                    }
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    out.add(path + ": a list, not " + value.getNodeType());
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    check(schema.path("items"), value.get(i), path + "[" + i + "]", out);
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    out.add(path + ": a string, not " + value.getNodeType() + " (quote it)");
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    out.add(path + ": an integer, not " + value.getNodeType());
                }
            }
            case "number" -> {
                if (!value.isNumber()) {
                    out.add(path + ": a number, not " + value.getNodeType());
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    out.add(path + ": true or false, not " + value.getNodeType());
                }
            }
            case "" -> {
                // No type: anything (x-kubernetes-preserve-unknown-fields values, e.g. Kafka's config map).
            }
            default -> out.add(path + ": unknown schema type " + type);
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode allowed : schema.path("enum")) {
                listed |= allowed.equals(value) || allowed.asText().equals(value.asText());
            }
            if (!listed) {
                out.add(path + ": " + value + " is not one of " + schema.path("enum"));
            }
        }
    }
}
