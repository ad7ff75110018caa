/// A headless Service is never made an alias: the consumers are repointed at the NLB by hand instead.
///
/// A headless Service (`clusterIP: None`) is usually a StatefulSet's governing Service: it gives each pod its DNS name
/// (`pod-0.svc.ns.svc.cluster.local`) and the Service its SRV records, and an ExternalName Service has neither, only a
/// CNAME for the Service's own name (Kubernetes docs, "DNS for Services and Pods"; "Headless Services",
/// https://kubernetes.io/docs/concepts/services-networking/service/#headless-services). Swapped, it would cut clients that
/// address pods by name, and the source StatefulSet's own members, which find one another (replicas, cluster peers) by
/// those names and take the writes again after a rollback. So the Service the redirect turns into an alias is one that
/// has a cluster IP and selects the same pods; when every Service of the workload is headless, the step exposes the NLB,
/// checks it answers from the source, and tells the engineer which consumers to repoint at it, and the reconnect step
/// that follows restarts them and fails while any still connects to the source copy.
struct HeadlessRedirect {
    let swap: RedirectSwap
    let consumers: [String]
    /// The NLB of each pod, where its pods hold their own data.
    var perPod: PerPodRedirect? = nil

    /// The Service to alias: the first with a cluster IP; nil when all are headless (the first of them is then the one named).
    static func aliasable(_ services: [Estate.Service]) -> Estate.Service? {
        services.first { $0.clusterIP != "None" && $0.type != "ExternalName" }
    }

    /// Beside the alias, the headless Services of the same pods, which stay: what a consumer addressing one must do.
    static func staying(_ services: [Estate.Service], namespace: String, perPod: PerPodRedirect? = nil) -> [String] {
        services.filter { $0.clusterIP == "None" }.map { service in
            if let perPod, service.resource.name == perPod.governing {
                return ShellQuote.comment("Service \(namespace)/\(service.resource.name) is headless and stays: a consumer using a pod's name under it is repointed by hand at that pod's own NLB this step prints, never at the alias; the reconnect step fails while any still connects to the source copy")
            }
            return ShellQuote.comment("Service \(namespace)/\(service.resource.name) is headless and stays: a consumer using its name (or a pod's name under it) is repointed at the NLB by hand; the reconnect step fails while any still connects to the source copy")
        }
    }

    private var label: String { "\(swap.namespace)/\(swap.name)" }

    /// The NLB, its name, and a probe of it from the source cluster; the Service itself is only read (saved for its ports).
    var commands: [String] {
        [swap.endpoint, swap.save, RedirectSwap.probeExpands,
         swap.answers(at: "\"$EKS_ENDPOINT\"", what: "\"the NLB $EKS_ENDPOINT\"") + "  # from a pod in the source cluster, as the consumers will connect",
         "printf '%s\\n' " + ShellQuote.word("Service \(label) is headless and stays as it is (the DNS names of its pods and its SRV records keep serving the source StatefulSet): repoint its consumers at") + " \"$EKS_ENDPOINT\"",
         perPod?.byHand(consumers: consumers)
            ?? ShellQuote.comment("by hand: change the host \(swap.name).\(swap.namespace) (or a pod's name under it) to the NLB name above in the configuration of: \(consumers.joined(separator: ", "))"),
         ShellQuote.comment("the reconnect step restarts them and fails while any of them still connects to the source copy")]
    }

    var rollback: [String] {
        if let perPod { return [ShellQuote.comment("Service \(label) was never changed:"), perPod.rollback(consumers: consumers)] }
        return [ShellQuote.comment("Service \(label) was never changed: put the host \(swap.name).\(swap.namespace) back in the configuration of: \(consumers.joined(separator: ", "))")]
    }
}
