package dev.playground.session.docker;

import dev.playground.session.config.SessionConfig;
import dev.playground.contract.problem.ApiProblem;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Files of a running session's workspace. Every operation runs inside the container as the sandbox user: the
 * path is resolved there ({@code realpath}), checked to stay inside the workspace, and only then used. A user who
 * swaps a directory for a symlink between check and use gains nothing: the write still runs as their own uid in
 * their own container, where the only writable places are their workspace and /tmp. Blocking.
 */
@ApplicationScoped
public class WorkspaceFiles {

    /** One entry of a tree listing; {@code path} is relative to the workspace. */
    public record Entry(String path, String type, long size, Instant modifiedAt, String target) {
    }

    /** A tree listing, cut at the configured maximum. */
    public record Tree(String path, List<Entry> entries, boolean truncated) {
    }

    /** A file to write. */
    public record Upload(String path, byte[] content) {
    }

    // Exit codes of the scripts below, mapped to problems by check().
    private static final int OUTSIDE = 91, MISSING = 92, TOO_LARGE = 93, IS_DIRECTORY = 94, NOT_FILE = 95;
    /** 128 + SIGKILL: what an exec reports when its container is killed under it. */
    private static final int KILLED = 137;

    private static final String RESOLVE_INSIDE = """
            inside() { case "$1" in "$ws"/*) ;; *) echo "$2: leads out of the workspace" >&2; exit 91;; esac; }
            """;

    private static final String WRITE = RESOLVE_INSIDE + """
            ws=$1; limit=$2; incoming=$3; shift 3
            # First check every path, so a bad one changes nothing; then write each one atomically.
            i=1
            while [ $i -le $# ]; do
              eval "p=\\${$i}"
              r=$(realpath -m -- "$ws/$p") || exit 91
              inside "$r" "$p"
              [ -d "$r" ] && { echo "$p: is a directory" >&2; exit 94; }
              a=$(dirname -- "$r"); while [ ! -e "$a" ]; do a=$(dirname -- "$a"); done
              [ -d "$a" ] || { echo "$p: a parent is a file, not a directory" >&2; exit 94; }
              i=$((i + 2))
            done
            used=$(du -sb -- "$ws" | cut -f1)
            if [ $((used + incoming)) -gt "$limit" ]; then
              echo "the workspace holds $used bytes; $incoming more would pass its limit of $limit" >&2; exit 93
            fi
            while [ $# -gt 0 ]; do
              p=$1; n=$2; shift 2
              r=$(realpath -m -- "$ws/$p"); inside "$r" "$p"
              d=$(dirname -- "$r")
              mkdir -p -- "$d" || exit 96
              t="$d/.playground-upload.$$"
              head -c "$n" > "$t" || { rm -f -- "$t"; exit 97; }
              [ "$(stat -c %s -- "$t")" = "$n" ] || { rm -f -- "$t"; echo "$p: short write" >&2; exit 97; }
              mv -f -- "$t" "$r" || exit 97
            done
            """;

    private static final String READ = RESOLVE_INSIDE + """
            ws=$1; max=$2; p=$3
            r=$(realpath -e -- "$ws/$p" 2>/dev/null) || { echo "$p: no such file" >&2; exit 92; }
            inside "$r" "$p"
            [ -d "$r" ] && { echo "$p: is a directory; list it with GET files?path=$p" >&2; exit 94; }
            [ -f "$r" ] || { echo "$p: not a regular file" >&2; exit 95; }
            s=$(stat -c %s -- "$r")
            [ "$s" -le "$max" ] || { echo "$p: $s bytes, over the limit of $max" >&2; exit 93; }
            exec head -c "$max" -- "$r"
            """;

    private static final String DELETE = RESOLVE_INSIDE + """
            ws=$1; p=$2
            d=$(realpath -m -- "$(dirname -- "$ws/$p")"); b=$(basename -- "$p")
            inside "$d/" "$p"
            [ -e "$d/$b" ] || [ -L "$d/$b" ] || { echo "$p: no such file" >&2; exit 92; }
            # rm never follows a symlink: deleting a link removes the link, not its target.
            exec rm -rf -- "$d/$b"
            """;

    private static final String DIRECTORY = RESOLVE_INSIDE + """
            ws=$1; p=$2
            r=$(realpath -e -- "$ws/$p" 2>/dev/null) || { echo "$p: no such directory" >&2; exit 92; }
            inside "$r/" "$p"
            [ -d "$r" ] || { echo "$p: not a directory" >&2; exit 95; }
            cd -- "$r" || exit 92
            """;

    private static final String TREE = DIRECTORY + """
            find . -mindepth 1 -printf '%y\\t%s\\t%T@\\t%P\\t%l\\0' | head -z -n "$3"
            """;

    private static final String ARCHIVE = DIRECTORY + """
            exec tar -cf - .
            """;

    private final SessionExec exec;
    private final SessionConfig config;

    WorkspaceFiles(SessionExec exec, SessionConfig config) {
        this.exec = exec;
        this.config = config;
    }

    /**
     * A path relative to the workspace, normalised ({@code a//b/./c} → {@code a/b/c}); refused when it is absolute,
     * climbs with {@code ..}, holds a NUL byte, or is empty while {@code emptyAllowed} is false.
     */
    public static String relative(String path, boolean emptyAllowed) {
        String p = path == null ? "" : path;
        if (p.indexOf('\0') >= 0) {
            throw ApiProblem.invalid("The path holds a NUL byte.");
        }
        if (p.startsWith("/")) {
            throw ApiProblem.invalid("'" + p + "' is absolute; paths are relative to the workspace.");
        }
        if (p.length() > 4096) {
            throw ApiProblem.invalid("The path is longer than 4096 characters.");
        }
        List<String> parts = new ArrayList<>();
        for (String segment : p.split("/")) {
            if (segment.equals("..")) {
                throw ApiProblem.invalid("'" + p + "' climbs out with '..'; paths stay inside the workspace.");
            }
            if (segment.length() > 255) {
                throw ApiProblem.invalid("A name in the path is longer than 255 bytes.");
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                parts.add(segment);
            }
        }
        if (parts.isEmpty() && !emptyAllowed) {
            throw ApiProblem.invalid("A file path is required, relative to the workspace (e.g. src/main.py).");
        }
        return String.join("/", parts);
    }

    public void write(SessionExec.InContainer containerId, long diskLimitBytes, List<Upload> uploads) {
        long maxFile = config.files().maxFileBytes();
        List<String> argv = new ArrayList<>(List.of("sh", "-c", WRITE, "sh", ws(), Long.toString(diskLimitBytes)));
        long total = 0;
        var stdin = new ByteArrayOutputStream();
        List<String> pairs = new ArrayList<>();
        for (Upload u : uploads) {
            if (u.content().length > maxFile) {
                throw ApiProblem.tooLarge("'" + u.path() + "' has " + u.content().length
                        + " bytes; a file may have at most " + maxFile + ".");
            }
            total += u.content().length;
            pairs.add(u.path());
            pairs.add(Integer.toString(u.content().length));
            stdin.writeBytes(u.content());
        }
        argv.add(Long.toString(total));
        argv.addAll(pairs);
        var outcome = exec.runIn(containerId, argv, stdin.toByteArray(), 65536, Duration.ofMinutes(2));
        check(outcome);
    }

    public byte[] read(SessionExec.Where where, String path) {
        long max = config.files().maxFileBytes();
        var outcome = exec.run(where, List.of("sh", "-c", READ, "sh", ws(), Long.toString(max), path),
                null, (int) max, Duration.ofMinutes(1));
        check(outcome);
        return outcome.stdout();
    }

    public void delete(SessionExec.InContainer containerId, String path) {
        check(exec.runIn(containerId, List.of("sh", "-c", DELETE, "sh", ws(), path), null, 65536,
                Duration.ofMinutes(1)));
    }

    public Tree tree(SessionExec.Where where, String path) {
        int max = config.files().maxTreeEntries();
        var outcome = exec.run(where,
                List.of("sh", "-c", TREE, "sh", ws(), path, Integer.toString(max + 1)), null, 64 << 20,
                Duration.ofMinutes(1));
        check(outcome);
        List<Entry> entries = new ArrayList<>();
        String prefix = path.isEmpty() ? "" : path + "/";
        for (String line : new String(outcome.stdout(), StandardCharsets.UTF_8).split("\0")) {
            String[] f = line.split("\t", 5);
            if (f.length < 5) {
                continue;
            }
            String type = switch (f[0]) {
                case "f" -> "file";
                case "d" -> "directory";
                case "l" -> "symlink";
                default -> "other";
            };
            double seconds = Double.parseDouble(f[2]);
            entries.add(new Entry(prefix + f[3], type, Long.parseLong(f[1]),
                    Instant.ofEpochMilli((long) (seconds * 1000)), type.equals("symlink") ? f[4] : null));
        }
        boolean truncated = entries.size() > max;
        if (truncated) {
            entries = entries.subList(0, max);
        }
        entries = new ArrayList<>(entries);
        entries.sort(java.util.Comparator.comparing(Entry::path));
        return new Tree(path, entries, truncated);
    }

    /** Writes a tar of the directory at {@code path} (symlinks kept as links, never followed) to {@code sink}. */
    public void tar(SessionExec.Where where, String path, OutputStream sink) {
        check(exec.runTo(where, List.of("sh", "-c", ARCHIVE, "sh", ws(), path), sink, Duration.ofMinutes(5)));
    }

    private String ws() {
        return config.session().workdir();
    }

    private static void check(SessionExec.Outcome outcome) {
        if (!outcome.finished()) {
            throw ApiProblem.unavailable("The workspace did not answer in time; try again.");
        }
        String why = outcome.stderrText();
        switch (outcome.exitCode()) {
            case 0 -> {
            }
            case OUTSIDE -> throw ApiProblem.invalid(why + " (symlinks may not lead out of the workspace).");
            case MISSING -> throw ApiProblem.notFound(why);
            case TOO_LARGE -> throw ApiProblem.tooLarge(why);
            case IS_DIRECTORY, NOT_FILE -> throw ApiProblem.conflict(why);
            // SIGKILL: the container was stopped or deleted under the operation (or its memory ran out).
            case KILLED -> throw ApiProblem.conflict("The session's container stopped while its files were being "
                    + "read or written (it was stopped, deleted or out of memory); check the session's state and "
                    + "try again.");
            default -> throw new IllegalStateException("workspace operation failed with exit code "
                    + outcome.exitCode() + ": " + why);
        }
    }
}
