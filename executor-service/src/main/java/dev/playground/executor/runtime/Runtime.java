package dev.playground.executor.runtime;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.function.Function;

/**
 * One language the executor runs: what GET /runtimes shows, plus how its steps are invoked.
 *
 * @param version the version its image carries (read from the image's label), or {@code unknown}
 * @param compile argv of the compile step (the syntax check for interpreted languages) for an entry file
 * @param run argv of the run step for an entry file and a memory limit in MB (Java sizes its heap by it)
 */
public record Runtime(
        String language,
        String version,
        List<String> aliases,
        String extension,
        boolean compiled,
        @JsonIgnore String family,
        @JsonIgnore String defaultFile,
        @JsonIgnore Function<String, List<String>> compile,
        @JsonIgnore RunCommand run) {

    /** The run step's argv. */
    @FunctionalInterface
    public interface RunCommand {
        List<String> argv(String entryFile, int memoryMb, List<String> args);
    }

    /** The same runtime, saying which version it is. */
    public Runtime withVersion(String v) {
        return new Runtime(language, v, aliases, extension, compiled, family, defaultFile, compile, run);
    }
}
