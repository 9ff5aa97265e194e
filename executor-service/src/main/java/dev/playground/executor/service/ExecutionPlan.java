package dev.playground.executor.service;

import dev.playground.executor.runtime.Runtime;
import dev.playground.executor.sandbox.SandboxJob;

/**
 * A validated request: the runtime it runs on, the session it runs in (or null for a fresh sandbox), and the sandbox
 * job with every limit resolved.
 */
public record ExecutionPlan(Runtime runtime, String sessionId, SandboxJob job) {
}
