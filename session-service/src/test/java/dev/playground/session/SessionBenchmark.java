package dev.playground.session;

import static dev.playground.session.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

import dev.playground.contract.testing.KafkaTestBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Numbers for the README, through the real HTTP API against real Docker and PostgreSQL. Run on request:
 * {@code ./mvnw -B -pl session-service verify -Dtest=SessionBenchmark -Dbenchmark.excluded=}.
 */
@Tag("benchmark")
@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
@QuarkusTestResource(SessionTestEnvironment.class)
class SessionBenchmark {
    static final int SESSIONS = Integer.getInteger("benchmark.sessions", 30);
    static final int ROUND_TRIPS = Integer.getInteger("benchmark.roundTrips", 50);

    @Test
    void createToRunningAndFileRoundTrips() {
        String owner = "bench-" + System.nanoTime();
        Api.createSession(owner, Map.of("template", "python")); // warm-up, and the session for file round trips
        String id = as(owner).get("/api/v1/sessions").then().extract().path("[0].id");

        long[] create = new long[SESSIONS];
        for (int i = 0; i < SESSIONS; i++) {
            long t0 = System.nanoTime();
            String s = Api.createSession(owner, Map.of("template", "python"));
            create[i] = System.nanoTime() - t0;
            assertThat(Api.state(owner, s)).isEqualTo("RUNNING");
            as(owner).delete("/api/v1/sessions/" + s).then().statusCode(204);
        }
        List<String> lines = new ArrayList<>();
        lines.add(line("create-to-RUNNING (POST /sessions, python)", create));
        for (int size : new int[] {1024, 1024 * 1024}) {
            byte[] data = new byte[size];
            new Random(size).nextBytes(data);
            long[] rt = new long[ROUND_TRIPS];
            for (int i = 0; i < ROUND_TRIPS; i++) {
                long t0 = System.nanoTime();
                as(owner).contentType("application/octet-stream").body(data)
                        .put("/api/v1/sessions/" + id + "/files/bench.bin").then().statusCode(200);
                byte[] back = as(owner).get("/api/v1/sessions/" + id + "/files/bench.bin").then().statusCode(200)
                        .extract().asByteArray();
                rt[i] = System.nanoTime() - t0;
                assertThat(back).isEqualTo(data);
            }
            lines.add(line("file write+read round trip, " + (size / 1024) + " KB", rt));
        }
        as(owner).delete("/api/v1/sessions/" + id).then().statusCode(204);
        System.out.println("\n=== session-service benchmark ===");
        lines.forEach(System.out::println);
    }

    private static String line(String what, long[] nanos) {
        long[] ms = Arrays.stream(nanos).map(n -> n / 1_000_000).sorted().toArray();
        return String.format("%-45s n=%d p50=%d ms p99=%d ms max=%d ms", what, ms.length,
                ms[(int) Math.ceil(0.50 * ms.length) - 1], ms[(int) Math.ceil(0.99 * ms.length) - 1],
                ms[ms.length - 1]);
    }
}
