package dev.playground.executor.listener;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.playground.contract.execution.ExecutionControl;
import dev.playground.executor.service.ExecutionService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Control messages from {@code playground.execution.control} (a cancel that reached another instance). Every executor
 * instance reads the whole topic in its own consumer group and acts only on executions it runs.
 */
@ApplicationScoped
public class ControlListener {

    private static final Logger LOG = Logger.getLogger(ControlListener.class);

    private final ExecutionService executions;
    private final ObjectMapper json;

    ControlListener(ExecutionService executions, ObjectMapper json) {
        this.executions = executions;
        this.json = json;
    }

    @Incoming("execution-control")
    public void onControl(String value) {
        ExecutionControl msg;
        try {
            msg = json.readValue(value, ExecutionControl.class);
        } catch (Exception e) {
            LOG.warnf("unreadable control message skipped: %s", e.getMessage());
            return;
        }
        if (msg.executionId() != null && msg.type() == ExecutionControl.Type.CANCEL) {
            executions.cancelHere(msg.owner(), msg.executionId());
        }
    }
}
