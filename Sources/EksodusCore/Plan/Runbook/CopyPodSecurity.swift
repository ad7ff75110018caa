/// The security context of the one-off pods eksodus runs to copy data into (or out of) a claim, as close to Pod Security
/// "restricted" as the copy allows (https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted):
/// RuntimeDefault seccomp, no privilege escalation, every capability dropped. A pod that only talks to the network (a
/// probe) runs restricted as a whole, as the smoke probe does (`SmokeProbe.restrictedOverrides`).
///
/// A copy keeps the files' owners and modes, which belong to the database's or the application's uid, not to the copy's:
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

    /// The container-level `securityContext` member of a copy that may run as root, with `capabilities` only.
    static func rootContainer(adding capabilities: [String], readOnlyRoot: Bool) -> String {
        #""securityContext":{"runAsNonRoot":false,"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":"#
            + (readOnlyRoot ? "true" : "false")
            + #","capabilities":{"drop":["ALL"],"add":["# + capabilities.map { "\"\($0)\"" }.joined(separator: ",") + "]}}"
    }
}
