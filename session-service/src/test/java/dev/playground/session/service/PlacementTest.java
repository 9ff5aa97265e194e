package dev.playground.session.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.playground.contract.problem.ApiProblem;
import dev.playground.session.domain.SessionRepository.HostLoad;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a new session goes, as pure logic: the host that answers and has the most memory left. */
class PlacementTest {

    @Test
    void aNewSessionGoesToTheHostWithTheMostRoom() {
        var load = List.of(new HostLoad("a", 3, 1536), new HostLoad("b", 1, 512));
        assertThat(Placement.choose(List.of("a", "b"), 2, 512, load, 4096, 100)).isEqualTo("b");
        // a host with nothing on it is not in the load at all, and is the emptiest
        assertThat(Placement.choose(List.of("a", "b", "c"), 3, 512, load, 4096, 100)).isEqualTo("c");
    }

    @Test
    void aHostThatDoesNotAnswerOrIsFullGetsNothing() {
        var load = List.of(new HostLoad("a", 7, 3584), new HostLoad("b", 0, 0));
        assertThat(Placement.choose(List.of("a"), 2, 512, List.of(new HostLoad("a", 1, 512)), 4096, 100)).isEqualTo("a");
        assertThatThrownBy(() -> Placement.choose(List.of("a"), 2, 1024, load, 4096, 100))
                .isInstanceOf(ApiProblem.class).hasMessageContaining("full");
        assertThatThrownBy(() -> Placement.choose(List.of(), 2, 512, load, 4096, 100))
                .isInstanceOf(ApiProblem.class).hasMessageContaining("No sandbox host answers");
        assertThat(Placement.choose(List.of("a", "b"), 2, 512, List.of(new HostLoad("a", 2, 0)), 4096, 2)).isEqualTo("b");
    }
}
