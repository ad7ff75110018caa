/// Redis replication that covers every pod of the EKS copy: `kubectl exec statefulset/x` reaches only one pod, so the first
/// pod replicates from the source primary and every other pod replicates from that first one (a replica of a replica
/// receives the same stream). Promoting the first pod then takes the others with it.
struct RedisReplicas {
    var workload: Estate.Workload
    /// A headless Service selecting the pods: a StatefulSet's first pod has a stable name under it.
    var headlessService: String?

    var isStatefulSet: Bool { workload.kind == "StatefulSet" }
    var count: Int { max(workload.replicas ?? 1, 1) }

    /// The pods' labels as a selector; nil when they have none or one breaks the label syntax (then no command lists pods by it).
    var selector: String? { LabelSelector.matching(workload.templateLabels) }

    /// The first pod, which follows the source and is promoted.
    var firstPod: String {
        isStatefulSet ? ShellQuote.word("pod/\(workload.name)-0") : "\"$REDIS_FIRST\""
    }

    /// Sets `$REDIS_FIRST` where the first pod has no stable name.
    var findFirst: [String] {
        guard !isStatefulSet else { return [] }
        guard let selector else { return ["REDIS_FIRST=  # set it to the first Redis pod (pod/NAME): its labels make no selector"] }
        return ["REDIS_FIRST=$(" + Kubectl.eks(workload.namespace)("get pods -l \(ShellQuote.word(selector)) -o name") + " | head -n 1)"]
    }

    /// How the other pods reach the first: its stable DNS name, or its pod IP read now.
    var firstAddress: (setup: [String], address: String) {
        if isStatefulSet, let headlessService {
            return ([], ShellQuote.word("\(workload.name)-0.\(headlessService).\(workload.namespace).svc.cluster.local"))
        }
        return (["REDIS_FIRST_IP=$(" + Kubectl.eks(workload.namespace)("get \(firstPod) -o jsonpath='{.status.podIP}'") + ")  # re-run the followers' REPLICAOF if this pod restarts"],
                "\"$REDIS_FIRST_IP\"")
    }

    func exec(_ pod: String, _ arguments: String) -> String {
        Kubectl.eks(workload.namespace)("exec \(pod) -- \(arguments)")
    }

    /// A loop running `arguments` in every pod (or every pod but the first): a StatefulSet's by ordinal, others' by label.
    func eachPod(_ arguments: String, skippingFirst: Bool = false) -> String {
        if isStatefulSet {
            return "for i in $(seq \(skippingFirst ? 1 : 0) \(count - 1)); do " + exec(ShellQuote.word("pod/\(workload.name)-") + "\"$i\"", arguments) + "; done"
        }
        guard let selector else { return ShellQuote.comment("run in each Redis pod by hand (its labels make no selector): " + arguments) }
        let list = "$(" + Kubectl.eks(workload.namespace)("get pods -l \(ShellQuote.word(selector)) -o name") + ")"
        return "for pod in \(list); do " + (skippingFirst ? "[ \"$pod\" = \(firstPod) ] || " : "") + exec("\"$pod\"", arguments) + "; done"
    }

    func replicate() -> [String] {
        let first = firstAddress
        var commands = findFirst + [exec(firstPod, "redis-cli REPLICAOF \"$SOURCE_REDIS_HOST\" 6379") + "  # the first pod follows the source primary"]
        if count > 1 || !isStatefulSet {
            commands += first.setup
            commands.append(eachPod("redis-cli REPLICAOF \(first.address) 6379", skippingFirst: true) + "  # every other pod follows the first")
        }
        return commands
    }

    func verify() -> [String] {
        [eachPod("redis-cli INFO replication | grep -E 'role|master_host|master_link_status|master_repl_offset'") + "  # every pod: link up, offsets equal",
         DataCopy.exec(workload, on: .source, "redis-cli INFO replication | grep master_repl_offset")]
    }

    func promote() -> [String] {
        findFirst + [exec(firstPod, "redis-cli REPLICAOF NO ONE") + "  # the first pod takes the writes; the others keep following it",
                     eachPod("redis-cli ROLE")]
    }

    /// Undoing the promotion without losing what EKS took since: the source follows the EKS primary (a full resync
    /// replaces its data with EKS's), EKS stops taking writes once the link is up, the source catches up to the same
    /// offset and is promoted; only then is its pause lifted. A replica applies its primary's stream while its own
    /// clients are paused, so the source's write pause can stay on until the end.
    func unpromote(liftSourceFreeze: [String]) -> [String] {
        let source = { (arguments: String) in DataCopy.exec(workload, on: .source, arguments) }
        return ["# the writes made since the promotion are on EKS only: lifting the source's pause alone would lose them",
                "# set EKS_REDIS_HOST to an address of the EKS first pod that the source reaches (its load balancer, port 6379)"]
            + findFirst
            + [DataCopy.execDirect(workload, on: .source, "redis-cli REPLICAOF \"$EKS_REDIS_HOST\" 6379") + "  # the source follows EKS: its data is replaced by EKS's",
               source("redis-cli INFO replication | grep -E 'master_link_status|master_repl_offset'") + "  # re-run until master_link_status:up",
               exec(firstPod, "redis-cli CLIENT PAUSE 86400000 WRITE") + "  # EKS takes no more writes",
               "test \"$(" + exec(firstPod, "redis-cli INFO replication") + " | grep '^master_repl_offset' | tr -d '\\r')\" = \"$("
                   + source("redis-cli INFO replication") + " | grep '^master_repl_offset' | tr -d '\\r')\" || { echo 'the source has not caught up with EKS yet: re-run' >&2; false; }",
               source("redis-cli REPLICAOF NO ONE") + "  # the source is the primary again"]
            + liftSourceFreeze
    }

    func stop() -> [String] {
        [eachPod("redis-cli REPLICAOF NO ONE")]
    }
}
