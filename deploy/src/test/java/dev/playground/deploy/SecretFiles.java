package dev.playground.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The files an overlay's secretGenerator reads: the operator provides them, the build writes placeholders. */
final class SecretFiles {

    static List<String> named(Path kustomization) {
        try {
            JsonNode k = new YAMLMapper().readTree(kustomization.toFile());
            List<String> files = new ArrayList<>();
            for (JsonNode generator : k.path("secretGenerator")) {
                for (JsonNode file : generator.path("files")) {
                    String spec = file.asText();
                    files.add(spec.contains("=") ? spec.substring(spec.indexOf('=') + 1) : spec);
                }
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Recognisably not a secret, and long enough for the services' 32-byte minimum. */
    static String placeholder(String file) {
        return "PLACEHOLDER-written-by-the-build-for-" + file + "-never-a-real-secret";
    }

    private SecretFiles() {
    }
}
