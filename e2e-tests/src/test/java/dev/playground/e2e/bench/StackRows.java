package dev.playground.e2e.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A section of docs/BENCHMARKS.md between two markers whose table has rows per stack (one host or several, runc or
 * gVisor): a benchmark run on one stack replaces that stack's rows and keeps the others', which were measured on
 * another stack.
 */
final class StackRows {

    /**
     * Writes {@code rows} (each starting with {@code "| " + stack + " |"}) into the section, after {@code heading}
     * (title, prose and the table's header lines), dropping the stack's earlier rows and keeping the rest.
     */
    static void write(Path out, String begin, String end, String stack, List<String> rows, String heading)
            throws Exception {
        String doc = Files.exists(out) ? Files.readString(out) : "# Benchmarks\n";
        List<String> kept = new ArrayList<>();
        int b = doc.indexOf(begin);
        int e = doc.indexOf(end);
        if (b >= 0 && e > b) {
            for (String line : doc.substring(b + begin.length(), e).split("\n")) {
                if (line.startsWith("| ") && !line.startsWith("| stack ") && !line.startsWith("| " + stack + " |")) {
                    kept.add(line);
                }
            }
            doc = doc.substring(0, b) + doc.substring(e + end.length());
        }
        kept.addAll(rows);
        kept.sort(null);
        Files.writeString(out, doc.stripTrailing() + "\n\n" + begin + "\n" + heading + String.join("\n", kept) + "\n"
                + end + "\n");
    }

    private StackRows() {
    }
}
