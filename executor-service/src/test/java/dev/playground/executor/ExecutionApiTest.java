package dev.playground.executor;

import static dev.playground.executor.ExecutionTestSupport.newPrincipal;
import static dev.playground.executor.ExecutionTestSupport.runAsync;
import static dev.playground.executor.ExecutionTestSupport.runSync;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

import dev.playground.contract.Principal;
import dev.playground.contract.testing.TestSecrets;
import dev.playground.contract.execution.ExecutionEvent;
import dev.playground.contract.execution.ExecutionEventType;
import dev.playground.contract.testing.KafkaTestBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaTestBroker.class)
class ExecutionApiTest {

    @Test
    void listsTheRuntimesToSignedInCallersOnly() {
        ExecutionTestSupport.as("alice").when().get("/api/v1/runtimes").then().statusCode(200)
                .body("language", hasItems("python", "javascript", "typescript", "java", "c", "cpp", "go", "rust", "ruby", "php", "lua", "bash"))
                .body("find { it.language == 'python' }.aliases", hasItems("py"))
                .body("find { it.language == 'c' }.compiled", equalTo(true))
                .body("find { it.language == 'python' }.extension", equalTo("py"));
        given().when().get("/api/v1/runtimes").then().statusCode(401)
                .contentType("application/problem+json").body("detail", containsString(Principal.HEADER));
    }

    @Test
    void helloWorldRunsInEveryLanguageJavaWithin128Mb() {
        record Case(String language, String code, Map<String, Object> extra) {
        }
        List<Case> cases = List.of(
                new Case("python", "import sys\nprint('hello', sys.argv[1], input())", Map.of("args", List.of("arg"), "stdin", "in\n")),
                new Case("javascript", "console.log('hello', process.argv[2])", Map.of("args", List.of("arg"))),
                // tsc is slow (seconds of CPU); room for a machine busy with other builds.
                new Case("typescript", "const who: string = 'arg';\nconsole.log('hello', who)",
                        Map.of("compileLimits", Map.of("wallTimeMs", 60000, "cpuTimeMs", 60000))),
                new Case("java", "public class Hello { public static void main(String[] a) { System.out.println(\"hello \" + a[0]); } }",
                        Map.of("args", List.of("arg"), "limits", Map.of("memoryMb", 128, "wallTimeMs", 30000))),
                new Case("c", "#include <stdio.h>\nint main(int c, char** v){printf(\"hello %s\\n\", v[1]);return 0;}",
                        Map.of("args", List.of("arg"))),
                new Case("cpp", "#include <iostream>\nint main(int c, char** v){std::cout << \"hello \" << v[1] << std::endl;}",
                        Map.of("args", List.of("arg"))),
                new Case("go", "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc main() { fmt.Println(\"hello\", os.Args[1]) }\n",
                        Map.of("args", List.of("arg"))),
                new Case("rust", "fn main() { let a: Vec<String> = std::env::args().collect(); println!(\"hello {}\", a[1]); }",
                        Map.of("args", List.of("arg"))),
                new Case("ruby", "puts \"hello #{ARGV[0]}\"", Map.of("args", List.of("arg"))),
                new Case("php", "<?php echo \"hello {$argv[1]}\\n\";", Map.of("args", List.of("arg"))),
                new Case("lua", "print('hello ' .. arg[1])", Map.of("args", List.of("arg"))),
                new Case("bash", "echo \"hello $1\"", Map.of("args", List.of("arg"))));
        String user = newPrincipal();
        List<CompletableFuture<Response>> runs = cases.stream().map(c -> CompletableFuture.supplyAsync(() -> {
            Map<String, Object> body = new java.util.HashMap<>(c.extra());
            body.put("language", c.language());
            body.put("code", c.code());
            // Wall time to spare on a machine busy with other builds; the default limits are tested elsewhere.
            body.putIfAbsent("limits", Map.of("wallTimeMs", 30000));
            return runSync(user, body);
        })).toList();
        for (int i = 0; i < cases.size(); i++) {
            Response r = runs.get(i).join();
            String expected = cases.get(i).language().equals("python") ? "hello arg in\n" : "hello arg\n";
            String what = cases.get(i).language() + ": " + r.asString();
            assertEquals(200, r.statusCode(), what);
            assertEquals("OK", r.jsonPath().getString("verdict"), what);
            assertEquals(expected, r.jsonPath().getString("run.stdout"), what);
            assertTrue(r.jsonPath().getLong("run.wallTimeMs") > 0, what);
            assertTrue(r.jsonPath().getLong("run.memoryKb") > 0, what);
            assertEquals("COMPLETED", r.jsonPath().getString("status"), what);
        }
    }

    @Test
    void cppOnBitsStdcxxCompilesWithinTheDefaultLimitsAndAnythingBeforeAnIncludeStillCounts() {
        // <bits/stdc++.h> parsed from source needs more than the default 256 MB at -O2; the image's precompiled
        // header is what makes it fit. A macro before the include makes the header unusable: GCC reads the source.
        String user = newPrincipal();
        Response all = runSync(user, Map.of("language", "cpp", "limits", Map.of("wallTimeMs", 30000),
                "compileLimits", Map.of("wallTimeMs", 30000, "cpuTimeMs", 30000),
                "code", "#include <bits/stdc++.h>\nusing namespace std;\nint main(){vector<int> v{3,1,2};"
                        + " sort(v.begin(), v.end()); for (int x : v) cout << x; cout << endl;}"));
        assertEquals("OK", all.jsonPath().getString("verdict"), all.asString());
        assertEquals("123\n", all.jsonPath().getString("run.stdout"), all.asString());
        Response defined = runSync(user, Map.of("language", "cpp", "limits", Map.of("wallTimeMs", 30000),
                "compileLimits", Map.of("wallTimeMs", 30000, "cpuTimeMs", 30000),
                "code", "#define GREETING \"defined first\"\n#include <iostream>\n"
                        + "int main(){std::cout << GREETING << std::endl;}"));
        assertEquals("OK", defined.jsonPath().getString("verdict"), defined.asString());
        assertEquals("defined first\n", defined.jsonPath().getString("run.stdout"), defined.asString());
    }

    @Test
    void eachRuntimeIsTheVersionRuntimesSays() {
        // What the program itself reports, next to GET /runtimes (which reads the image's label). Rust and
        // TypeScript programs cannot tell their compiler's version, so they are not asked.
        Map<String, String> versionProgram = Map.of(
                "python", "import platform\nprint(platform.python_version())",
                "javascript", "console.log(process.versions.node)",
                "java", "public class V { public static void main(String[] a) { System.out.println(System.getProperty(\"java.version\")); } }",
                "c", "#include <stdio.h>\nint main(){printf(\"%d.%d.%d\\n\", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);}",
                "cpp", "#include <cstdio>\nint main(){std::printf(\"%d.%d.%d\\n\", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);}",
                "go", "package main\n\nimport (\n\t\"fmt\"\n\t\"runtime\"\n\t\"strings\"\n)\n\nfunc main() { fmt.Println(strings.TrimPrefix(runtime.Version(), \"go\")) }\n",
                "ruby", "puts RUBY_VERSION",
                "php", "<?php echo PHP_VERSION, \"\\n\";",
                "lua", "print((_VERSION:gsub('Lua ', '')))", // Lua knows only major.minor
                "bash", "IFS=.; echo \"${BASH_VERSINFO[*]:0:3}\"");
        String user = newPrincipal();
        Map<String, String> listed = new java.util.HashMap<>();
        ExecutionTestSupport.as(user).get("/api/v1/runtimes").then().statusCode(200).extract().jsonPath()
                .getList("$", Map.class).forEach(r -> listed.put((String) r.get("language"), (String) r.get("version")));
        listed.values().forEach(v -> assertTrue(v.matches("\\d+\\.\\d+\\.\\d+"), "a version read from an image: " + listed));
        Map<String, CompletableFuture<Response>> runs = new java.util.LinkedHashMap<>();
        versionProgram.forEach((language, code) -> runs.put(language, CompletableFuture.supplyAsync(() ->
                runSync(user, Map.of("language", language, "code", code, "limits", Map.of("wallTimeMs", 30000))))));
        runs.forEach((language, run) -> {
            Response r = run.join();
            assertEquals("OK", r.jsonPath().getString("verdict"), language + ": " + r.asString());
            String reported = r.jsonPath().getString("run.stdout").trim();
            assertTrue(listed.get(language).equals(reported) || listed.get(language).startsWith(reported + "."),
                    language + " reports " + reported + ", GET /runtimes says " + listed.get(language));
            assertEquals(listed.get(language), r.jsonPath().getString("version"), language + " result's version");
        });
    }

    @Test
    void severalFilesWithTheEntryPointFirst() {
        var files = List.of(
                Map.of("name", "main.py", "content", "from lib import greet\nprint(greet())"),
                Map.of("name", "lib.py", "content", Base64.getEncoder().encodeToString("def greet(): return 'hi from lib'".getBytes()),
                        "encoding", "base64"));
        runSync(newPrincipal(), Map.of("language", "py", "files", files)).then().statusCode(200)
                .body("verdict", equalTo("OK")).body("run.stdout", equalTo("hi from lib\n"));
    }

    @Test
    void goProgramsBuildWithoutTheGoCommandAndWithItWhereItIsNeeded() {
        // A plain program is compiled and linked without the go command (go-quick-build); one with //go:embed is left
        // to go build, which embeds the file.
        String user = newPrincipal();
        var plain = List.of(
                Map.of("name", "main.go", "content", "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(greet()) }\n"),
                Map.of("name", "greet.go", "content", "package main\n\nfunc greet() string { return \"hi from greet.go\" }\n"));
        runSync(user, Map.of("language", "go", "files", plain)).then().statusCode(200)
                .body("verdict", equalTo("OK")).body("run.stdout", equalTo("hi from greet.go\n"));
        var embedded = List.of(
                Map.of("name", "main.go", "content", "package main\n\nimport (\n\t_ \"embed\"\n\t\"fmt\"\n)\n\n"
                        + "//go:embed hello.txt\nvar hello string\n\nfunc main() { fmt.Print(hello) }\n"),
                Map.of("name", "hello.txt", "content", "embedded\n"));
        runSync(user, Map.of("language", "go", "files", embedded)).then().statusCode(200)
                .body("verdict", equalTo("OK")).body("run.stdout", equalTo("embedded\n"));
    }

    @Test
    void syntaxErrorsAreCompileErrorsAndCrashesAreRuntimeErrors() {
        String user = newPrincipal();
        var py = CompletableFuture.supplyAsync(() -> runSync(user, Map.of("language", "python", "code", "print('x'")));
        var c = CompletableFuture.supplyAsync(() -> runSync(user, Map.of("language", "c", "code", "int main( { return 0; }")));
        var crash = CompletableFuture.supplyAsync(() -> runSync(user, Map.of("language", "python",
                "code", "import sys\nprint('before')\nsys.exit(3)")));
        var segv = CompletableFuture.supplyAsync(() -> runSync(user, Map.of("language", "c",
                "code", "int main(){ int *p = 0; return *p; }")));
        var goUnused = CompletableFuture.supplyAsync(() -> runSync(user, Map.of("language", "go",
                "code", "package main\n\nfunc main() { x := 1 }\n")));
        var rustType = CompletableFuture.supplyAsync(() -> runSync(user, Map.of("language", "rust",
                "code", "fn main() { let x: i32 = \"no\"; }")));
        var rubySyntax = CompletableFuture.supplyAsync(() -> runSync(user, Map.of("language", "ruby", "code", "def f(\nputs 1")));
        var bashSyntax = CompletableFuture.supplyAsync(() -> runSync(user, Map.of("language", "bash", "code", "if true; then echo x")));
        var phpSyntax = CompletableFuture.supplyAsync(() -> runSync(user, Map.of("language", "php", "code", "<?php echo 1")));
        var luaSyntax = CompletableFuture.supplyAsync(() -> runSync(user, Map.of("language", "lua", "code", "print(")));
        var rubyRaise = CompletableFuture.supplyAsync(() -> runSync(user, Map.of("language", "ruby",
                "code", "puts 'before'\nraise 'boom'")));
        py.join().then().statusCode(200).body("verdict", equalTo("COMPILE_ERROR"))
                .body("compile.stderr", containsString("SyntaxError")).body("compile.exitCode", equalTo(1));
        c.join().then().statusCode(200).body("verdict", equalTo("COMPILE_ERROR"))
                .body("compile.stderr", containsString("error"));
        crash.join().then().statusCode(200).body("verdict", equalTo("RUNTIME_ERROR"))
                .body("run.exitCode", equalTo(3)).body("run.stdout", equalTo("before\n"));
        segv.join().then().statusCode(200).body("verdict", equalTo("RUNTIME_ERROR"))
                .body("run.signal", equalTo("SIGSEGV"));
        goUnused.join().then().statusCode(200).body("verdict", equalTo("COMPILE_ERROR"))
                .body("compile.stderr", containsString("declared and not used"));
        rustType.join().then().statusCode(200).body("verdict", equalTo("COMPILE_ERROR"))
                .body("compile.stderr", containsString("mismatched types"));
        rubySyntax.join().then().statusCode(200).body("verdict", equalTo("COMPILE_ERROR"))
                .body("compile.stderr", containsString("syntax"));
        bashSyntax.join().then().statusCode(200).body("verdict", equalTo("COMPILE_ERROR"))
                .body("compile.stderr", containsString("syntax error"));
        phpSyntax.join().then().statusCode(200).body("verdict", equalTo("COMPILE_ERROR"))
                .body("compile.stderr", containsString("syntax error"));
        luaSyntax.join().then().statusCode(200).body("verdict", equalTo("COMPILE_ERROR"))
                .body("compile.stderr", containsString("unexpected symbol"));
        rubyRaise.join().then().statusCode(200).body("verdict", equalTo("RUNTIME_ERROR"))
                .body("run.exitCode", equalTo(1)).body("run.stdout", equalTo("before\n"))
                .body("run.stderr", containsString("boom"));
    }

    @Test
    void anAsyncRunIsFollowedThroughGetAndLiveGapFreeEvents() throws Exception {
        String user = newPrincipal();
        String id = runAsync(user, Map.of("language", "python",
                "code", "import time\nprint('first', flush=True)\ntime.sleep(1.5)\nprint('second')"))
                .then().statusCode(202).body("status", equalTo("QUEUED"))
                .body("streamUrl", containsString("/stream")).extract().path("id");
        ExecutionTestSupport.as("someone-else").get("/api/v1/executions/" + id).then().statusCode(404)
                .contentType("application/problem+json");
        List<ExecutionEvent> events = ExecutionTestSupport.eventsOf(id, Duration.ofSeconds(60));
        ExecutionTestSupport.as(user).get("/api/v1/executions/" + id).then().statusCode(200)
                .body("verdict", equalTo("OK")).body("run.stdout", equalTo("first\nsecond\n"));

        assertEquals(IntStream.rangeClosed(1, events.size()).mapToObj(i -> (long) i).toList(),
                events.stream().map(ExecutionEvent::seq).toList(), "seq is gap-free from 1");
        List<ExecutionEventType> types = events.stream().map(ExecutionEvent::type).toList();
        assertEquals(List.of(ExecutionEventType.QUEUED, ExecutionEventType.STARTED), types.subList(0, 2));
        assertEquals(List.of(ExecutionEventType.EXITED, ExecutionEventType.COMPLETED), types.subList(types.size() - 2, types.size()));
        List<ExecutionEvent> out = events.stream().filter(e -> e.type() == ExecutionEventType.STDOUT).toList();
        assertEquals(types.size() - 4, out.size(), "only STDOUT chunks between STARTED and EXITED: " + types);
        assertEquals("first\nsecond\n", out.stream().map(ExecutionEvent::data).reduce("", String::concat));
        assertTrue(out.get(0).data().startsWith("first"));
        // Live, not at the end: the first line was published while the program still slept.
        assertTrue(Duration.between(out.get(0).at(), out.get(out.size() - 1).at()).compareTo(Duration.ofMillis(1000)) > 0,
                "first line published before the program finished sleeping");
        ExecutionEvent completed = events.get(events.size() - 1);
        assertEquals("OK", completed.result().verdict().name());
        assertEquals(user, completed.owner());
        assertEquals(0, events.get(events.size() - 2).exitCode());
    }

    @Test
    void filesTheRunWritesToItsOutputFolderComeBackAsArtifactsOnTheTopicToo() throws Exception {
        String user = newPrincipal();
        String code = """
                import os
                import matplotlib
                matplotlib.use('Agg')
                import matplotlib.pyplot as plt
                os.makedirs('out/data', exist_ok=True)
                plt.plot([1, 2, 3], [1, 4, 9])
                plt.savefig('out/plot.png')
                open('out/data/squares.csv', 'w').write('x,y\\n1,1\\n2,4\\n3,9\\n')
                open('out/too-big.bin', 'wb').write(b'x' * (5 << 20))
                os.symlink('/etc/passwd', 'out/passwd')
                open('not-an-artifact.txt', 'w').write('left behind')
                """;
        var answer = runSync(user, Map.of("language", "python", "code", code, "limits", Map.of("memoryMb", 512)));
        answer.then().statusCode(200).body("verdict", equalTo("OK"));
        String id = answer.jsonPath().getString("id");
        List<Map<String, Object>> artifacts = answer.jsonPath().getList("artifacts");
        // the plot and the CSV; not the file over 4 MB, not the symlink, not what lies outside the folder
        assertEquals(List.of("out/data/squares.csv", "out/plot.png"), artifacts.stream().map(a -> a.get("name")).toList());
        Map<String, Object> plot = artifacts.get(1);
        assertEquals("image/png", plot.get("contentType"));
        assertEquals("/api/v1/executions/" + id + "/artifacts/out/plot.png", plot.get("url"));
        byte[] png = ExecutionTestSupport.as(user).get("/api/v1/executions/" + id + "/artifacts/out/plot.png")
                .then().statusCode(200).contentType("image/png").extract().asByteArray();
        assertEquals(((Number) plot.get("size")).intValue(), png.length);
        assertEquals("\u0089PNG", new String(png, 0, 4, java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals("x,y\n1,1\n2,4\n3,9\n", ExecutionTestSupport.as(user)
                .get("/api/v1/executions/" + id + "/artifacts/out/data/squares.csv").asString());
        ExecutionTestSupport.as("someone-else").get("/api/v1/executions/" + id + "/artifacts/out/plot.png")
                .then().statusCode(404);
        // the history's copy travels on its own topic, keyed by the execution
        var published = ExecutionTestSupport.artifactsOf(id, Duration.ofSeconds(30), 2);
        assertEquals(List.of("out/data/squares.csv", "out/plot.png"), published.stream().map(a -> a.name()).toList());
        assertEquals(png.length, java.util.Base64.getDecoder().decode(published.get(1).dataBase64()).length);
    }

    @Test
    void aResultOfSeveralMegabytesCompletesInTheAnswerAndOnTheTopic() throws Exception {
        // 3 MB under an 8 MB limit: more than Kafka's default message size, which COMPLETED (the whole result) must pass.
        String user = newPrincipal();
        var answer = runSync(user, Map.of("language", "python",
                "code", "import sys\nfor i in range(3 * 1024):\n    sys.stdout.write('%07d' % i + 'x' * 1016 + '\\n')",
                "limits", Map.of("outputBytes", 8 << 20)));
        answer.then().statusCode(200).body("verdict", equalTo("OK"));
        String stdout = answer.jsonPath().getString("run.stdout");
        assertEquals(3 * 1024 * 1024, stdout.length());
        List<ExecutionEvent> events = ExecutionTestSupport.eventsOf(answer.jsonPath().getString("id"), Duration.ofSeconds(60));
        ExecutionEvent completed = events.get(events.size() - 1);
        assertEquals(ExecutionEventType.COMPLETED, completed.type());
        assertEquals(stdout, completed.result().run().stdout(), "COMPLETED carries the whole output");
    }

    @Test
    void badInputIsRefusedWithProblemsAndNothingRuns() {
        String user = newPrincipal();
        List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[] {Map.of("language", "cobol", "code", "x"), 422, "Unknown language"});
        cases.add(new Object[] {Map.of("language", "python", "code", "   "), 422, "empty"});
        cases.add(new Object[] {Map.of("language", "python"), 422, "Nothing to run"});
        cases.add(new Object[] {Map.of("language", "python", "files", List.of(Map.of("name", "a.py", "content", "%%%", "encoding", "base64"))), 422, "base64"});
        cases.add(new Object[] {Map.of("language", "python", "files", List.of(Map.of("name", "../a.py", "content", "print(1)"))), 422, "relative path"});
        cases.add(new Object[] {Map.of("language", "python", "code", "print(1)", "limits", Map.of("memoryMb", 999999)), 422, "limits.memoryMb"});
        cases.add(new Object[] {Map.of("language", "python", "code", "print(1)", "limits", Map.of("wallTimeMs", -5)), 422, "limits.wallTimeMs"});
        cases.add(new Object[] {Map.of("language", "python", "code", "x".repeat(1_100_000)), 413, "bytes"});
        for (Object[] c : cases) {
            runSync(user, (Map<String, Object>) c[0]).then().statusCode((Integer) c[1])
                    .contentType("application/problem+json").body("status", equalTo(c[1]))
                    .body("title", notNullValue()).body("detail", containsString((String) c[2]));
        }
        ExecutionTestSupport.as(user).contentType(ContentType.JSON).body("{\"language\": ")
                .post("/api/v1/executions").then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Map.of("language", "python", "code", "print(1)"))
                .post("/api/v1/executions").then().statusCode(401).contentType("application/problem+json");
        // A principal header made by hand inside the network (no signature, or another principal's) is refused.
        given().header(Principal.HEADER, user).contentType(ContentType.JSON)
                .body(Map.of("language", "python", "code", "print(1)")).post("/api/v1/executions")
                .then().statusCode(401).body("detail", containsString("not signed"));
        given().header(Principal.HEADER, user).header(Principal.SIGNATURE_HEADER, TestSecrets.sign("someone-else"))
                .get("/api/v1/executions/nope").then().statusCode(401);
        ExecutionTestSupport.as(user).contentType(ContentType.JSON)
                .body(Map.of("language", "python", "code", "x".repeat(5_000_000))).post("/api/v1/executions")
                .then().statusCode(413).contentType("application/problem+json").body("detail", containsString("at most"));
        ExecutionTestSupport.as(user).get("/api/v1/executions/nope").then().statusCode(404)
                .body("detail", containsString("nope"));
    }

    @Test
    void memoryAndCpuAreMeasured() {
        runSync(newPrincipal(), Map.of("language", "python",
                "code", "x = bytearray(60 * 1024 * 1024)\nfor i in range(0, len(x), 4096): x[i] = 1\ns = 0\nfor i in range(500_000): s += i\nprint(s)",
                "limits", Map.of("wallTimeMs", 30000)))
                .then().statusCode(200).body("verdict", equalTo("OK"))
                .body("run.memoryKb", greaterThan(60 * 1024)).body("run.cpuTimeMs", greaterThan(20));
    }
}
