/// The security context of the one-off pods eksodus runs to copy data into (or out of) a claim, as close to Pod Security
/// "restricted" as the copy allows (https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted):
/// RuntimeDefault seccomp, no privilege escalation, every capability dropped. A pod that only talks to the network (a
/// probe) runs restricted as a whole, as the smoke probe does (`SmokeProbe.restrictedOverrides`).
///
/// A workload that runs as a user of its own (`runAsUser` not 0: Bitnami's charts, 1001) is copied as that user, with its
/// groups and its `fsGroup` (`Identity`): the kubelet gives the new claim to the fsGroup, group-writable, before the pod
/// starts (Kubernetes docs, Configure a Security Context for a Pod: "the owner for volume /data/demo and any files
/// created in that volume will be Group ID 2000"), so the copy writes the volume as the workload will, and its files
/// belong to the workload's uid. Such a copy runs non-root with every capability dropped: a non-root process has no use
/// of added ones (Kubernetes sets no ambient capabilities), and it is what "restricted" asks.
///
/// A root workload's copy keeps the files' owners and modes, which belong to the database's or the application's uid, not to the copy's:
/// that needs root, so the copy runs as its image's user (root in busybox and the official postgres images; a non-root
/// image such as Bitnami's keeps its own uid, which owns its files, so no `runAsUser` is forced) with `runAsNonRoot` off
/// and only the capabilities it uses added back — CHOWN (give each file its
/// owner), FOWNER (set modes and times on files it does not own), DAC_OVERRIDE (write into and remove from directories
/// other uids own, read a 0700 data directory), and per copy FSETID (keep set-group-ID bits) or SETUID/SETGID (drop to
/// the server's user with gosu/su-exec). Each is in the "baseline" profile's allowed list, so a namespace enforcing
/// baseline admits the pod; one enforcing restricted refuses any root pod, and the pod's events say so.
enum CopyPodSecurity {
    /// The pod-level fields, as JSON members (no braces): seccomp RuntimeDefault.
    static let podFields = #""securityContext":{"seccompProfile":{"type":"RuntimeDefault"}}"#

    /// The pod-level fields for a copy as `identity` writes: its fsGroup (and change policy) whoever runs, and for a
    /// non-root workload its runAsUser and runAsGroup; nil is today's root copy.
    /// With the toleration of the stateful groups' taint (`CopyPodPlacement`): the claim it mounts is there.
    static func podFields(_ identity: Identity?) -> String {
        guard let identity, identity.hasFields else { return podFields + "," + CopyPodPlacement.tolerations }
        var fields = [#""seccompProfile":{"type":"RuntimeDefault"}"#]
        if !identity.runsAsRoot, let user = identity.runAsUser {
            fields += [#""runAsNonRoot":true"#, "\"runAsUser\":\(user)"]
            if let group = identity.runAsGroup { fields.append("\"runAsGroup\":\(group)") }
        }
        if let group = identity.fsGroup { fields.append("\"fsGroup\":\(group)") }
        if let policy = identity.fsGroupChangePolicy { fields.append("\"fsGroupChangePolicy\":\"\(policy)\"") }
        return "\"securityContext\":{" + fields.joined(separator: ",") + "}," + CopyPodPlacement.tolerations
    }

    /// The container-level member for `identity`: a non-root workload's copy runs restricted (its uid and gid, nothing
    /// added); a root one's as `rootContainer`.
    static func container(adding capabilities: [String], readOnlyRoot: Bool, identity: Identity?) -> String {
        guard let identity, !identity.runsAsRoot, let user = identity.runAsUser else { return rootContainer(adding: capabilities, readOnlyRoot: readOnlyRoot) }
        return "\"securityContext\":{\"runAsNonRoot\":true,\"runAsUser\":\(user)" + (identity.runAsGroup.map { ",\"runAsGroup\":\($0)" } ?? "")
            + ",\"allowPrivilegeEscalation\":false,\"readOnlyRootFilesystem\":" + (readOnlyRoot ? "true" : "false") + #","capabilities":{"drop":["ALL"]}}"#
    }

    /// The container-level `securityContext` member of a copy that may run as root, with `capabilities` only.
    static func rootContainer(adding capabilities: [String], readOnlyRoot: Bool) -> String {
        #""securityContext":{"runAsNonRoot":false,"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":"#
            + (readOnlyRoot ? "true" : "false")
            + #","capabilities":{"drop":["ALL"],"add":["# + capabilities.map { "\"\($0)\"" }.joined(separator: ",") + "]}}"
    }
}
