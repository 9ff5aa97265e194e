package dev.playground.gateway.routing;

/** A service behind the gateway. */
public enum Downstream {
    EXECUTOR("executor-service"),
    SESSION("session-service"),
    TERMINAL("terminal-service");

    private final String serviceName;

    Downstream(String serviceName) {
        this.serviceName = serviceName;
    }

    /** The name used in logs, problem details and GET /api/v1/health. */
    public String serviceName() {
        return serviceName;
    }
}
