/// Pods that each hold their own data get one NLB each: one NLB over all of them would send a consumer that addresses a
/// pod by name (client-side sharding: `cart-cache-0.cart-cache.data`, `cart-cache-1…`) to any pod, and its keys would be
/// lost or split between pods.
///
/// Which workloads: a Redis StatefulSet whose pods replicate nothing between them (`RedisReplicas.Topology.independent`,
/// the data step's own reading, which copies and promotes each pod on its own), with a headless Service giving the pods
/// their names. Each NLB is a LoadBalancer Service on EKS selecting one pod by the label the StatefulSet controller sets
/// on each of its pods, `statefulset.kubernetes.io/pod-name` (Kubernetes docs, StatefulSets, "Pod Name Label",
/// https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#pod-name-label), made, annotated and limited
/// to the source egress range as the shared one is (`RedirectCommands`), probed from the source cluster as it is
/// (`RedirectSwap.answers`), and printed as "pod name -> its NLB" for the engineer who repoints the consumers.
///
/// An NLB per pod is bounded: at most `cap` pods (an account has 50 Network Load Balancers per Region by default:
/// Elastic Load Balancing quotas, https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-limits.html,
/// and the shared NLB and the rest of the estate use some). Above it, or when the data step itself gave up pairing
/// pods one by one (`tooMany`), the step refuses to run: the team decides how those consumers move.
struct PerPodRedirect {
    let workload: Estate.Workload
    /// The headless Service whose name the pods' names sit under.
    let governing: String
    /// The Service the NLBs are made from (its ports): the one `RedirectSwap` saves.
    let swap: RedirectSwap
    /// The pods' topology as the data step reads it, read once here (`make`) and kept: it walks every container's
    /// command, arguments and environment.
    let topology: RedisReplicas.Topology

    /// The most per-pod NLBs one redirect makes.
    static let cap = 12

    /// The per-pod redirect of `workload`, when its pods are independent (or too many to pair), it is a StatefulSet and a
    /// headless Service names its pods; nil otherwise. `topology`, when the caller has read it already, is not read again.
    static func make(_ workload: Estate.Workload, engine: String?, services: [Estate.Service], swap: RedirectSwap,
                     topology known: RedisReplicas.Topology? = nil) -> PerPodRedirect? {
        guard engine == "redis", workload.kind == "StatefulSet",
              let governing = services.first(where: { $0.clusterIP == "None" })?.resource.name else { return nil }
        let topology = known ?? RedisReplicas.topology(of: workload)
        guard [.independent, .tooMany].contains(topology) else { return nil }
        return PerPodRedirect(workload: workload, governing: governing, swap: swap, topology: topology)
    }

    /// The pods as the manifest counts them; `refusal` stops the step before any is used above the cap.
    var count: Int { max(workload.replicas ?? 1, 1) }
    var pods: [String] { count > Self.cap ? [] : (0..<count).map { "\(workload.name)-\($0)" } }
    private var namespace: String { workload.namespace }

    /// A pod's DNS name under its headless Service, as its consumers use it.
    func host(_ pod: String) -> String { "\(pod).\(governing).\(namespace)" }

    /// The NLB Service of one pod: `POD-eksodus` (or a cut name and a hash: `RedirectCommands.crossName`).
    static func crossName(_ pod: String) -> String { RedirectCommands.crossName(pod) }

    /// A failing gate, first in the step, where an NLB per pod is not made: too many pods, or a pod name that is no label value.
    var refusal: String? {
        let why: String
        if count > Self.cap || topology == .tooMany {
            why = "\(workload.kind) \(namespace)/\(workload.name) has \(count) independent pods, more than the \(Self.cap) NLBs (one a pod) this runbook makes"
        } else if let bad = pods.first(where: { !LabelSelector.isValue($0) || !DNSLabel.isValid($0) }) {
            why = "pod name \(bad) is no label value, so no Service can select that pod alone"
        } else {
            return nil
        }
        return "{ echo " + ShellQuote.word("decision: \(why). One NLB over all of them would send a consumer addressing a pod by name (\(workload.name)-N.\(governing).\(namespace), client-side sharding) to any pod: keys lost or split. Decide how those consumers move (with the workload, or each pod's host repointed by hand at an NLB of its own), then mark this step done by hand") + " >&2; false; }"
    }

    /// The NLBs, each probed from the source, and the map the engineer repoints the consumers by; none where `refusal`
    /// stops the step (it goes first).
    var commands: [String] {
        if refusal != nil { return [] }
        let eks = Kubectl.eks(namespace)
        let select = RedirectCommands.sourceRanges + " | .spec.selector = {\"statefulset.kubernetes.io/pod-name\": $pod}"
        return pods.flatMap { pod -> [String] in
            let cross = Self.crossName(pod)
            let one = RedirectSwap(name: swap.name, crossName: cross, namespace: namespace, file: swap.file)
            return [eks("expose service \(ShellQuote.word(swap.name)) --name \(ShellQuote.word(cross)) --type LoadBalancer --dry-run=client -o json")
                        + " | kubectl annotate --local -f - \(RedirectCommands.annotations) -o json | jq --arg cidrs \"$SOURCE_EGRESS_CIDR\" --arg pod \(ShellQuote.word(pod)) \(ShellQuote.word(select)) | " + eks("apply -f -")
                        + "  " + ShellQuote.comment("an NLB for pod \(pod) alone"),
                    one.endpoint, RedirectSwap.probeExpands,
                    one.answers(at: "\"$EKS_ENDPOINT\"", what: ShellQuote.word("the NLB of pod \(pod)") + " \"$EKS_ENDPOINT\""),
                    "printf '%s -> %s\\n' " + ShellQuote.word(host(pod)) + " \"$EKS_ENDPOINT\"  " + ShellQuote.comment("repoint this pod's name at its own NLB")]
        }
    }

    /// What the engineer does by hand with the map above.
    func byHand(consumers: [String]) -> String {
        ShellQuote.comment("by hand: the pods of \(workload.name) each hold their own data: change each pod's host (\(workload.name)-N.\(governing).\(namespace)) to its own NLB as this step prints it (HOST -> NLB), never to the shared one, and the Service's own name \(governing).\(namespace) to the shared NLB, in the configuration of: \(consumers.joined(separator: ", "))")
    }

    /// The rollback's note: the hosts go back, pod by pod.
    func rollback(consumers: [String]) -> String {
        ShellQuote.comment("put each pod's host back (\(workload.name)-N.\(governing).\(namespace), and \(governing).\(namespace)) in the configuration of: \(consumers.joined(separator: ", "))")
    }
}
