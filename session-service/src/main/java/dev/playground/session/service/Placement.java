package dev.playground.session.service;

import dev.playground.contract.docker.SandboxHosts;
import dev.playground.contract.problem.ApiProblem;
import dev.playground.contract.problem.ProblemType;
import dev.playground.session.config.SessionConfig;
import dev.playground.session.domain.SessionRepository.HostLoad;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Where a new session lives: on the sandbox host that answers its ping and has the most memory left for sessions
 * (live sessions' limits against {@code host-memory-mb}), with fewer sessions breaking ties. Two instances placing at
 * the same moment may both pick the emptiest host; the next placement sees both, so the spread evens out.
 */
@ApplicationScoped
public class Placement {

    private final SandboxHosts hosts;
    private final SessionConfig config;

    Placement(SandboxHosts hosts, SessionConfig config) {
        this.hosts = hosts;
        this.config = config;
    }

    /** True when the host is one of this deployment's and answers its pings. */
    public boolean answers(String host) {
        return hosts.isUp(host);
    }

    /** Asks the host now whether it answers (blocking: a worker thread). */
    public boolean probe(String host) {
        return hosts.probe(host);
    }

    /** A call to the host failed to reach it: it counts as down until its next ping answers. */
    public void unreachable(String host, Throwable why) {
        hosts.unreachable(host, why);
    }

    /** The host for a session asking for {@code memoryMb}, given the live load; a 503 when none answers or has room. */
    public String choose(int memoryMb, List<HostLoad> load) {
        return choose(hosts.upHosts(), hosts.names().size(), memoryMb, load, config.session().hostMemoryMb(),
                config.session().maxPerHost());
    }

    static String choose(List<String> up, int known, int memoryMb, List<HostLoad> load, int capacityMb, int maxPerHost) {
        if (up.isEmpty()) {
            throw ApiProblem.of(ProblemType.HOST_UNAVAILABLE, "No sandbox host answers (" + known
                    + " configured); try again in a moment.");
        }
        Map<String, HostLoad> byHost = load.stream().collect(Collectors.toMap(HostLoad::host, Function.identity()));
        Function<String, HostLoad> of = h -> byHost.getOrDefault(h, new HostLoad(h, 0, 0));
        return up.stream()
                .filter(h -> of.apply(h).sessions() < maxPerHost && of.apply(h).memoryMb() + memoryMb <= capacityMb)
                .min(Comparator.<String>comparingLong(h -> of.apply(h).memoryMb()).thenComparingLong(h -> of.apply(h).sessions()))
                .orElseThrow(() -> ApiProblem.of(ProblemType.UNAVAILABLE, "Every sandbox host that answers is full ("
                        + up.size() + " of " + known + " answer); stop a session or try again later."));
    }
}
