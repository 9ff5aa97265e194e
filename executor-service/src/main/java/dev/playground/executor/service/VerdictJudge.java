package dev.playground.executor.service;

import dev.playground.contract.execution.Verdict;
import dev.playground.executor.sandbox.SandboxJob;
import dev.playground.executor.sandbox.StepReport;

/** Decides the verdict from what the supervisor measured and what the engine saw; never from an exit code alone. */
final class VerdictJudge {

    record Judgement(Verdict verdict, String message) {
    }

    /**
     * @param cancelled the user cancelled the run
     * @param outputOverrun the executor itself saw more output than the limit (a supervisor that did not stop it)
     * @param engineOomKilled the engine says the container was OOM-killed (when the supervisor could not report)
     * @param error why the sandbox gave no report, when it gave none
     */
    static Judgement judge(boolean cancelled, boolean outputOverrun, boolean engineOomKilled, String error,
            StepReport compile, StepReport run, SandboxJob job) {
        if (cancelled) {
            return new Judgement(Verdict.CANCELLED, "Cancelled on request.");
        }
        if (outputOverrun) {
            return new Judgement(Verdict.OUTPUT_LIMIT_EXCEEDED,
                    "The program wrote more than " + job.outputBytes() + " bytes to one stream and was stopped.");
        }
        if (compile != null && !compile.succeeded()) {
            String why = switch (compile.stop()) {
                case WALL, CPU -> "The compile step exceeded its time limit.";
                case OUTPUT -> "The compiler's output exceeded " + job.outputBytes() + " bytes.";
                default -> compile.oomKilled()
                        ? "The compiler ran out of memory (" + job.compileLimits().memoryMb() + " MB)." : null;
            };
            return new Judgement(Verdict.COMPILE_ERROR, why);
        }
        if (run == null) {
            if (engineOomKilled) {
                return new Judgement(Verdict.MEMORY_LIMIT_EXCEEDED,
                        "The program exceeded its memory limit of " + job.runLimits().memoryMb() + " MB.");
            }
            return new Judgement(Verdict.INTERNAL_ERROR, error == null ? "The sandbox ended without a result." : error);
        }
        if (run.oomKilled()) {
            return new Judgement(Verdict.MEMORY_LIMIT_EXCEEDED,
                    "The program exceeded its memory limit of " + job.runLimits().memoryMb() + " MB and was killed.");
        }
        switch (run.stop()) {
            case OUTPUT:
                return new Judgement(Verdict.OUTPUT_LIMIT_EXCEEDED,
                        "The program wrote more than " + job.outputBytes() + " bytes to one stream and was stopped.");
            case CPU:
                return new Judgement(Verdict.TIME_LIMIT_EXCEEDED,
                        "The program used more than " + job.runLimits().cpuMs() + " ms of CPU time.");
            case WALL:
                return new Judgement(Verdict.TIME_LIMIT_EXCEEDED,
                        "The program ran longer than " + job.runLimits().wallMs() + " ms of wall time.");
            case CANCEL:
                return new Judgement(Verdict.CANCELLED, "Cancelled.");
            default:
                break;
        }
        if (!Integer.valueOf(0).equals(run.exitCode()) || run.signal() != null) {
            String sig = run.signal();
            return new Judgement(Verdict.RUNTIME_ERROR, sig == null
                    ? "The program exited with code " + run.exitCode() + "."
                    : "The program was killed by " + sig + ("SIGXFSZ".equals(sig) ? " (it wrote a file larger than the limit)." : "."));
        }
        return new Judgement(Verdict.OK, null);
    }

    private VerdictJudge() {
    }
}
