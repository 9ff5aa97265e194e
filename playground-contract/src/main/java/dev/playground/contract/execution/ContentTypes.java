package dev.playground.contract.execution;

import java.util.Locale;
import java.util.Map;

/** The media type of an artifact, from its extension: what a browser needs to show a plot or offer a download. */
public final class ContentTypes {

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"), Map.entry("svg", "image/svg+xml"),
            Map.entry("pdf", "application/pdf"), Map.entry("csv", "text/csv"), Map.entry("txt", "text/plain"),
            Map.entry("md", "text/markdown"), Map.entry("json", "application/json"), Map.entry("html", "text/html"),
            Map.entry("xml", "application/xml"), Map.entry("zip", "application/zip"));

    /** The media type for {@code name}, application/octet-stream when the extension says nothing. */
    public static String of(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return BY_EXTENSION.getOrDefault(ext, "application/octet-stream");
    }

    private ContentTypes() {
    }
}
