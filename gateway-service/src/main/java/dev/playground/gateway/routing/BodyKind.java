package dev.playground.gateway.routing;

/** What a route accepts as a request body; decides the size cap and the content-type check. */
public enum BodyKind {
    /** JSON documents: Content-Type must be application/json (or a +json type). */
    JSON,
    /** JSON carrying source files inline (POST /api/v1/executions). */
    EXECUTION_JSON,
    /** JSON carrying many files (files:sync). */
    FILE_JSON,
    /** Raw bytes of one file, any content type. */
    FILE_BYTES
}
