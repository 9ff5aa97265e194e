package dev.playground.terminal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the tests of shells in a session share: a session container for each test (behind the session-service
 * stand-in), and terminals opened into it as a principal.
 */
abstract class ShellContainerTest extends SocketTest {

    SessionContainer container;

    @BeforeEach
    void container() throws Exception {
        container = new SessionContainer(standIn);
    }

    @AfterEach
    void closeContainer() throws Exception {
        container.close();
    }

    /** A terminal into {@code session} as {@code principal}, {@code query} starting with '?' or empty. */
    WsClient terminal(String session, String principal, String query) throws Exception {
        return WsClient.connect(vertx, base, "/api/v1/sessions/" + session + "/terminal" + query, principal);
    }
}
