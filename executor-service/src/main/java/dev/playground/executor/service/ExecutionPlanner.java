package dev.playground.executor.service;

import dev.playground.contract.problem.ApiProblem;
import dev.playground.contract.problem.ProblemType;
import dev.playground.executor.config.ExecutorConfig;
import dev.playground.executor.runtime.Runtime;
import dev.playground.executor.runtime.RuntimeCatalog;
import dev.playground.executor.sandbox.SandboxJob;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a request into a plan, or refuses it with a problem a person can act on. Nothing runs before this passes. */
@ApplicationScoped
public class ExecutionPlanner {

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_.+\\-]+(/[A-Za-z0-9_.+\\-]+)*");
    private static final Pattern JAVA_PUBLIC_CLASS = Pattern.compile("public\\s+(?:final\\s+|abstract\\s+)*class\\s+(\\w+)");

    private final RuntimeCatalog catalog;
    private final ExecutorConfig config;

    ExecutionPlanner(RuntimeCatalog catalog, ExecutorConfig config) {
        this.catalog = catalog;
        this.config = config;
    }

    public ExecutionPlan plan(ExecutionRequest req) {
        if (req == null) {
            throw ApiProblem.invalid("The body must be a JSON object with language and code (or files).");
        }
        Runtime runtime = catalog.find(req.language()).orElseThrow(() -> ApiProblem.invalid(
                "Unknown language '" + req.language() + "'. GET /api/v1/runtimes lists the languages and their aliases."));
        if (req.version() != null && !req.version().isBlank() && !runtime.version().startsWith(req.version())) {
            throw ApiProblem.invalid("Version " + req.version() + " of " + runtime.language()
                    + " is not available; this server has " + runtime.version() + ".");
        }
        List<SandboxJob.SandboxFile> files = files(req, runtime);
        List<String> args = req.args() == null ? List.of() : req.args();
        for (String a : args) {
            if (a == null || a.indexOf('\0') >= 0) {
                throw ApiProblem.invalid("args must be strings without NUL characters.");
            }
        }
        byte[] stdin = req.stdin() == null ? new byte[0] : req.stdin().getBytes(StandardCharsets.UTF_8);
        if (stdin.length > config.maxStdinBytes()) {
            throw ApiProblem.tooLarge(
                    "stdin is " + stdin.length + " bytes; the most this server takes is " + config.maxStdinBytes() + ".");
        }
        boolean interactive = Boolean.TRUE.equals(req.interactive());

        var run = config.run();
        var lim = req.limits() == null ? new ExecutionRequest.Limits(null, null, null, null, null) : req.limits();
        long wall = bounded("limits.wallTimeMs", lim.wallTimeMs(), run.wallTimeMs(), 1, run.maxWallTimeMs());
        long cpu = bounded("limits.cpuTimeMs", lim.cpuTimeMs(), run.cpuTimeMs(), 1, run.maxCpuTimeMs());
        int mem = (int) bounded("limits.memoryMb", toLong(lim.memoryMb()), run.memoryMb(), 16, run.maxMemoryMb());
        int pids = (int) bounded("limits.pids", toLong(lim.pids()), run.pids(), 4, run.maxPids());
        long out = bounded("limits.outputBytes", lim.outputBytes(), run.outputBytes(), 1, run.maxOutputBytes());

        var comp = config.compile();
        var cl = req.compileLimits() == null ? new ExecutionRequest.Limits(null, null, null, null, null) : req.compileLimits();
        long cWall = bounded("compileLimits.wallTimeMs", cl.wallTimeMs(), comp.wallTimeMs(), 1, comp.maxWallTimeMs());
        long cCpu = bounded("compileLimits.cpuTimeMs", cl.cpuTimeMs(), comp.cpuTimeMs(), 1, comp.maxCpuTimeMs());
        // A compile step never gets less memory than the run (javac must not fail where the program would fit);
        // a syntax check runs under the run's own limit, which spares the resize between the steps.
        int cMem = Math.max(mem, (int) bounded("compileLimits.memoryMb", toLong(cl.memoryMb()), comp.memoryMb(), 16,
                comp.maxMemoryMb()));
        if (!runtime.compiled()) {
            cMem = mem;
        }

        String entry = files.get(0).name();
        List<String> compile = runtime.compile() == null ? List.of() : runtime.compile().apply(entry);
        SandboxJob job = new SandboxJob(catalog.image(runtime), files, compile, runtime.run().argv(entry, mem, args),
                stdin, interactive, new SandboxJob.StepLimits(cWall, cCpu, cMem), new SandboxJob.StepLimits(wall, cpu, mem),
                out, pids, artifacts(req));
        return new ExecutionPlan(runtime, blankToNull(req.sessionId()), job);
    }

    private List<SandboxJob.SandboxFile> files(ExecutionRequest req, Runtime runtime) {
        boolean hasCode = req.code() != null;
        boolean hasFiles = req.files() != null && !req.files().isEmpty();
        if (hasCode == hasFiles) {
            throw ApiProblem.invalid(hasCode
                    ? "Give either code or files, not both."
                    : "Nothing to run: give code (one source text) or files (entry point first).");
        }
        List<SandboxJob.SandboxFile> out = new ArrayList<>();
        long total = 0;
        if (hasCode) {
            if (req.code().isBlank()) {
                throw ApiProblem.invalid("code is empty: there is nothing to run.");
            }
            out.add(new SandboxJob.SandboxFile(defaultName(runtime, req.code()), req.code().getBytes(StandardCharsets.UTF_8)));
            total = out.get(0).content().length;
        } else {
            if (req.files().size() > config.maxFiles()) {
                throw ApiProblem.tooLarge(
                        req.files().size() + " files; the most this server takes is " + config.maxFiles() + ".");
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < req.files().size(); i++) {
                var f = req.files().get(i);
                if (f == null || f.content() == null) {
                    throw ApiProblem.invalid("files[" + i + "] needs a content.");
                }
                String name = f.name() == null || f.name().isBlank()
                        ? (i == 0 ? defaultName(runtime, f.content()) : null) : f.name();
                if (name == null || !SAFE_NAME.matcher(name).matches() || name.contains("..") || name.length() > 255) {
                    throw ApiProblem.invalid("files[" + i + "].name '" + f.name()
                            + "' is not a plain relative path (letters, digits, . _ - + and /; no '..', no leading '/').");
                }
                if (!seen.add(name)) {
                    throw ApiProblem.invalid("files[" + i + "].name '" + name + "' appears twice.");
                }
                byte[] content;
                String enc = f.encoding() == null ? "utf8" : f.encoding();
                switch (enc) {
                    case "utf8", "utf-8" -> content = f.content().getBytes(StandardCharsets.UTF_8);
                    case "base64" -> {
                        try {
                            content = Base64.getMimeDecoder().decode(strictBase64(f.content(), i));
                        } catch (IllegalArgumentException e) {
                            throw ApiProblem.invalid("files[" + i + "].content is not valid base64: " + e.getMessage());
                        }
                    }
                    default -> throw ApiProblem.invalid("files[" + i + "].encoding '" + enc
                            + "' is not supported; use utf8 or base64.");
                }
                total += content.length;
                out.add(new SandboxJob.SandboxFile(name, content));
            }
            if (out.stream().allMatch(f -> f.content().length == 0)) {
                throw ApiProblem.invalid("Every file is empty: there is nothing to run.");
            }
        }
        if (total > config.maxSourceBytes()) {
            throw ApiProblem.tooLarge(
                    "The source is " + total + " bytes; the most this server takes is " + config.maxSourceBytes() + ".");
        }
        return out;
    }

    /** The paths whose files come back: the request's, checked like file names, or the configured output folder. */
    private SandboxJob.Artifacts artifacts(ExecutionRequest req) {
        var a = config.artifacts();
        List<String> paths = req.artifacts() == null ? List.of(a.dir()) : req.artifacts();
        if (paths.size() > a.maxFiles()) {
            throw ApiProblem.invalid("artifacts names " + paths.size() + " paths; at most " + a.maxFiles() + ".");
        }
        for (String p : paths) {
            if (p == null || !SAFE_NAME.matcher(p).matches() || p.contains("..") || p.length() > 255) {
                throw ApiProblem.invalid("artifacts path '" + p + "' is not a plain relative path (letters, digits,"
                        + " . _ - + and /; no '..', no leading '/').");
            }
        }
        return new SandboxJob.Artifacts(paths, a.maxFiles(), a.maxFileBytes(), a.maxTotalBytes());
    }

    private static String strictBase64(String s, int i) {
        String compact = s.replaceAll("\\s", "");
        if (!compact.matches("[A-Za-z0-9+/]*={0,2}") || compact.length() % 4 != 0) {
            throw ApiProblem.invalid("files[" + i + "].content is not valid base64 (only A-Z a-z 0-9 + / and '=' padding).");
        }
        return compact;
    }

    /** The file name for a single code text: Java needs the public class's name, others a fixed main file. */
    private static String defaultName(Runtime runtime, String code) {
        if (runtime.language().equals("java")) {
            Matcher m = JAVA_PUBLIC_CLASS.matcher(code);
            return (m.find() ? m.group(1) : "Main") + ".java";
        }
        return runtime.defaultFile();
    }

    private static long bounded(String field, Long requested, long dflt, long min, long max) {
        if (requested == null) {
            return Math.min(dflt, max);
        }
        if (requested < min || requested > max) {
            throw ApiProblem.of(ProblemType.INVALID_LIMITS, field + " is " + requested + "; this server allows " + min + " to " + max + ".");
        }
        return requested;
    }

    private static Long toLong(Integer i) {
        return i == null ? null : i.longValue();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
