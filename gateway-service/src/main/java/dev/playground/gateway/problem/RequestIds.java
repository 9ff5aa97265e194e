package dev.playground.gateway.problem;

import java.util.UUID;
import java.util.regex.Pattern;

/** X-Request-Id: kept when the caller sent a sane one, generated otherwise. */
public final class RequestIds {

    /** Key under which the request id is kept in the routing context. */
    public static final String CONTEXT_KEY = "gateway.requestId";
    // Only characters that cannot forge log lines or headers; anything else is replaced by a fresh id.
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private RequestIds() {
    }

    /** The caller's id when it is safe to log and forward, else a new random one. */
    public static String accept(String incoming) {
        return incoming != null && SAFE.matcher(incoming).matches() ? incoming : UUID.randomUUID().toString();
    }
}
