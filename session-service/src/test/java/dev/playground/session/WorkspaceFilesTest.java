package dev.playground.session;

import static dev.playground.session.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;

import dev.playground.contract.testing.KafkaTestBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One session shared by every story here (files, traversal and symlink attempts, archives, exec), made by the
 * first test that needs it; the test environment removes it with everything else of its instance.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
@QuarkusTestResource(SessionTestEnvironment.class)
class WorkspaceFilesTest {
    static final String OWNER = "files-" + System.nanoTime();
    static String id;
    String base;

    @BeforeEach
    void session() {
        if (id == null) {
            id = Api.createSession(OWNER, Map.of("template", "python", "limits", Map.of("diskMb", 16)));
        }
        base = "/api/v1/sessions/" + id;
    }

    @Test
    void binaryFilesRoundTripByteForByte() {
        byte[] every = new byte[256];
        for (int i = 0; i < 256; i++) {
            every[i] = (byte) i;
        }
        byte[] big = new byte[1 << 20];
        new Random(42).nextBytes(big);
        for (var file : Map.of("bin/every-byte.bin", every, "bin/random%201MB.bin", big, "empty", new byte[0])
                .entrySet()) {
            as(OWNER).contentType("application/octet-stream").body(file.getValue())
                    .urlEncodingEnabled(false).put(base + "/files/" + file.getKey()).then().statusCode(200)
                    .body("size", equalTo(file.getValue().length));
            byte[] back = as(OWNER).urlEncodingEnabled(false).get(base + "/files/" + file.getKey()).then().statusCode(200)
                    .extract().asByteArray();
            assertThat(back).isEqualTo(file.getValue());
        }
        // the file really is the sandbox user's, as a program in the session sees it
        var ls = Api.exec(OWNER, id, "stat -c '%U %s' 'bin/random 1MB.bin'");
        assertThat((String) ls.get("stdout")).isEqualTo("sandbox 1048576\n");
    }

    @Test
    void theTreeListsWhatIsThereAndDeleteRemovesIt() {
        as(OWNER).urlEncodingEnabled(false).body(List.of(
                        Map.of("path", "proj/src/main.py", "content", "print('hi')\n"),
                        Map.of("path", "proj/README.md", "content", "# proj", "encoding", "utf8"),
                        Map.of("path", "proj/logo.png", "content",
                                Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G'}),
                                "encoding", "base64")))
                .post(base + "/files%3Async") // some clients percent-encode the colon
                .then().statusCode(200).body("written", equalTo(3));
        as(OWNER).queryParam("path", "proj").get(base + "/files").then().statusCode(200)
                .body("entries.path", hasItems("proj/src", "proj/src/main.py", "proj/README.md", "proj/logo.png"))
                .body("entries.find { it.path == 'proj/src' }.type", equalTo("directory"))
                .body("entries.find { it.path == 'proj/logo.png' }.size", equalTo(4));
        assertThat(as(OWNER).get(base + "/files/proj/logo.png").then().statusCode(200).extract().asByteArray())
                .containsExactly(0x89, 'P', 'N', 'G');
        var run = Api.exec(OWNER, id, "cd proj && python3 src/main.py");
        assertThat(run.get("stdout")).isEqualTo("hi\n");

        as(OWNER).delete(base + "/files/proj/src").then().statusCode(204);
        as(OWNER).queryParam("path", "proj").get(base + "/files").then().statusCode(200)
                .body("entries.path", not(hasItem("proj/src/main.py")));
        as(OWNER).get(base + "/files/proj/src/main.py").then().statusCode(404)
                .contentType("application/problem+json");
        as(OWNER).delete(base + "/files/proj/nothing-here").then().statusCode(404);
    }

    @Test
    void pathsThatClimbOutAreRefusedAndChangeNothing() {
        // in a URL, the HTTP layer removes dot segments before routing: these never reach a file operation
        as(OWNER).urlEncodingEnabled(false).get(base + "/files/%2E%2E/%2E%2E/etc/passwd").then()
                .statusCode(anyOf(equalTo(404), equalTo(422))).contentType("application/problem+json");
        as(OWNER).urlEncodingEnabled(false).body("x").put(base + "/files/a/%2E%2E/%2E%2E/escape").then()
                .statusCode(anyOf(equalTo(404), equalTo(422)));
        // in a body or a query, '..' reaches the service and is refused
        as(OWNER).body(List.of(Map.of("path", "a/../../escape", "content", "x")))
                .post(base + "/files:sync").then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString(".."));
        as(OWNER).urlEncodingEnabled(false).body(List.of(Map.of("path", "ok.txt", "content", "fine"),
                        Map.of("path", "/etc/passwd", "content", "root::0:0")))
                .post(base + "/files:sync").then().statusCode(422).body("detail", containsString("absolute"));
        as(OWNER).urlEncodingEnabled(false).body(List.of(Map.of("path", "nul\u0000byte", "content", "x")))
                .post(base + "/files:sync").then().statusCode(422).body("detail", containsString("NUL"));
        as(OWNER).queryParam("path", "../..").get(base + "/files").then().statusCode(422);
        // none of the refused batch was written
        as(OWNER).get(base + "/files/ok.txt").then().statusCode(404);
    }

    @Test
    void symlinksLeadingOutOfTheWorkspaceAreRefused() {
        var made = Api.exec(OWNER, id, "mkdir -p links && cd links && ln -sf /etc out && ln -sf /etc/passwd pw "
                + "&& ln -sf ../../.. up && echo inside > real.txt && ln -sf real.txt alias");
        assertThat(made.get("exitCode")).isEqualTo(0);
        as(OWNER).get(base + "/files/links/pw").then().statusCode(422)
                .body("detail", containsString("leads out of the workspace"));
        as(OWNER).get(base + "/files/links/out/hostname").then().statusCode(422);
        as(OWNER).body("owned").put(base + "/files/links/out/evil.conf").then().statusCode(422);
        as(OWNER).body("owned").put(base + "/files/links/pw").then().statusCode(422);
        as(OWNER).body("owned").put(base + "/files/links/up/tmp/x").then().statusCode(422);
        as(OWNER).queryParam("path", "links/out").get(base + "/files").then().statusCode(422);
        // a link that stays inside works, and deleting a link never touches its target
        assertThat(as(OWNER).get(base + "/files/links/alias").then().statusCode(200).extract().asString())
                .isEqualTo("inside\n");
        as(OWNER).delete(base + "/files/links/out").then().statusCode(204);
        var etc = Api.exec(OWNER, id, "test -f /etc/passwd && echo still-there");
        assertThat(etc.get("stdout")).isEqualTo("still-there\n");
    }

    @Test
    void filesAndTheWorkspaceHaveSizeLimits() {
        byte[] tooBig = new byte[2 * 1024 * 1024 + 1];
        as(OWNER).contentType("application/octet-stream").body(tooBig).put(base + "/files/big.bin")
                .then().statusCode(413).contentType("application/problem+json");
        // 16 MB workspace: nine 2 MB files do not fit, and none of them is written
        List<Map<String, String>> batch = new java.util.ArrayList<>();
        String twoMb = Base64.getEncoder().encodeToString(new byte[2 * 1024 * 1024]);
        for (int i = 0; i < 9; i++) {
            batch.add(Map.of("path", "fill/" + i + ".bin", "content", twoMb, "encoding", "base64"));
        }
        as(OWNER).urlEncodingEnabled(false).body(batch).post(base + "/files:sync").then().statusCode(413)
                .body("detail", containsString("limit"));
        as(OWNER).get(base + "/files/fill/0.bin").then().statusCode(404);
    }

    @Test
    void theWorkspaceDownloadsAsTarOrZip() throws Exception {
        as(OWNER).urlEncodingEnabled(false).body(List.of(Map.of("path", "dl/a.txt", "content", "alpha"),
                Map.of("path", "dl/sub/b.txt", "content", "beta"))).post(base + "/files:sync").then().statusCode(200);
        byte[] tar = as(OWNER).urlEncodingEnabled(false).queryParam("path", "dl").get(base + "/files:archive").then().statusCode(200)
                .contentType("application/x-tar").extract().asByteArray();
        Map<String, String> fromTar = new HashMap<>();
        try (var in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.isFile()) {
                    fromTar.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(fromTar).containsEntry("./a.txt", "alpha").containsEntry("./sub/b.txt", "beta");

        byte[] zip = as(OWNER).urlEncodingEnabled(false).queryParam("path", "dl").queryParam("format", "zip").get(base + "/files:archive")
                .then().statusCode(200).contentType("application/zip").extract().asByteArray();
        Map<String, String> fromZip = new HashMap<>();
        try (var in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (!e.isDirectory()) {
                    fromZip.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(fromZip).containsEntry("a.txt", "alpha").containsEntry("sub/b.txt", "beta");
    }

    @Test
    void commandsRunWithOutputExitCodeAndATimeout() {
        var ok = as(OWNER).body(Map.of("command", "echo out; echo err >&2; exit 3"))
                .post(base + "/exec").then().statusCode(200).extract().as(Map.class);
        assertThat(ok).containsEntry("stdout", "out\n").containsEntry("stderr", "err\n")
                .containsEntry("exitCode", 3).containsEntry("timedOut", false);
        var argv = as(OWNER).body(Map.of("command", List.of("python3", "-c", "import sys; print(sys.argv)", "a b")))
                .post(base + "/exec").then().statusCode(200).extract().as(Map.class);
        assertThat(argv.get("stdout")).isEqualTo("['-c', 'a b']\n");
        var slow = as(OWNER).body(Map.of("command", "sleep 30", "timeoutMs", 1000))
                .post(base + "/exec").then().statusCode(200).extract().as(Map.class);
        assertThat(slow).containsEntry("timedOut", true);
        assertThat((Integer) slow.get("durationMs")).isLessThan(10_000);
        as(OWNER).body(Map.of("command", "true", "timeoutMs", 0)).post(base + "/exec").then().statusCode(422);
        as(OWNER).body(Map.of("timeoutMs", 10)).post(base + "/exec").then().statusCode(422)
                .body("detail", containsString("command"));
    }
}
