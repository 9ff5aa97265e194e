package dev.playground.gateway.routing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Routing decides on the raw path and forwards that same path, so a path a downstream might normalise into
 * something else (for example {@code /api/v1/sessions/../../internal/...}) must never be forwarded.
 */
public final class PathSafety {

    private PathSafety() {
    }

    /** True when no segment is empty (except a trailing slash), "." or "..", even once percent-decoded. */
    public static boolean isCanonical(String path) {
        if (path == null || !path.startsWith("/") || path.indexOf('\\') >= 0) {
            return false;
        }
        String[] segments = path.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.isEmpty()) {
                if (i == segments.length - 1) {
                    continue;
                }
                return false;
            }
            String decoded;
            try {
                decoded = URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return false;
            }
            if (decoded.equals(".") || decoded.equals("..") || decoded.indexOf('/') >= 0
                    || decoded.indexOf('\\') >= 0 || decoded.indexOf('\0') >= 0) {
                return false;
            }
        }
        return true;
    }
}
