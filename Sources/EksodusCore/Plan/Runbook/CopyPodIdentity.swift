extension CopyPodSecurity {
    /// Who the workload writes its data as, read from its stored manifest's pod template: the pod's `runAsUser`,
    /// `runAsGroup`, `fsGroup` and `fsGroupChangePolicy`, the container's `runAsUser` and `runAsGroup` overriding the pod's
    /// (Kubernetes API reference, SecurityContext: "If set in both SecurityContext and PodSecurityContext, the value
    /// specified in SecurityContext takes precedence"). Only whole numbers of 0…2147483647 and the two policies the API
    /// knows (OnRootMismatch, Always) are kept: nothing else of the manifest reaches the copy pod's JSON.
    struct Identity: Equatable {
        var runAsUser: Int?
        var runAsGroup: Int?
        var fsGroup: Int?
        var fsGroupChangePolicy: String?
        /// `runAsNonRoot: true` with no uid: the image's own non-root user, which eksodus cannot read from the manifest.
        var nonRootImageUser = false

        /// No runAsUser (the image's user, root in the images eksodus copies with) or uid 0: the copy runs as root, as before.
        var runsAsRoot: Bool { (runAsUser ?? 0) == 0 }
        var hasFields: Bool { !runsAsRoot || fsGroup != nil || fsGroupChangePolicy != nil }

        /// From the workload's manifest (`kind` places its pod template), for the container named first in `containers`
        /// that the template has (else its first container); nil when the manifest holds no pod template (an object a
        /// controller made, kept without its spec).
        static func of(_ manifest: ManifestNode?, kind: String, containers: [String]) -> Identity? {
            guard let manifest, let template = KubernetesKinds.podTemplate(of: manifest, kind: kind) else { return nil }
            let pod = template.spec["securityContext"]
            let all = template.spec["containers"]?.items ?? []
            let container = containers.lazy.compactMap { name in all.first { $0["name"]?.string == name } }.first ?? all.first
            let own = container?["securityContext"]
            func id(_ key: String) -> Int? {
                (own?[key]?.int ?? pod?[key]?.int).flatMap { (0...Int(Int32.max)).contains($0) ? $0 : nil }
            }
            let policy = pod?["fsGroupChangePolicy"]?.string.flatMap { ["OnRootMismatch", "Always"].contains($0) ? $0 : nil }
            let nonRoot = (own?["runAsNonRoot"]?.bool ?? pod?["runAsNonRoot"]?.bool) == true
            return Identity(runAsUser: id("runAsUser"), runAsGroup: id("runAsGroup"),
                            fsGroup: pod?["fsGroup"]?.int.flatMap { (0...Int(Int32.max)).contains($0) ? $0 : nil }, fsGroupChangePolicy: policy,
                            nonRootImageUser: nonRoot && id("runAsUser") == nil)
        }

        /// The decision lines a copy pod's command carries for `identity`: none when the copy writes as the workload does.
        static func decisions(_ identity: Identity?) -> [String] {
            guard let identity else { return [unknown] }
            guard identity.nonRootImageUser, identity.fsGroup == nil else { return [] }
            return ["# decision: the workload runs as its image's non-root user (runAsNonRoot without runAsUser or fsGroup), which the manifest does not name: the new claim is created root-owned and that user may not write it; give the workload runAsUser and fsGroup (the image's uid and gid) and re-plan, or add them to the pod's --overrides securityContext below"]
        }

        /// The line a copy of a workload whose manifest held no pod template carries: the operator decides.
        static let unknown = "# decision: the export kept no pod template of this workload, so the copy pod runs as its image's user (root for busybox and the official postgres images); if the workload runs as a user of its own (runAsUser, fsGroup), add them to the pod's --overrides securityContext below, or the copy cannot write the new claim"
    }
}
