package dev.playground.session;

import static dev.playground.session.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.playground.contract.session.InternalSession;
import dev.playground.contract.session.SessionState;
import dev.playground.contract.testing.KafkaTestBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contract test of the internal session view: what session-service answers on {@code GET /internal/sessions/{id}}
 * is exactly the contract's {@link InternalSession}, which the executor, terminal-service and the gateway read. Read
 * strictly: a field the record does not know, or one it misses, fails here before it fails a consumer.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
@QuarkusTestResource(SessionTestEnvironment.class)
class InternalSessionContractTest {

    @Test
    void theInternalViewIsTheContractsRecordFieldForField() throws Exception {
        String owner = "contract-" + System.nanoTime();
        String id = Api.createSession(owner, Map.of("template", "node", "ports", List.of(3000, 5173)));
        String json = as(owner).get("/internal/sessions/" + id).then().statusCode(200).extract().asString();
        ObjectMapper strict = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        InternalSession session = strict.readValue(json, InternalSession.class);
        assertThat(session.id()).isEqualTo(id);
        assertThat(session.owner()).isEqualTo(owner);
        assertThat(session.state()).isEqualTo(SessionState.RUNNING);
        assertThat(session.host()).isEqualTo("local");
        assertThat(session.containerId()).isNotBlank();
        assertThat(session.workdir()).isEqualTo("/workspace");
        assertThat(session.ports()).containsExactly(3000, 5173);
        assertThat(session.isRunning()).isTrue();
        assertThat(session.exposes(5173)).isTrue();
        assertThat(session.exposes(22)).isFalse();
        // every field the producer sends is one the record has, and the other way round
        assertThat(strict.readTree(json).size()).isEqualTo(InternalSession.class.getRecordComponents().length);
        as(owner).delete("/api/v1/sessions/" + id).then().statusCode(204);
    }
}
