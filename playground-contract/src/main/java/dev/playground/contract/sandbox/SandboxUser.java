package dev.playground.contract.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.ExecCreateCmd;

/**
 * The numeric, non-root user every container and every exec of the project runs as. Numeric on purpose: a name
 * is resolved inside the image, where an image could map it to uid 0. uid 0 and gid 0 (root's group) are refused.
 */
public record SandboxUser(int uid, int gid) {

    /** The runtime images' {@code sandbox} user. */
    public static final SandboxUser DEFAULT = new SandboxUser(1000, 1000);

    public SandboxUser {
        if (uid <= 0 || gid <= 0) {
            throw new IllegalArgumentException("sandboxes never run as root: uid and gid must be above 0, not "
                    + uid + ":" + gid);
        }
    }

    /** Parses {@code uid:gid} (or {@code uid}, gid = uid); anything else, root included, is refused. */
    public static SandboxUser parse(String spec) {
        if (spec == null || !spec.matches("\\d{1,9}(:\\d{1,9})?")) {
            throw new IllegalArgumentException("a sandbox user is numeric uid:gid (e.g. 1000:1000), not '" + spec + "'");
        }
        String[] parts = spec.split(":");
        int uid = Integer.parseInt(parts[0]);
        return new SandboxUser(uid, parts.length > 1 ? Integer.parseInt(parts[1]) : uid);
    }

    /** As Docker takes it ({@code --user}). */
    public String spec() {
        return uid + ":" + gid;
    }

    /** A {@code docker exec} into {@code containerId} as this user: every exec kind starts here. */
    public ExecCreateCmd exec(DockerClient docker, String containerId) {
        return docker.execCreateCmd(containerId).withUser(spec());
    }
}
