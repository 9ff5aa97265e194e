package dev.playground.executor.sandbox;

/**
 * The bytes from a sandbox do not follow the supervisor protocol (a frame longer than allowed, an unknown type, an
 * unreadable report): the sandbox is killed and the run ends with INTERNAL_ERROR, whatever the program printed.
 */
public class SupervisorProtocolException extends RuntimeException {
    public SupervisorProtocolException(String message) {
        super(message, null, false, false);
    }
}
