package dev.playground.executor.listener;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.playground.contract.execution.StdinMessage;
import dev.playground.executor.service.ExecutionService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Interactive stdin from {@code playground.execution.stdin} (an inbound adapter, like rest/). Every executor instance reads the whole topic in
 * its own consumer group (configured in application.properties) and keeps only the executions it runs.
 */
@ApplicationScoped
public class StdinListener {

    private static final Logger LOG = Logger.getLogger(StdinListener.class);

    private final ExecutionService executions;
    private final ObjectMapper json;

    StdinListener(ExecutionService executions, ObjectMapper json) {
        this.executions = executions;
        this.json = json;
    }

    @Incoming("execution-stdin")
    public void onStdin(String value) {
        StdinMessage msg;
        try {
            msg = json.readValue(value, StdinMessage.class);
        } catch (Exception e) {
            LOG.warnf("unreadable stdin message skipped: %s", e.getMessage());
            return;
        }
        if (msg.executionId() != null) {
            executions.feedStdin(msg);
        }
    }
}
