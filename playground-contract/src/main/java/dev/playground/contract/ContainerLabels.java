package dev.playground.contract;

import java.util.Map;

/** Labels every container and volume the system creates carries; nothing unlabelled is ever touched. */
public final class ContainerLabels {
    public static final String MANAGED = "playground.managed";
    public static final String KIND = "playground.kind";
    public static final String ID = "playground.id";
    public static final String OWNER = "playground.owner";
    /**
     * The deployment that created the container (config {@code playground.instance}). Reapers and reconcilers
     * touch only their own instance's containers, so a test run and the local stack can share one engine.
     */
    public static final String INSTANCE = "playground.instance";

    /** executor-service: the executor instance (of several) that runs the sandbox (config {@code playground.executor.replica}). */
    public static final String REPLICA = "playground.replica";
    /** executor-service: the language of an execution's sandbox, so a later process can close an orphaned run with it. */
    public static final String LANGUAGE = "playground.language";
    /** executor-service: the runtime version of an execution's sandbox, for the same reason. */
    public static final String VERSION = "playground.version";
    /** executor-service: the process that made a warm sandbox; one of an earlier process is a leftover. */
    public static final String BOOT = "playground.boot";
    /** executor-service: the runtime image a warm sandbox is for. */
    public static final String POOL_IMAGE = "playground.pool.image";
    /** session-service: the role of a short-lived helper container of a session (removed once it is done). */
    public static final String ROLE = "playground.role";
    /** session-service: the epoch second past which a helper container has outlived its work. */
    public static final String DEADLINE = "playground.deadline";

    public static final String KIND_EXECUTION = "execution";
    public static final String KIND_SESSION = "session";
    /**
     * A warm execution sandbox waiting for a run (executor-service's pool). When a run takes it, it is renamed
     * {@code playground-exec-<executionId>_<language>_<version>_<principal in hex>}: labels cannot change, the name can.
     */
    public static final String KIND_POOL = "pool";
    /** The owner label of a container no principal owns yet (a warm sandbox). */
    public static final String NO_OWNER = "-";

    /** The labels of a new container or volume. */
    public static Map<String, String> of(String instance, String kind, String id, String owner) {
        return Map.of(MANAGED, "true", INSTANCE, instance, KIND, kind, ID, id, OWNER, owner);
    }

    /** Docker label filters (key=value) matching every container of one kind made by one instance. */
    public static java.util.List<String> filter(String instance, String kind) {
        return java.util.List.of(MANAGED + "=true", INSTANCE + "=" + instance, KIND + "=" + kind);
    }

    private ContainerLabels() {
    }
}
