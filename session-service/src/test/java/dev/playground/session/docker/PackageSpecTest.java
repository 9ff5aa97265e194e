package dev.playground.session.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a package install accepts as a package, as pure logic: a name with an optional version, never something a
 * package manager would take as an option, a path, a URL, a git repository or a shell word. Refused before any
 * container exists (422).
 */
class PackageSpecTest {

    private static String refusal(String manager, String... packages) {
        return PackageInstaller.refusal(manager, List.of(packages), 10);
    }

    @Test
    void namesWithVersionsRangesExtrasAndScopesAreAccepted() {
        assertThat(refusal("pip", "requests==2.32.3", "numpy>=1.26,<2", "requests[socks]", "six")).isNull();
        assertThat(refusal("npm", "left-pad@1.3.0", "@types/node@20", "is-odd@^3.0.1", "express")).isNull();
    }

    @Test
    void optionsPathsUrlsAndRepositoriesAreRefused() {
        for (String hostile : List.of("--index-url=http://evil.example/simple", "-e.", "-r requirements.txt", "./pip",
                "../pkg", "/etc/passwd", "pip/", "file:../pkg", "git+https://github.com/a/b", "https://evil.example/x.tgz",
                "github:a/b", "a/b", "@scope/a/b", "x; rm -rf /", "$(id)", "`id`", "x y", "")) {
            assertThat(refusal("npm", hostile)).as("npm %s", hostile).contains("is not a package name");
            assertThat(refusal("pip", hostile)).as("pip %s", hostile).contains("is not a package name");
        }
    }

    @Test
    void onlyNpmAndPipAndABoundedListAreAccepted() {
        assertThat(refusal("yarn", "left-pad")).isEqualTo("manager must be 'npm' or 'pip'.");
        assertThat(PackageInstaller.refusal("pip", List.of(), 10)).contains("at least one");
        assertThat(PackageInstaller.refusal("pip", Collections.nCopies(11, "six"), 10)).isEqualTo("At most 10 packages per request.");
    }
}
