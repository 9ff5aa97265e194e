package dev.playground.executor.service;

import dev.playground.contract.execution.Verdict;
import java.util.Map;

/** Decides the verdict from what the supervisor measured and what the engine saw; never from an exit code alone. */
final class VerdictJudge {

    record Judgement(Verdict verdict, String message) {
    }

    static Judgement judge(boolean cancelled, boolean reported, boolean engineOomKilled, String error,
            Map<String, String> compile, Map<String, String> run, ExecutionPlan plan) {
        if (cancelled) {
            return new Judgement(Verdict.CANCELLED, "Cancelled on request.");
        }
        if (compile != null && (!"0".equals(compile.get("exit")) || !compile.get("reason").isEmpty()
                || "1".equals(compile.get("oom")))) {
            String why = switch (compile.get("reason")) {
                case "wall", "cpu" -> "The compile step exceeded its time limit.";
                case "output" -> "The compiler's output exceeded " + plan.outputBytes() + " bytes.";
                default -> "1".equals(compile.get("oom"))
                        ? "The compiler ran out of memory (" + plan.compileMemoryMb() + " MB)." : null;
            };
            return new Judgement(Verdict.COMPILE_ERROR, why);
        }
        if (run == null) {
            if (engineOomKilled) {
                return new Judgement(Verdict.MEMORY_LIMIT_EXCEEDED,
                        "The program exceeded its memory limit of " + plan.runMemoryMb() + " MB.");
            }
            return new Judgement(Verdict.INTERNAL_ERROR, error == null ? "The sandbox ended without a result." : error);
        }
        if ("1".equals(run.get("oom"))) {
            return new Judgement(Verdict.MEMORY_LIMIT_EXCEEDED,
                    "The program exceeded its memory limit of " + plan.runMemoryMb() + " MB and was killed.");
        }
        switch (run.get("reason")) {
            case "output":
                return new Judgement(Verdict.OUTPUT_LIMIT_EXCEEDED,
                        "The program wrote more than " + plan.outputBytes() + " bytes to one stream and was stopped.");
            case "cpu":
                return new Judgement(Verdict.TIME_LIMIT_EXCEEDED,
                        "The program used more than " + plan.runCpuMs() + " ms of CPU time.");
            case "wall":
                return new Judgement(Verdict.TIME_LIMIT_EXCEEDED,
                        "The program ran longer than " + plan.runWallMs() + " ms of wall time.");
            case "cancel":
                return new Judgement(Verdict.CANCELLED, "Cancelled.");
            default:
                break;
        }
        if (!"0".equals(run.get("exit")) || !run.get("signal").isEmpty()) {
            String sig = run.get("signal");
            return new Judgement(Verdict.RUNTIME_ERROR, sig.isEmpty()
                    ? "The program exited with code " + run.get("exit") + "."
                    : "The program was killed by " + sig + ("SIGXFSZ".equals(sig) ? " (it wrote a file larger than the limit)." : "."));
        }
        return new Judgement(Verdict.OK, null);
    }

    private VerdictJudge() {
    }
}
