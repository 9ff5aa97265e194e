package dev.playground.gateway.proxy;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP/1.1 upgrade request toward the target, spoken over a plain TCP connection that is never pooled: after a
 * 101 the connection belongs to the tunnel alone (Vert.x' pooled HttpClient would hand a tunnelled connection to the
 * next request). Whatever the target sends after its 101 stays queued in the paused socket.
 */
final class UpstreamHandshake {

    private static final int MAX_HEAD = 64 * 1024;
    private static final int MAX_BODY = 256 * 1024;

    /** The target's answer: for 101 the paused socket and any bytes read past the head; otherwise status and body. */
    record Answer(int status, MultiMap headers, Buffer body, NetSocket socket, Buffer leftover) {
    }

    private UpstreamHandshake() {
    }

    static Future<Answer> perform(Vertx vertx, NetClient net, SocketAddress target, String uri, MultiMap headers,
            long timeoutMillis) {
        return net.connect(target).compose(socket -> {
            Promise<Answer> promise = Promise.promise();
            long timer = vertx.setTimer(timeoutMillis, t -> {
                if (promise.tryFail(new TimeoutException("no answer to the upgrade within " + timeoutMillis + " ms"))) {
                    socket.close();
                }
            });
            promise.future().onComplete(ar -> vertx.cancelTimer(timer));
            Reader reader = new Reader(socket, promise);
            socket.handler(reader::onData);
            socket.closeHandler(v -> reader.onClose());
            socket.exceptionHandler(e -> promise.tryFail(e));
            Buffer request = Buffer.buffer("GET " + uri + " HTTP/1.1\r\n");
            headers.forEach((name, value) -> {
                if (value.indexOf('\r') < 0 && value.indexOf('\n') < 0) {
                    request.appendString(name + ": " + value + "\r\n", "ISO-8859-1");
                }
            });
            request.appendString("\r\n");
            socket.write(request);
            return promise.future();
        });
    }

    private static final class Reader {
        private final NetSocket socket;
        private final Promise<Answer> promise;
        private final Buffer received = Buffer.buffer();
        private int status = -1;
        private MultiMap headers;
        private long expectedBody = -1;
        private int bodyStart;

        Reader(NetSocket socket, Promise<Answer> promise) {
            this.socket = socket;
            this.promise = promise;
        }

        void onData(Buffer chunk) {
            received.appendBuffer(chunk);
            if (status < 0) {
                int end = indexOfHeadEnd(received);
                if (end < 0) {
                    if (received.length() > MAX_HEAD) {
                        fail(new IOException("the upgrade answer's head is larger than " + MAX_HEAD + " bytes"));
                    }
                    return;
                }
                if (!parseHead(received.getString(0, end, StandardCharsets.ISO_8859_1.name()))) {
                    fail(new IOException("the upgrade answer is not HTTP/1.1"));
                    return;
                }
                bodyStart = end + 4;
                if (status == 101) {
                    socket.pause();
                    socket.handler(null);
                    socket.closeHandler(null);
                    socket.exceptionHandler(null);
                    promise.tryComplete(new Answer(101, headers, null, socket, received.getBuffer(bodyStart, received.length())));
                    return;
                }
                String length = headers.get("Content-Length");
                expectedBody = length != null && length.matches("\\d{1,9}") ? Long.parseLong(length) : -1;
            }
            long have = received.length() - bodyStart;
            if (expectedBody >= 0 && have >= expectedBody) {
                finishRefusal((int) expectedBody);
            } else if (have > MAX_BODY) {
                finishRefusal(MAX_BODY);
            }
        }

        void onClose() {
            if (status > 0 && status != 101) {
                finishRefusal(received.length() - bodyStart);
            } else {
                promise.tryFail(new IOException("the target closed the connection during the WebSocket handshake"));
            }
        }

        private void finishRefusal(int bodyLength) {
            if (promise.tryComplete(new Answer(status, headers, received.getBuffer(bodyStart, bodyStart + bodyLength), null, null))) {
                socket.close();
            }
        }

        private void fail(Throwable t) {
            if (promise.tryFail(t)) {
                socket.close();
            }
        }

        private boolean parseHead(String head) {
            String[] lines = head.split("\r\n");
            String[] statusLine = lines[0].split(" ", 3);
            if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.") || !statusLine[1].matches("\\d{3}")) {
                return false;
            }
            status = Integer.parseInt(statusLine[1]);
            headers = MultiMap.caseInsensitiveMultiMap();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.add(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
                }
            }
            return true;
        }

        private static int indexOfHeadEnd(Buffer buffer) {
            for (int i = 0; i + 3 < buffer.length(); i++) {
                if (buffer.getByte(i) == '\r' && buffer.getByte(i + 1) == '\n' && buffer.getByte(i + 2) == '\r'
                        && buffer.getByte(i + 3) == '\n') {
                    return i;
                }
            }
            return -1;
        }
    }
}
