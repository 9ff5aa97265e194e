package dev.playground.session;

import com.github.dockerjava.api.DockerClient;
import dev.playground.contract.ContainerLabels;
import dev.playground.contract.testing.TestSecrets;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;

/**
 * What the session tests run against besides PostgreSQL (Dev Services) and Kafka (KafkaTestBroker): a random
 * instance name, so nothing here touches anyone else's containers; the project's real egress proxy on an internal
 * download network of the instance's own, allowing the npm registry and a local pip index (PyPI is not reachable
 * here) serving a wheel built right here; and a stand-in for the executor's in-flight API. On stop, every container,
 * volume and network of the instance is removed.
 */
public class SessionTestEnvironment implements QuarkusTestResourceLifecycleManager {

    public static final String PREVIEW_SECRET = TestSecrets.PREVIEW;
    /** The module the local index serves, and the greeting it carries. */
    public static final String WHEEL_MODULE = "hello_pg";
    public static final String WHEEL_GREETING = "hello from a local wheel";

    static String instance;
    private GenericContainer<?> index;
    private GenericContainer<?> executor;
    private GenericContainer<?> egress;
    private String downloads;

    @Override
    @SuppressWarnings("resource")
    public Map<String, String> start() {
        instance = "test-" + UUID.randomUUID().toString().substring(0, 8);
        index = new GenericContainer<>("playground/runtime-python:latest")
                .withCopyToContainer(Transferable.of(wheel(), 0644),
                        "/tmp/srv/simple/hello-pg/hello_pg-1.0-py3-none-any.whl")
                .withCommand("python3", "-m", "http.server", "8000", "--directory", "/tmp/srv")
                .withLabel(ContainerLabels.INSTANCE, instance)
                .withExposedPorts(8000)
                .waitingFor(Wait.forHttp("/simple/hello-pg/"));
        executor = new GenericContainer<>("playground/runtime-node:latest")
                .withCommand("node", "-e", """
                        const crypto = require('crypto');
                        // Answers only what the session service signed as the gateway would (InternalAuth's format).
                        function signed(q) {
                          const owner = q.headers['x-playground-principal'] || '';
                          const [v, epoch, mac] = (q.headers['x-playground-principal-signature'] || '').split('.');
                          const want = crypto.createHmac('sha256', process.env.SECRET).update(owner + '\\n' + epoch)
                            .digest('base64url');
                          return v === 'v1' && mac === want ? owner : null;
                        }
                        require('http').createServer((q, s) => {
                          const owner = signed(q);
                          const m = q.url.match(/^\\/api\\/v1\\/executions\\/(inflight-[\\w-]+)$/);
                          if (m && owner) {
                            s.writeHead(200, {'content-type': 'application/json'});
                            s.end(JSON.stringify({id: m[1], status: 'RUNNING', language: 'python', owner}));
                          } else {
                            s.writeHead(404, {'content-type': 'application/problem+json'});
                            s.end('{"status":404}');
                          }
                        }).listen(8080);
                        """)
                .withEnv("SECRET", TestSecrets.INTERNAL)
                .withLabel(ContainerLabels.INSTANCE, instance)
                .withExposedPorts(8080)
                .waitingFor(Wait.forListeningPort());
        index.start();
        executor.start();
        String indexIp = index.getContainerInfo().getNetworkSettings().getNetworks().get("bridge").getIpAddress();
        DockerClient docker = DockerClientFactory.instance().client();
        // The download network is internal: its only member with a way out is the egress proxy.
        downloads = "playground-egress-" + instance;
        docker.createNetworkCmd().withName(downloads).withDriver("bridge").withInternal(true)
                .withOptions(Map.of("com.docker.network.bridge.inhibit_ipv4", "true"))
                .withLabels(Map.of(ContainerLabels.INSTANCE, instance)).exec();
        egress = new GenericContainer<>("playground/egress-proxy:latest")
                .withEnv("EGRESS_ALLOW", "registry.npmjs.org," + indexIp + ":8000")
                .withLabel(ContainerLabels.INSTANCE, instance)
                .waitingFor(Wait.forLogMessage(".*Accepting HTTP Socket connections.*", 1));
        egress.start();
        docker.connectToNetworkCmd().withNetworkId(downloads).withContainerId(egress.getContainerId())
                .withContainerNetwork(new com.github.dockerjava.api.model.ContainerNetwork()
                        .withAliases("egress-proxy")).exec();
        Map<String, String> config = new HashMap<>();
        config.put("playground.instance", instance);
        config.put("playground.preview.secret", PREVIEW_SECRET);
        config.put("playground.preview.base-url", "http://preview.test:8080");
        config.put("playground.packages.network", downloads);
        config.put("playground.packages.proxy", "http://egress-proxy:3128");
        config.put("playground.packages.pip-index-url", "http://" + indexIp + ":8000/simple/");
        config.put("playground.packages.pip-trusted-host", indexIp);
        config.put("playground.packages.ca-file", "/etc/ssl/certs/ca-certificates.crt");
        config.put("quarkus.rest-client.executor-service.url",
                "http://" + executor.getHost() + ":" + executor.getMappedPort(8080));
        return config;
    }

    @Override
    public void stop() {
        if (index != null) {
            index.stop();
        }
        if (executor != null) {
            executor.stop();
        }
        if (egress != null) {
            egress.stop();
        }
        DockerClient docker = DockerClientFactory.instance().client();
        var filter = Map.of(ContainerLabels.INSTANCE, instance);
        docker.listContainersCmd().withShowAll(true).withLabelFilter(filter).exec()
                .forEach(c -> docker.removeContainerCmd(c.getId()).withForce(true).exec());
        var volumes = docker.listVolumesCmd().withFilter("label", List.of(ContainerLabels.INSTANCE + "=" + instance))
                .exec().getVolumes();
        if (volumes != null) {
            volumes.forEach(v -> docker.removeVolumeCmd(v.getName()).exec());
        }
        docker.listNetworksCmd().withNameFilter(downloads).exec()
                .forEach(n -> docker.removeNetworkCmd(n.getId()).exec());
    }

    /** A minimal pure-Python wheel (PEP 427): one module, its metadata, and a RECORD with hashes. */
    static byte[] wheel() {
        Map<String, String> files = new java.util.LinkedHashMap<>();
        files.put(WHEEL_MODULE + "/__init__.py", "GREETING = '" + WHEEL_GREETING + "'\n");
        files.put("hello_pg-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: hello-pg\nVersion: 1.0\n");
        files.put("hello_pg-1.0.dist-info/WHEEL",
                "Wheel-Version: 1.0\nGenerator: session-service-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
        StringBuilder record = new StringBuilder();
        try {
            var out = new ByteArrayOutputStream();
            try (var zip = new ZipOutputStream(out)) {
                for (var f : files.entrySet()) {
                    byte[] data = f.getValue().getBytes(StandardCharsets.UTF_8);
                    zip.putNextEntry(new ZipEntry(f.getKey()));
                    zip.write(data);
                    zip.closeEntry();
                    String hash = Base64.getUrlEncoder().withoutPadding()
                            .encodeToString(MessageDigest.getInstance("SHA-256").digest(data));
                    record.append(f.getKey()).append(",sha256=").append(hash).append(',').append(data.length)
                            .append('\n');
                }
                record.append("hello_pg-1.0.dist-info/RECORD,,\n");
                zip.putNextEntry(new ZipEntry("hello_pg-1.0.dist-info/RECORD"));
                zip.write(record.toString().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            return out.toByteArray();
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
