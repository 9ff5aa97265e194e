package dev.playground.gateway.auth;

import dev.playground.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The operator's API keys, held only as SHA-256 hashes: a leaked config reveals no usable key. A presented key is
 * hashed and compared in constant time against every configured hash.
 */
@ApplicationScoped
public class ApiKeys {

    private static final Logger LOG = Logger.getLogger(ApiKeys.class);
    // Starts with a letter or digit: "-" is the owner of what no principal owns yet (warm sandboxes, pooled sessions).
    private static final Pattern PRINCIPAL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    private final Map<String, byte[]> hashByPrincipal;

    public ApiKeys(GatewayConfig config) {
        this.hashByPrincipal = parse(config.apiKeys().orElse(""));
        if (hashByPrincipal.isEmpty()) {
            LOG.warn("GATEWAY_API_KEYS is empty: every API request will be refused with 401");
        } else {
            LOG.infof("API keys configured for principals %s", hashByPrincipal.keySet());
        }
    }

    /** Parses {@code principal:sha256hex[,...]}; a malformed entry stops startup rather than silently locking someone out. */
    static Map<String, byte[]> parse(String spec) {
        Map<String, byte[]> result = new LinkedHashMap<>();
        for (String entry : spec.split(",")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            String principal = colon > 0 ? trimmed.substring(0, colon) : "";
            String hash = colon > 0 ? trimmed.substring(colon + 1) : "";
            if (!PRINCIPAL.matcher(principal).matches() || !SHA256_HEX.matcher(hash).matches()) {
                throw new IllegalArgumentException("GATEWAY_API_KEYS entry '" + abbreviate(trimmed)
                        + "' is not principal:sha256hex (principal of [A-Za-z0-9._@-] starting with a letter or digit, 64 hex digits)");
            }
            result.put(principal, HexFormat.of().parseHex(hash));
        }
        return Map.copyOf(result);
    }

    /** The principal owning this key, if any. */
    public Optional<String> principalFor(String presentedKey) {
        if (presentedKey == null || presentedKey.isBlank()) {
            return Optional.empty();
        }
        byte[] hash = sha256(presentedKey.trim());
        String match = null;
        // Compare against every entry so the time taken does not depend on which one matches.
        for (Map.Entry<String, byte[]> e : hashByPrincipal.entrySet()) {
            if (MessageDigest.isEqual(hash, e.getValue())) {
                match = e.getKey();
            }
        }
        return Optional.ofNullable(match);
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static String abbreviate(String entry) {
        int colon = entry.indexOf(':');
        return colon > 0 ? entry.substring(0, colon) + ":..." : "...";
    }
}
