/// Redis replication shaped by how the source's pods relate, as their manifests say (`Topology`), covering every pod of
/// the EKS copy: `kubectl exec statefulset/x` reaches only one pod.
///
/// The source's writes are frozen with `CLIENT PAUSE … WRITE`, which lifts itself when its timeout ends and then runs
/// the commands it held (Redis docs, CLIENT PAUSE: "When the specified amount of time has elapsed, all the clients are
/// unblocked"; https://redis.io/docs/latest/commands/client-pause/). So the pause is bounded (`pauseSeconds`), its end
/// is noted as `REDIS_PAUSED_UNTIL`, and every step that relies on it checks it still holds: re-running the freeze
/// re-arms it.
struct RedisReplicas {
    /// How the source's pods relate.
    enum Topology: Equatable {
        /// One pod.
        case single
        /// A primary and replicas that follow it (`replicaof`/`slaveof`, Sentinel): the EKS copy repeats the chain, its
        /// first pod following the source primary, the others following that first pod.
        case primaryReplicas
        /// Several pods and no replication between them: each holds its own data and a Service reaches any of them.
        /// Each EKS pod follows the source pod of the same place and is promoted on its own; a chain would turn pods
        /// 1… into read-only replicas (READONLY errors) behind the same balancing Service.
        case independent
        /// Redis Cluster (`cluster-enabled yes`): REPLICAOF is refused in cluster mode, the team decides how the slots move.
        case cluster
        /// More pods writing on their own (independent, or a cluster's) than a runbook pairs one by one (`podsByHand`):
        /// a decision. Paired, a manifest's `replicas: 3000000` made millions of commands and exhausted the planner's memory.
        case tooMany
    }

    /// The most pods that take writes of their own a runbook copies, pauses and promotes one by one.
    static let podsByHand = 32

    var workload: Estate.Workload
    /// A headless Service selecting the pods: a StatefulSet's first pod has a stable name under it.
    var headlessService: String?

    var isStatefulSet: Bool { workload.kind == "StatefulSet" }
    var count: Int { max(workload.replicas ?? 1, 1) }

    /// How long the source's write pause lasts: the promotion and the consumers' reconnection fit in it, and each checks it holds.
    static let pauseSeconds = 3600

    /// The pods' labels as a selector; nil when they have none or one breaks the label syntax (then no command lists pods by it).
    var selector: String? { LabelSelector.matching(workload.templateLabels) }

    var topology: Topology { Self.topology(of: workload) }

    /// The topology the containers' command, arguments, environment and images declare; a ConfigMap's redis.conf is not read.
    static func topology(of workload: Estate.Workload) -> Topology {
        var words: [String] = []
        for container in workload.containers {
            words += (container.command.items + container.args.items).compactMap(\.string)
            words += container.env.items.flatMap { [$0["name"]?.string, $0["value"]?.string].compactMap { $0 } }
        }
        let text = words.joined(separator: " ").lowercased()
        let images = workload.containers.compactMap(\.image).joined(separator: " ").lowercased()
        let pods = max(workload.replicas ?? 1, 1)
        if text.contains("cluster-enabled yes") || images.contains("redis-cluster") { return pods > podsByHand ? .tooMany : .cluster }
        if ["replicaof", "slaveof", "sentinel", "redis_replication_mode"].contains(where: text.contains) || images.contains("sentinel") {
            return .primaryReplicas
        }
        return pods > podsByHand ? .tooMany : pods > 1 ? .independent : .single
    }

    /// Whether the source keeps its data across restarts: a claim to write to, and saving not switched off (`--save ""`
    /// turns RDB snapshots off, and the append-only file is off unless `--appendonly yes`; Redis docs, Persistence:
    /// https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/). Without, it is a cache.
    var persists: Bool {
        let words = workload.containers.flatMap { ($0.command.items + $0.args.items).compactMap(\.string) }
            .flatMap { $0.split(whereSeparator: \.isWhitespace).map { $0.lowercased() } }
        let claim = !workload.claimTemplates.isEmpty || workload.volumes.contains { $0.type == "persistentVolumeClaim" }
        let appendOnly = zip(words, words.dropFirst()).contains { $0 == "--appendonly" && RedisAuth.unquoted($1) == "yes" }
        let savesOff = zip(words, words.dropFirst()).contains { $0 == "--save" && ["\"\"", "''"].contains($1) }
            || workload.containers.contains { container in
                let arguments = (container.command.items + container.args.items).compactMap(\.string)
                return zip(arguments, arguments.dropFirst()).contains { $0 == "--save" && $1.isEmpty }
            }
        return claim && (appendOnly || !savesOff)
    }

    // MARK: Pods

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

    /// Pod `i` on one side: a StatefulSet's by ordinal, another workload's by its place in the listing `listPods` makes.
    func pod(_ i: Int, on side: Kubectl.Side) -> String {
        isStatefulSet ? ShellQuote.word("pod/\(workload.name)-\(i)") : "\"${\(side == .eks ? "EKS" : "SOURCE")_REDIS_PODS[\(i)]}\""
    }

    /// Lists the pods of `sides` into arrays, where they have no ordinals, and checks each side runs as many as planned.
    func listPods(_ sides: [Kubectl.Side] = [.source, .eks]) -> [String] {
        guard !isStatefulSet else { return [] }
        guard let selector else { return ["# its labels make no selector: set SOURCE_REDIS_PODS and EKS_REDIS_PODS (arrays of pod/NAME, the same order) by hand"] }
        return sides.flatMap { side -> [String] in
            let kubectl = side == .source ? Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload)) : Kubectl.eks(workload.namespace)
            let array = side == .eks ? "EKS_REDIS_PODS" : "SOURCE_REDIS_PODS"
            return ["mapfile -t \(array) < <(" + kubectl("get pods -l \(ShellQuote.word(selector)) -o name") + ")",
                    "test \"${#\(array)[@]}\" -eq \(count) || { echo 'expected \(count) Redis pods on the \(side == .eks ? "EKS" : "source") side' >&2; false; }"]
        }
    }

    /// How redis-cli authenticates in the pods (both sides alike).
    var auth: RedisAuth { RedisAuth.of(workload) }

    /// `arguments` (`redis-cli …`) run authenticated, as `auth` says.
    func authenticated(_ arguments: String) -> String {
        arguments.hasPrefix("redis-cli ") ? auth.cli + arguments.dropFirst("redis-cli".count) : arguments
    }

    func exec(_ pod: String, _ arguments: String) -> String {
        Kubectl.eks(workload.namespace)("exec \(pod) -- \(authenticated(arguments))")
    }

    func sourceExec(_ pod: String, _ arguments: String) -> String {
        Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload))("exec \(pod) -- \(authenticated(arguments))")
    }

    /// redis-cli exits 0 on an error reply (NOAUTH, READONLY, an unknown command: redis/redis#3475, #5458), so a command
    /// that changes something passes its answer through this, which fails unless Redis answered OK (REPLICAOF, CLIENT
    /// PAUSE, CONFIG SET all do). With no answer at all (kubectl failing), it fails too.
    static let answeredOK = " | awk '{ print } /^OK/ { ok = 1 } END { exit !ok }'"

    /// `arguments`, failing unless Redis answered OK.
    func changing(_ arguments: String) -> String { arguments + Self.answeredOK }

    /// `eksodus_kubectl`'s name for a side.
    func sideName(_ side: Kubectl.Side) -> String { side == .eks ? "eks" : sourceSide }

    /// `follower` (a pod on `followerSide`) follows the Redis at `host`, which `leader` (a pod, or the workload, on
    /// `leaderSide`) runs. Where a password is required, the library's `eksodus_redis_follow` first gives the follower the
    /// leader's password as `masterauth` and then waits for its link; otherwise REPLICAOF itself, checked for its OK.
    func follow(_ follower: String, on followerSide: Kubectl.Side, leader: String, on leaderSide: Kubectl.Side, host: String) -> String {
        guard auth.libraryValue != nil else {
            return (followerSide == .eks ? exec : sourceExec)(follower, changing("redis-cli REPLICAOF \(host) 6379"))
        }
        return auth.libraryPrefix + ["eksodus_redis_follow", ShellQuote.word(workload.namespace), sideName(followerSide), follower,
                                     sideName(leaderSide), leader, host].joined(separator: " ")
    }

    /// The source pod that takes the writes: the only one, or (in a chain) the one `$SOURCE_REDIS_PRIMARY` names.
    var sourcePrimary: String {
        topology == .primaryReplicas ? "\"$SOURCE_REDIS_PRIMARY\"" : Kubectl.ref(workload, on: .source)
    }

    /// Whether every source pod takes writes of its own: an independent set, or a cluster's primaries.
    var writesEverywhere: Bool { [.independent, .cluster].contains(topology) }

    /// Every source pod that takes writes: each pod where `writesEverywhere`, the primary otherwise.
    var writablePods: [String] {
        writesEverywhere ? (0..<count).map { pod($0, on: .source) } : [sourcePrimary]
    }

    /// A loop running `arguments` in every pod (or every pod but the first): a StatefulSet's by ordinal, others' by label.
    func eachPod(_ arguments: String, skippingFirst: Bool = false) -> String {
        eachPod(shown: arguments, skippingFirst: skippingFirst) { exec($0, arguments) }
    }

    /// A loop running `command(pod)` on every EKS pod; `shown` is what a by-hand note says to run.
    func eachPod(shown: String, skippingFirst: Bool = false, _ command: (String) -> String) -> String {
        if isStatefulSet {
            return "for i in $(seq \(skippingFirst ? 1 : 0) \(count - 1)); do " + command(ShellQuote.word("pod/\(workload.name)-") + "\"$i\"") + "; done"
        }
        guard let selector else { return ShellQuote.comment("run in each Redis pod by hand (its labels make no selector): " + shown) }
        let list = "$(" + Kubectl.eks(workload.namespace)("get pods -l \(ShellQuote.word(selector)) -o name") + ")"
        return "for pod in \(list); do " + (skippingFirst ? "[ \"$pod\" = \(firstPod) ] || " : "") + command("\"$pod\"") + "; done"
    }

    /// How the other pods reach the first: its stable DNS name, or its pod IP read now.
    var firstAddress: (setup: [String], address: String) {
        if isStatefulSet, let headlessService {
            return ([], ShellQuote.word("\(workload.name)-0.\(headlessService).\(workload.namespace).svc.cluster.local"))
        }
        return (["REDIS_FIRST_IP=$(" + Kubectl.eks(workload.namespace)("get \(firstPod) -o jsonpath='{.status.podIP}'") + ")  # re-run the followers' REPLICAOF if this pod restarts"],
                "\"$REDIS_FIRST_IP\"")
    }

    // MARK: Gates

    /// Fails unless every variable in `names` is set.
    static func requireSet(_ names: [String], _ message: String) -> String {
        "{ " + names.map { "test -n \"${\($0):-}\"" }.joined(separator: " && ") + "; } || { echo " + ShellQuote.word(message) + " >&2; false; }"
    }

    /// `SOURCE_REDIS_HOST_0`…: one address per source pod, since each holds different data.
    var sourceHosts: [String] { (0..<count).map { "SOURCE_REDIS_HOST_\($0)" } }
    var eksHosts: [String] { (0..<count).map { "EKS_REDIS_HOST_\($0)" } }

    /// The source side as `eksodus_kubectl` names it: `oc` for a DeploymentConfig.
    var sourceSide: String { Kubectl.tool(for: workload) == "oc" ? "oc" : "source" }

    /// Fails unless the replica's link is up and its offset equals its primary's: nothing written there is missing.
    func offsetsEqual(replica: String, primary: String, replicaOnEKS: Bool, _ message: String) -> String {
        auth.libraryPrefix + (["eksodus_redis_caught_up", ShellQuote.word(workload.namespace)]
            + (replicaOnEKS ? ["eks", replica, sourceSide, primary] : [sourceSide, replica, "eks", primary]) + [ShellQuote.word(message)]).joined(separator: " ")
    }

    /// Fails once the source's write pause has lifted itself (or its end was not noted).
    /// Where the freeze notes when its pause ends: each step runs in a shell of its own (`cutover run`), so a variable the
    /// freeze set is gone by the promotion; the file, in the working directory beside the steps' other state, is not.
    var pauseFile: String {
        ShellQuote.word(ShellQuote.fileName(["redis", "\(workload.clusterID)", workload.namespace, workload.kind.lowercased(), workload.name], suffix: ".redis-paused-until"))
    }
    /// Reads the freeze's note back (empty when there is none: `eksodus_redis_paused` then fails, saying so).
    /// The file first (the freeze's own note); without one, an end the engineer exported.
    var pauseLoad: String { "REDIS_PAUSED_UNTIL=$(cat -- \(pauseFile) 2>/dev/null || printf '%s' \"${REDIS_PAUSED_UNTIL:-}\")" }
    var pauseHolds: String { pauseLoad + "; eksodus_redis_paused" }

    /// Whether the pods of both sides can be named by the library: by ordinal, or listed by label.
    var podsListable: Bool { isStatefulSet || selector != nil }

    /// `NAMESPACE SOURCE_SIDE COUNT STATEFULSET SELECTOR`: how `eksodus_redis_pods` finds the pods, as arguments.
    var podArguments: String {
        [ShellQuote.word(workload.namespace), sourceSide, String(count), ShellQuote.word(isStatefulSet ? workload.name : ""), ShellQuote.word(isStatefulSet ? "" : selector ?? "")]
            .joined(separator: " ")
    }

    /// The Redis functions of the runbook library.
    static let library = """
        # eksodus_redis_paused: fails once the source's write pause (CLIENT PAUSE ... WRITE, \(pauseSeconds) s) has lifted itself, or when its end
        # was not noted: Redis then runs the writes it held, so nothing relying on the freeze may go on. Re-run the freeze to re-arm it.
        eksodus_redis_paused() {
          case "${REDIS_PAUSED_UNTIL:-}" in
            ''|*[!0-9]*) echo 'REDIS_PAUSED_UNTIL was not noted (the freeze step writes it to a file in this directory): re-run the freeze step here, then this one' >&2; return 1 ;;
          esac
          [ "$(date -u +%s)" -lt "$REDIS_PAUSED_UNTIL" ] || { echo 'the write pause on the source Redis has lifted itself: re-run the freeze step, then this one' >&2; return 1; }
        }

        # eksodus_redis_setup: the pod shell's commands that set REDISCLI_AUTH from the pod's own variable EKSODUS_REDIS_AUTH names (NAME,
        # or file:NAME for one naming a file) when it holds a password; nothing where EKSODUS_REDIS_AUTH is not set (none is required).
        eksodus_redis_setup() {
          local name=${EKSODUS_REDIS_AUTH:-}
          [ -n "$name" ] || return 0
          name=${name#file:}
          [[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { echo 'EKSODUS_REDIS_AUTH names no variable of the Redis pod' >&2; return 1; }
          # shellcheck disable=SC2016  # the pod's shell expands them
          case "$EKSODUS_REDIS_AUTH" in
            file:*) printf 'p=$(cat -- "$%s" 2>/dev/null) || p=; [ -z "$p" ] || export REDISCLI_AUTH="$p"; ' "$name" ;;
            *) printf 'p=$%s; [ -z "$p" ] || export REDISCLI_AUTH="$p"; ' "$name" ;;
          esac
        }

        # eksodus_redis_cli SIDE NAMESPACE POD ARGS...: redis-cli ARGS in POD on SIDE. Where a password is required, redis-cli reads it
        # from REDISCLI_AUTH, set inside the pod from the pod's own variable: it never reaches a command line.
        eksodus_redis_cli() {
          local side=$1 namespace=$2 pod=$3 setup
          shift 3
          setup=$(eksodus_redis_setup) || return 1
          if [ -z "$setup" ]; then eksodus_kubectl "$side" "$namespace" exec "$pod" -- redis-cli "$@"
          else eksodus_kubectl "$side" "$namespace" exec "$pod" -- sh -c "${setup}"'exec redis-cli "$@"' redis-cli "$@"; fi
        }

        # eksodus_redis_ok: passes redis-cli's answer through, failing unless Redis answered OK: redis-cli exits 0 on an error
        # reply (NOAUTH, READONLY), and no answer at all (kubectl failing) is no OK either.
        eksodus_redis_ok() { awk '{ print } /^OK/ { ok = 1 } END { exit !ok }'; }

        # eksodus_redis_follow NAMESPACE FOLLOWER_SIDE FOLLOWER LEADER_SIDE LEADER HOST: FOLLOWER (a pod on FOLLOWER_SIDE) follows the Redis at
        # HOST, port 6379, which LEADER (a pod or workload on LEADER_SIDE) runs. Where a password is required, FOLLOWER's masterauth is first
        # set to LEADER's, read in LEADER's pod and passed on standard input, never on a command line: the two sides' Secrets may differ.
        # Fails unless Redis answered OK, and unless the follower's link is up or its first sync under way within EKSODUS_REDIS_LINK_WAIT
        # tries (24, 5 s apart): a refused password or an unreachable HOST shows here, not at the promotion.
        eksodus_redis_follow() {
          local setup leader i info
          setup=$(eksodus_redis_setup) || return 1
          if [ -n "$setup" ]; then
            # shellcheck disable=SC2016  # the leader pod's shell expands it
            leader='[ -n "${REDISCLI_AUTH:-}" ] && printf %s "$REDISCLI_AUTH"'
            ( set -o pipefail
              eksodus_kubectl "$4" "$1" exec "$5" -- sh -c "${setup}${leader}" \\
                | eksodus_kubectl "$2" "$1" exec -i "$3" -- sh -c "${setup}exec redis-cli -x CONFIG SET masterauth" | eksodus_redis_ok ) \\
              || { echo "$3 did not take the password of $5 as its masterauth" >&2; return 1; }
          fi
          eksodus_redis_cli "$2" "$1" "$3" REPLICAOF "$6" 6379 | eksodus_redis_ok || return 1
          for (( i = 0; i < ${EKSODUS_REDIS_LINK_WAIT:-24}; i++ )); do
            info=$(eksodus_redis_cli "$2" "$1" "$3" INFO replication | tr -d '\\r') || info=
            if printf '%s\\n' "$info" | grep -qE '^(master_link_status:up|master_sync_in_progress:1)$'; then return 0; fi
            sleep 5
          done
          echo "$3 does not replicate from $6: its Redis log says why (WRONGPASS or NOAUTH: the password it follows with; a timeout: the address or a NetworkPolicy)" >&2
          return 1
        }

        # eksodus_redis_caught_up NAMESPACE REPLICA_SIDE REPLICA PRIMARY_SIDE PRIMARY MESSAGE: fails, saying MESSAGE, unless the Redis in
        # pod REPLICA (on REPLICA_SIDE: source, oc or eks) has its link to its primary up and the same, non-empty master_repl_offset as
        # PRIMARY: nothing written there is missing. Each INFO is read once.
        eksodus_redis_caught_up() {
          local replica primary replica_offset
          replica=$(eksodus_redis_cli "$2" "$1" "$3" INFO replication | tr -d '\\r') || replica=
          primary=$(eksodus_redis_cli "$4" "$1" "$5" INFO replication | tr -d '\\r') || primary=
          replica_offset=$(printf '%s\\n' "$replica" | grep '^master_repl_offset:[0-9][0-9]*$') || replica_offset=
          if ! printf '%s\\n' "$replica" | grep -q '^master_link_status:up$' || [ -z "$replica_offset" ] \\
            || [ "$replica_offset" != "$(printf '%s\\n' "$primary" | grep '^master_repl_offset:')" ]; then
            echo "$6" >&2
            return 1
          fi
        }

        # eksodus_redis_pods SIDE NAMESPACE COUNT STATEFULSET SELECTOR: prints the COUNT Redis pods on SIDE, in order: pod/STATEFULSET-0...
        # by ordinal, or (no STATEFULSET) the pods SELECTOR lists, failing unless there are COUNT of them.
        eksodus_redis_pods() {
          local i pods
          if [ -n "$4" ]; then
            for (( i = 0; i < $3; i++ )); do printf 'pod/%s-%s\\n' "$4" "$i"; done
            return 0
          fi
          pods=$(eksodus_kubectl "$1" "$2" get pods -l "$5" -o name) || { echo "the Redis pods on the $1 side were not listed" >&2; return 1; }
          [ "$(printf '%s' "$pods" | grep -c .)" -eq "$3" ] || { echo "expected $3 Redis pods on the $1 side" >&2; return 1; }
          printf '%s\\n' "$pods"
        }

        # eksodus_redis_pairs NAMESPACE SOURCE_SIDE COUNT STATEFULSET SELECTOR: the pods of both sides into EKSODUS_SOURCE_PODS and
        # EKSODUS_EKS_PODS (arrays, paired by place).
        eksodus_redis_pairs() {
          local pods
          pods=$(eksodus_redis_pods "$2" "$1" "$3" "$4" "$5") || return 1
          mapfile -t EKSODUS_SOURCE_PODS <<< "$pods"
          pods=$(eksodus_redis_pods eks "$1" "$3" "$4" "$5") || return 1
          mapfile -t EKSODUS_EKS_PODS <<< "$pods"
        }

        # eksodus_redis_promote_each NAMESPACE SOURCE_SIDE COUNT STATEFULSET SELECTOR: the promotion of independent pods (each holds
        # its own data; EKS pod i follows source pod i): the pause still holds, every pair is caught up (checked for all before any
        # pod is promoted, so a failed check leaves the copy whole, still following), then REPLICAOF NO ONE on each EKS pod.
        eksodus_redis_promote_each() {
          local i
          eksodus_redis_paused || return 1
          eksodus_redis_pairs "$@" || return 1
          for (( i = 0; i < $3; i++ )); do
            eksodus_redis_caught_up "$1" eks "${EKSODUS_EKS_PODS[i]}" "$2" "${EKSODUS_SOURCE_PODS[i]}" "EKS pod $i has not caught up with source pod $i: re-run" || return 1
          done
          for (( i = 0; i < $3; i++ )); do
            eksodus_redis_cli eks "$1" "${EKSODUS_EKS_PODS[i]}" REPLICAOF NO ONE | eksodus_redis_ok || return 1
          done
          for (( i = 0; i < $3; i++ )); do eksodus_redis_cli eks "$1" "${EKSODUS_EKS_PODS[i]}" ROLE || return 1; done
        }

        # eksodus_redis_unpromote_each NAMESPACE SOURCE_SIDE COUNT STATEFULSET SELECTOR: the rollback of independent pods without losing
        # what EKS took since: source pod i follows EKS pod i at EKS_REDIS_HOST_i (a full resync replaces its data with EKS's), EKS pod i
        # takes no more writes (paused for a day: delete the EKS copy before), and once every source pod caught up, each is promoted.
        # The source's own pause stays on (a replica applies its primary's stream while its clients are paused): lift it after.
        eksodus_redis_unpromote_each() {
          local i host
          for (( i = 0; i < $3; i++ )); do
            host=EKS_REDIS_HOST_$i
            [ -n "${!host:-}" ] || { echo "set EKS_REDIS_HOST_0 to EKS_REDIS_HOST_$(( $3 - 1 )): the address the source reaches of each EKS pod, in order ($host is not set)" >&2; return 1; }
          done
          eksodus_redis_pairs "$@" || return 1
          for (( i = 0; i < $3; i++ )); do
            host=EKS_REDIS_HOST_$i
            eksodus_redis_follow "$1" "$2" "${EKSODUS_SOURCE_PODS[i]}" eks "${EKSODUS_EKS_PODS[i]}" "${!host}" || return 1
          done
          for (( i = 0; i < $3; i++ )); do
            eksodus_redis_cli eks "$1" "${EKSODUS_EKS_PODS[i]}" CLIENT PAUSE 86400000 WRITE | eksodus_redis_ok || return 1
          done
          for (( i = 0; i < $3; i++ )); do
            eksodus_redis_caught_up "$1" "$2" "${EKSODUS_SOURCE_PODS[i]}" eks "${EKSODUS_EKS_PODS[i]}" "source pod $i has not caught up with EKS pod $i yet: re-run" || return 1
          done
          for (( i = 0; i < $3; i++ )); do
            eksodus_redis_cli "$2" "$1" "${EKSODUS_SOURCE_PODS[i]}" REPLICAOF NO ONE | eksodus_redis_ok || return 1
          done
        }

        """

    // MARK: Steps

    static let clusterDecision = "# Redis Cluster (cluster-enabled yes): REPLICAOF is refused in cluster mode; decide with the team: an empty EKS cluster filled by redis-cli --cluster import from the source, or a cache left to warm"

    /// The decision that stands for the steps where the pods are too many to pair, or a cluster.
    var decision: String {
        topology == .tooMany
            ? "# \(count) Redis pods take writes of their own, more than a runbook pairs one by one (\(Self.podsByHand)): decide with the team how the data moves (a migration tool, a cache left to warm) before this step"
            : Self.clusterDecision
    }

    func replicate() -> [String] {
        (auth.refusal.map { [$0] } ?? []) + replicateAuthenticated()
    }

    private func replicateAuthenticated() -> [String] {
        switch topology {
        case .cluster, .tooMany:
            return [decision]
        case .independent:
            var commands = ["# \(count) independent pods (no replication in their manifests, a Service reaching any of them): each holds its own data, so EKS pod i follows source pod i"
                            + (persists ? "" : "; none persists its data (a cache): warming it on EKS instead of copying is a team decision"),
                            isStatefulSet ? ShellQuote.comment("expose each source pod to EKS on its own (a Service selecting statefulset.kubernetes.io/pod-name=\(workload.name)-i)") : "# expose each source pod to EKS on its own address",
                            Self.requireSet(sourceHosts, "set SOURCE_REDIS_HOST_0 to SOURCE_REDIS_HOST_\(count - 1): the address EKS reaches of each source pod, in order")]
            commands += listPods()
            // The manifests may not say it all (a ConfigMap's redis.conf): every source pod must really be a primary.
            commands += (0..<count).map {
                sourceExec(pod($0, on: .source), "redis-cli ROLE") + " | head -n 1 | grep -q '^master' || { echo "
                    + ShellQuote.word("source pod \($0) is a replica: its replication is configured outside the manifests; copy it as a chain (decide with the team)") + " >&2; false; }"
            }
            commands += (0..<count).map {
                follow(pod($0, on: .eks), on: .eks, leader: pod($0, on: .source), on: .source, host: "\"$SOURCE_REDIS_HOST_\($0)\"") + "  # follows source pod \($0)"
            }
            return commands
        case .single, .primaryReplicas:
            let first = firstAddress
            var commands = findFirst
                + [follow(firstPod, on: .eks, leader: Kubectl.ref(workload, on: .source), on: .source, host: "\"$SOURCE_REDIS_HOST\"") + "  # the first pod follows the source primary"]
            if count > 1 || !isStatefulSet {
                commands += first.setup
                let shown = "redis-cli REPLICAOF \(first.address) 6379"
                commands.append(eachPod(shown: shown, skippingFirst: true) { follow($0, on: .eks, leader: firstPod, on: .eks, host: first.address) } + "  # every other pod follows the first")
            }
            return commands
        }
    }

    func verify() -> [String] {
        switch topology {
        case .cluster: return [sourceExec(Kubectl.ref(workload, on: .source), "redis-cli CLUSTER INFO")]
        case .tooMany: return [decision]
        case .independent:
            return listPods() + (0..<count).flatMap { i in
                [exec(pod(i, on: .eks), "redis-cli INFO replication") + " | grep -E 'role|master_link_status|master_repl_offset'  # EKS pod \(i): link up",
                 sourceExec(pod(i, on: .source), "redis-cli INFO replication") + " | grep master_repl_offset  # the same offset as source pod \(i)"]
            }
        case .single, .primaryReplicas:
            return [eachPod("redis-cli INFO replication | grep -E 'role|master_link_status|master_repl_offset'") + "  # every pod: link up, offsets equal",
                    sourceExec(sourcePrimary, "redis-cli INFO replication") + " | grep master_repl_offset"]
        }
    }

    /// Pauses the source's writes, bounded, and notes when the pause ends; the second list lifts it on every pod it holds.
    func freeze() -> (commands: [String], rollback: [String]) {
        guard topology != .tooMany else { return ([decision], []) }
        let note = "REDIS_PAUSED_UNTIL=$(( $(date -u +%s) + \(Self.pauseSeconds) )) && printf '%s\\n' \"$REDIS_PAUSED_UNTIL\" > \(pauseFile)  # noted for the later steps: the pause lifts itself then (and runs the writes it held); re-run this step to re-arm it"
        let setup = writesEverywhere ? listPods([.source]) : []
        let primary = topology == .primaryReplicas ? ["# SOURCE_REDIS_PRIMARY: the source pod whose redis-cli ROLE says master (pod/NAME); its replicas refuse writes already"] : []
        let refusal = auth.refusal.map { [$0] } ?? []
        return (refusal + primary + setup + [note] + writablePods.map { sourceExec($0, changing("redis-cli CLIENT PAUSE \(Self.pauseSeconds * 1000) WRITE")) },
                // Every pod is unpaused even when one fails: a pod left paused refuses writes for up to an hour.
                refusal + primary + setup + ["unpause_failed="] + writablePods.map { sourceExec($0, changing("redis-cli CLIENT UNPAUSE")) + " || unpause_failed=1" }
                    + ["[ -z \"$unpause_failed\" ] || { echo 'a source pod did not lift its pause (above): run CLIENT UNPAUSE there by hand' >&2; false; }",
                       "rm -f -- \(pauseFile)  # no pause is noted any more"])
    }

    func promote() -> [String] {
        (auth.refusal.map { [$0] } ?? []) + promoteAuthenticated()
    }

    private func promoteAuthenticated() -> [String] {
        switch topology {
        case .cluster, .tooMany: return [decision]
        case .independent:
            // Every pair is checked before any pod is promoted: a failed check leaves the copy whole, still following.
            if podsListable { return ["# every EKS pod caught up with its source pod (all checked first), then each promoted:", pauseLoad, auth.libraryPrefix + "eksodus_redis_promote_each " + podArguments] }
            return [pauseHolds] + listPods()
                + (0..<count).map { offsetsEqual(replica: pod($0, on: .eks), primary: pod($0, on: .source), replicaOnEKS: true, "EKS pod \($0) has not caught up with source pod \($0): re-run") }
                + (0..<count).map { exec(pod($0, on: .eks), changing("redis-cli REPLICAOF NO ONE")) + "  # takes the writes of source pod \($0)" }
                + [eachPod("redis-cli ROLE")]
        case .single, .primaryReplicas:
            return [pauseHolds] + findFirst
                + [offsetsEqual(replica: firstPod, primary: sourcePrimary, replicaOnEKS: true, "the EKS first pod has not caught up with the source: re-run"),
                   exec(firstPod, changing("redis-cli REPLICAOF NO ONE")) + "  # the first pod takes the writes; the others keep following it",
                   eachPod("redis-cli ROLE")]
        }
    }

    /// Undoing the promotion without losing what EKS took since: the source follows EKS (a full resync replaces its data
    /// with EKS's), EKS stops taking writes once the link is up, the source catches up to the same offset and is promoted;
    /// only then is its pause lifted, on every pod it holds. A replica applies its primary's stream while its own clients
    /// are paused, so the source's write pause can stay on until the end. EKS's own pause lasts a day and is left to lapse: the
    /// EKS copy is deleted before, and its consumers went back to the source first (the redirect's rollback comes before this one).
    func unpromote(liftSourceFreeze: [String]) -> [String] {
        let warning = "# the writes made since the promotion are on EKS only: lifting the source's pause alone would lose them"
        // A day: it lifts itself then, so the EKS copy is deleted (the data step's rollback) well before.
        let eksPause = changing("redis-cli CLIENT PAUSE 86400000 WRITE")
        switch topology {
        case .cluster, .tooMany: return [decision] + liftSourceFreeze
        case .independent:
            if podsListable {
                return [warning, "# source pod i follows EKS pod i (EKS_REDIS_HOST_i), EKS pauses; each source pod promoted once all caught up:",
                        auth.libraryPrefix + "eksodus_redis_unpromote_each " + podArguments] + liftSourceFreeze
            }
            return [warning, Self.requireSet(eksHosts, "set EKS_REDIS_HOST_0 to EKS_REDIS_HOST_\(count - 1): the address the source reaches of each EKS pod, in order")]
                + listPods()
                + (0..<count).map {
                    follow(pod($0, on: .source), on: .source, leader: pod($0, on: .eks), on: .eks, host: "\"$EKS_REDIS_HOST_\($0)\"") + "  # source pod \($0) follows EKS pod \($0): its data is replaced by EKS's"
                }
                + (0..<count).map { exec(pod($0, on: .eks), eksPause) + "  # EKS pod \($0) takes no more writes (for a day: delete the EKS copy before)" }
                + (0..<count).map { offsetsEqual(replica: pod($0, on: .source), primary: pod($0, on: .eks), replicaOnEKS: false, "source pod \($0) has not caught up with EKS pod \($0) yet: re-run") }
                + (0..<count).map { sourceExec(pod($0, on: .source), changing("redis-cli REPLICAOF NO ONE")) + "  # source pod \($0) takes writes again" }
                + liftSourceFreeze
        case .single, .primaryReplicas:
            let primary = topology == .primaryReplicas ? ["# SOURCE_REDIS_PRIMARY: the source pod that was the primary (pod/NAME)"] : []
            return [warning, Self.requireSet(["EKS_REDIS_HOST"], "set EKS_REDIS_HOST to the address the source reaches of the EKS first pod (its load balancer, port 6379)")]
                + primary + findFirst
                + [follow(sourcePrimary, on: .source, leader: firstPod, on: .eks, host: "\"$EKS_REDIS_HOST\"") + "  # the source follows EKS: its data is replaced by EKS's",
                   exec(firstPod, eksPause) + "  # EKS takes no more writes (for a day: delete the EKS copy before)",
                   offsetsEqual(replica: sourcePrimary, primary: firstPod, replicaOnEKS: false, "the source has not caught up with EKS yet: re-run"),
                   sourceExec(sourcePrimary, changing("redis-cli REPLICAOF NO ONE")) + "  # the source is the primary again"]
                + liftSourceFreeze
        }
    }

    func stop() -> [String] {
        [.cluster, .tooMany].contains(topology) ? ["# nothing replicates: the copy was the team's decision"] : [eachPod(changing("redis-cli REPLICAOF NO ONE"))]
    }

    /// After the consumers reconnected through the alias: the pause still holds, and no source pod serves a client any more.
    func connectionChecks() -> [String] {
        guard topology != .tooMany else { return [decision] }
        let setup = writesEverywhere ? listPods([.source]) : []
        // Only the check's own redis-cli is listed once every consumer is gone: exactly one line. No output at all means
        // kubectl or redis-cli failed (`wc -l` would count 0 and pass); an error reply (NOAUTH) is one line too, but no client's
        // (each starts `id=`).
        return [pauseHolds] + setup + writablePods.map {
            "{ CLIENTS=$(" + sourceExec($0, "redis-cli CLIENT LIST TYPE normal") + ") && test -n \"$CLIENTS\" && test \"$(printf '%s\\n' \"$CLIENTS\" | wc -l)\" -le 1"
                + " && ! printf '%s\\n' \"$CLIENTS\" | grep -qv '^id='; }"
                + " || { echo 'a client still uses the source Redis (or it did not answer): find it (CLIENT LIST) and move it before the pause lifts' >&2; false; }"
        }
    }
}
