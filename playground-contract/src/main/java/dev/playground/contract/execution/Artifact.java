package dev.playground.contract.execution;

/**
 * A file a run wrote to its output folder, as the result lists it: its path below the folder's parent (e.g.
 * {@code out/plot.png}), its size, its media type, and where to download it ({@code url}, under the execution).
 */
public record Artifact(String name, long size, String contentType, String url) {
}
