package dev.playground.e2e.bench;

import dev.playground.e2e.Host;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a burst's CPU goes on this machine, from the kernel's own accounting (/proc): the engine's daemons (dockerd,
 * containerd), our four services, the Kafka broker, this benchmark's own JVM (the load generator), and the rest: the
 * per-container shims and runc, the processes inside the containers, the docker CLI of the raw runs, the kernel.
 * Long-lived processes are counted by their own time (not their reaped children's), so nothing is counted twice.
 */
final class CpuShares {
    static final List<String> GROUPS = List.of("engine daemons (dockerd, containerd)", "our four services",
            "Kafka broker", "load generator (this JVM)", "the rest: shims, runc, sandbox processes, docker CLI, kernel");
    private static final long TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux the project supports

    private final Map<String, List<Long>> pids;
    private final long[] startTicks;
    private final long startBusy;

    private CpuShares(Map<String, List<Long>> pids) {
        this.pids = pids;
        this.startTicks = groupTicks();
        this.startBusy = busyTicks();
    }

    /** Starts counting now, for the stack's processes as they run now. */
    static CpuShares start(List<String> services) {
        Map<String, List<Long>> pids = new LinkedHashMap<>();
        pids.put(GROUPS.get(0), processesNamed("dockerd", "containerd"));
        List<Long> ours = new ArrayList<>();
        for (String s : services) {
            ours.addAll(javaIn(Host.stackContainer(s)));
        }
        pids.put(GROUPS.get(1), ours);
        pids.put(GROUPS.get(2), javaIn(Host.stackContainer("kafka")));
        pids.put(GROUPS.get(3), List.of(ProcessHandle.current().pid()));
        return new CpuShares(pids);
    }

    /** CPU milliseconds per run since {@link #start}, by group (the last one the rest of the machine's busy time). */
    Map<String, Double> perRun(int runs) {
        long[] now = groupTicks();
        long busy = busyTicks() - startBusy;
        Map<String, Double> ms = new LinkedHashMap<>();
        long counted = 0;
        for (int i = 0; i < now.length; i++) {
            long d = now[i] - startTicks[i];
            counted += d;
            ms.put(GROUPS.get(i), toMs(d, runs));
        }
        ms.put(GROUPS.get(GROUPS.size() - 1), toMs(Math.max(0, busy - counted), runs));
        return ms;
    }

    private static double toMs(long ticks, int runs) {
        return ticks * 1000.0 / TICKS_PER_SECOND / runs;
    }

    private long[] groupTicks() {
        long[] t = new long[pids.size()];
        int i = 0;
        for (List<Long> group : pids.values()) {
            for (long pid : group) {
                t[i] += ownTicks(pid);
            }
            i++;
        }
        return t;
    }

    /** user + system ticks of the whole machine (all CPUs), from the first line of /proc/stat. */
    private static long busyTicks() {
        String[] f = read(Path.of("/proc/stat")).lines().findFirst().orElseThrow().trim().split("\\s+");
        long busy = 0;
        for (int i : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal
            busy += Long.parseLong(f[i]);
        }
        return busy;
    }

    /** utime + stime of one process (all its threads), 0 once it is gone. */
    private static long ownTicks(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        if (stat.isEmpty()) {
            return 0;
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
    }

    /** The pids of the processes whose executable has one of these names (found as Host finds dockerd). */
    private static List<Long> processesNamed(String... names) {
        List<String> wanted = List.of(names);
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> wanted.contains(Path.of(c).getFileName().toString())).orElse(false))
                .map(ProcessHandle::pid).toList();
    }

    /** Host pids of the JVMs in a container. */
    private static List<Long> javaIn(String container) {
        return Host.docker("top", container, "-eo", "pid,comm").lines().skip(1).map(String::trim)
                .filter(l -> l.endsWith(" java")).map(l -> Long.parseLong(l.split("\\s+")[0])).toList();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
