package dev.playground.contract.execution;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One message on {@code playground.execution.stdin} (key = executionId): text for the program, or EOF. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StdinMessage(String executionId, long seq, String data, Boolean eof) {

    public boolean isEof() {
        return Boolean.TRUE.equals(eof);
    }
}
