/// A RabbitMQ broker's move to EKS: the shovel plugins enabled on both sides and the definitions imported first, then
/// one dynamic shovel per queue and vhost drains the source into the same queue on EKS while the publishers and
/// consumers move; the shovels go only once no client is left on the source and its queues read 0. The rollback
/// shovels the other way, from the source.
///
/// Shovels are per vhost (`rabbitmqctl set_parameter -p VHOST`); `amqp:///VHOST` (vhost percent-encoded) is the local
/// broker's vhost, and `dest-queue` publishes straight into that queue, where a shovel without it republishes to the
/// message's own exchange and routing key, which a fanout would copy to every bound queue again (RabbitMQ docs,
/// "Configuring Dynamic Shovels", https://www.rabbitmq.com/docs/shovel-dynamic). The plugin is not enabled in the
/// official images (`rabbitmq:3.8-management` enables the management plugin only; RabbitMQ docs, "Shovel Plugin",
/// https://www.rabbitmq.com/docs/shovel).
struct RabbitMQShovel {
    var workload: Estate.Workload
    /// The vhosts the consumers use (`AMQPVirtualHosts`); `/` when none is known.
    var vhosts: AMQPVirtualHosts = AMQPVirtualHosts()
    /// Whether the consumers' reconnect step follows the promotion: the shovels stay until it finds the source empty.
    var closesAtReconnect = false

    var names: [String] { vhosts.names.isEmpty ? ["/"] : vhosts.names }

    func source(_ arguments: String) -> String { DataCopy.execDirect(workload, on: .source, arguments) }
    func eks(_ arguments: String) -> String { DataCopy.execDirect(workload, on: .eks, arguments) }
    func on(_ side: Kubectl.Side, _ arguments: String) -> String { DataCopy.execDirect(workload, on: side, arguments) }

    /// The source pods that are brokers of their own (`RabbitMQClustering`); 0 for one broker or one cluster.
    var standalonePods: Int { vhosts.clustering.isStandalone ? vhosts.clustering.standalonePods : 0 }

    /// `check` run against every source broker: each standalone pod (a StatefulSet's by ordinal, others' by label),
    /// or the workload once when it is one broker or one cluster (any node answers for the whole cluster). `check` gets
    /// the `kubectl exec …` prefix of one pod and the words naming it in a message; it must fail on its own, and the
    /// loop stops at the first pod that fails (or when no pod is found).
    func everySourceBroker(_ check: (_ exec: (String) -> String, _ place: String) -> String) -> String {
        guard standalonePods > 0 else { return check(source, "on the source") }
        let kubectl = Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload))
        if workload.kind == "StatefulSet" {
            let pod = ShellQuote.word("pod/\(workload.name)-") + "\"$i\""
            return "( for i in $(seq 0 \(standalonePods - 1)); do " + check({ kubectl("exec " + pod + " -- " + $0) }, "on source broker \(workload.name)-") + " || exit 1; done )"
        }
        guard let selector = LabelSelector.matching(workload.templateLabels) else {
            return check(source, "on the source") + "  # only one of its \(standalonePods) brokers: its labels make no selector, run it in every pod by hand"
        }
        return "( { PODS=$(" + kubectl("get pods -l \(ShellQuote.word(selector)) -o name") + ") && test \"$(printf '%s\\n' \"$PODS\" | grep -c .)\" -eq \(standalonePods); } || { echo "
            + ShellQuote.word("expected \(standalonePods) source RabbitMQ pods of \(workload.label) (or they could not be listed)") + " >&2; exit 1; }; for pod in $PODS; do "
            + check({ kubectl("exec \"$pod\" -- " + $0) }, "on source broker") + " || exit 1; done )"
    }

    /// The decision a source of standalone brokers needs before anything is copied: one shovel from `$SOURCE_AMQP_URI`
    /// drains one broker, its definitions are one broker's, and the EKS Service spreads clients over pods that lack
    /// what was imported into one of them. The gate passes only when `rabbitmqctl cluster_status` shows both sides are
    /// one cluster of every pod after all (a cluster joined by hand, which the manifests do not show); otherwise it fails
    /// with what the team must decide, and the item is closed by hand with the decision as its note.
    func clusterGate(key: String) -> [String] {
        guard standalonePods > 0 else { return [] }
        let n = standalonePods
        let decision = "decision: the source runs \(n) standalone RabbitMQ brokers (\(workload.label): \(n) replicas, no peer discovery, cluster_formation or Erlang cookie in its manifests), each with its own vhosts, users, queues and messages, "
            + "so one shovel from SOURCE_AMQP_URI, one definitions export and one queue count cover one of them. Decide with the team: cluster the EKS side (cluster_formation peer discovery, one Erlang cookie) "
            + "and shovel from every source pod (definitions exported from each), or another way; then close this item by hand: eksodus cutover done \(key) --note 'WHAT WAS DECIDED'"
        func nodes(_ side: Kubectl.Side, _ message: String) -> String {
            "{ STATUS=$(" + on(side, "rabbitmqctl cluster_status --formatter json") + ") && NODES=$(printf '%s\\n' \"$STATUS\" | jq -r '.running_nodes | length') && test \"$NODES\" -eq \(n); } || { echo "
                + ShellQuote.word(message) + " >&2; false; }"
        }
        let notOne = "is not one RabbitMQ cluster of \(n) running nodes (or cluster_status could not be read)"
        return [ShellQuote.comment(decision),
                nodes(.source, "the source \(workload.label) \(notOne): " + decision),
                nodes(.eks, "the EKS copy of \(workload.label) \(notOne): cluster it as decided (cluster_formation peer discovery, one Erlang cookie), or close this item by hand with the decision as its note")]
    }

    /// What the manifests could not tell: consumers whose vhost is unknown, as a decision.
    var decision: [String] {
        vhosts.unknown.isEmpty ? [] : [ShellQuote.comment("decision: \(vhosts.unknown.joined(separator: ", ")) name the broker without an amqp:// URL, so their vhost is unknown: read it on the source (rabbitmqctl list_connections user vhost) and repeat these commands for it if it is not \(names.joined(separator: ", "))")]
    }

    /// A loop running `arguments` in every pod of one side (a StatefulSet's by ordinal, others' by label); `exit` leaves
    /// the subshell only: it fails at the first pod that fails, or when none is found.
    func eachPod(on side: Kubectl.Side, _ arguments: String) -> String {
        let kubectl = side == .source ? Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload)) : Kubectl.eks(workload.namespace)
        if workload.kind == "StatefulSet" {
            return "( for i in $(seq 0 \(max(workload.replicas ?? 1, 1) - 1)); do " + kubectl("exec " + ShellQuote.word("pod/\(workload.name)-") + "\"$i\" -- " + arguments) + " || exit 1; done )"
        }
        guard let selector = LabelSelector.matching(workload.templateLabels) else { return on(side, arguments) + "  # in every pod of \(workload.label)" }
        return "( { PODS=$(" + kubectl("get pods -l \(ShellQuote.word(selector)) -o name") + ") && test -n \"$PODS\"; } || exit 1; for pod in $PODS; do "
            + kubectl("exec \"$pod\" -- " + arguments) + " || exit 1; done )"
    }

    /// The shovel plugins on every node of both sides (the rollback's return shovel runs on the source), then the
    /// definitions (users, vhosts, queues, exchanges, bindings, policies), without which a shovel has no queue to fill
    /// (RabbitMQ docs, "Schema Definition Export and Import", https://www.rabbitmq.com/docs/definitions). The file holds
    /// password hashes: it is deleted afterwards.
    func definitions() -> (commands: [String], rollback: [String]) {
        let file = ShellQuote.word(ShellQuote.fileName(["eksodus", workload.namespace, workload.name], suffix: ".definitions.json"))
        let inPod = "/var/lib/rabbitmq/eksodus-definitions.json"  // the broker's own writable directory
        // Only the file reaches the saved copy: rabbitmqctl's own messages ("Exporting definitions in JSON to a file at …")
        // on stdout would head it, and import_definitions would refuse the file.
        let plugins = "rabbitmq-plugins enable rabbitmq_shovel rabbitmq_shovel_management"
        return (["# the shovel plugins, on every node of both sides; a restarted pod forgets them unless its image or enabled_plugins file lists them",
                 eachPod(on: .source, plugins), eachPod(on: .eks, plugins),
                 DataCopy.exec(workload, on: .source, "rabbitmqctl --quiet export_definitions \(inPod) >/dev/null && cat \(inPod) && rm -f \(inPod)") + " > \(file)",
                 DataCopy.exec(workload, on: .eks, "cat > \(inPod) && rabbitmqctl import_definitions \(inPod) && rm -f \(inPod)", stdin: true) + " < \(file)",
                 DataCopy.exec(workload, on: .eks, "rabbitmqctl list_vhosts name && rabbitmqctl list_queues -p \(ShellQuote.word(names[0])) name durable") + "  # the source's vhosts and queues exist, empty",
                 "rm -f \(file)  # it holds the users' password hashes"],
                // The source's plugins stay: it may run shovels of its own, and the rollback's return shovels need them.
                ["# delete the imported vhosts, users and queues on EKS (or the EKS copy itself): nothing has used them yet"])
    }

    /// One queue-to-queue shovel per queue of `vhost`, named after it (a shovel set again under one name replaces the
    /// previous one), running on `side` and pulling from `remote` (`$SOURCE_AMQP_URI` or `$EKS_AMQP_URI`: the other
    /// broker as this side reaches it, without a vhost). The queues are read from the other side first: a failed read
    /// stops here instead of setting no shovel.
    func shovels(_ vhost: String, on side: Kubectl.Side, from remote: String, prefix: String) -> [String] {
        let other: Kubectl.Side = side == .eks ? .source : .eks
        let path = "/" + AMQPVirtualHosts.encoded(vhost), p = ShellQuote.word(vhost)
        let json = "'{\"src-uri\": $src, \"src-queue\": $queue, \"dest-uri\": $dest, \"dest-queue\": $queue}'"
        // Exclusive queues belong to the connection that declared them (any other gets RESOURCE_LOCKED), and auto-delete and
        // server-named (amq.gen-) ones go with their consumer: a shovel on them never runs, and the running gate never passes.
        let movable = "awk -F '\\t' '$2 == \"false\" && $3 == \"false\" && $1 !~ /^amq\\.gen-/ { print $1 }'"
        return ["{ LISTED=$(" + on(other, "rabbitmqctl list_queues -p \(p) --quiet --no-table-headers name exclusive auto_delete") + ") && QUEUES=$(printf '%s\\n' \"$LISTED\" | " + movable + ") && test -n \"$QUEUES\"; } || { echo "
                    + ShellQuote.word("no queue to move read from vhost \(vhost) \(other == .source ? "on the source" : "on EKS") (none listed, or only exclusive, auto-delete or server-named ones, which are not shovelled)") + " >&2; false; }",
                "printf '%s\\n' \"$QUEUES\" | while IFS= read -r QUEUE; do " + on(side, "rabbitmqctl set_parameter -p \(p) shovel \"\(prefix)$QUEUE\"")
                    + " \"$(jq -cn --arg src \"$\(remote)\"\(ShellQuote.word(path)) --arg queue \"$QUEUE\" --arg dest \(ShellQuote.word("amqp://" + path)) \(json))\" || exit 1; done"]
    }

    /// Fails unless `side`'s queues in `vhost` were read (at least one) and all hold 0 messages.
    /// On the source every standalone broker is read (`everySourceBroker`): one pod's 0 says nothing of the others'.
    func drained(_ vhost: String, on side: Kubectl.Side, _ advice: String) -> String {
        func check(_ exec: (String) -> String, _ place: String) -> String {
            let named = place.hasSuffix("-") ? ShellQuote.word("messages remain in vhost \(vhost) \(place)") + "\"$i\"" + ShellQuote.word(" (or its queues could not be read): " + advice)
                : ShellQuote.word("messages remain in vhost \(vhost) \(place) (or its queues could not be read): " + advice)
            return "{ COUNTS=$(" + exec("rabbitmqctl list_queues -p \(ShellQuote.word(vhost)) --quiet --no-table-headers messages") + ") && test -n \"$COUNTS\" && printf '%s\\n' \"$COUNTS\" | awk '$1 !~ /^[0-9]+$/ { bad = 1 } { n += $1 } END { exit bad || n != 0 }'; } || { echo "
                + named + " >&2; false; }"
        }
        return side == .source ? everySourceBroker(check) : check(eks, "on EKS")
    }

    /// Clears the shovels named `prefix…` in every vhost, on one side, one whole line per name (`xargs` split a shovel named
    /// after a queue `a b` and cleared an unrelated shovel `b`), then lists again and fails while one is left. The list is
    /// read into a variable first: piped into the loop, a failing `list_parameters` left the loop's status 0 (the pod's
    /// `sh` may have no pipefail) and the step passed with every shovel still running. Its lines are component, name and
    /// value, tab-separated (`--no-table-headers`); a line with fewer fields is no answer to trust.
    func clear(on side: Kubectl.Side, prefix: String) -> [String] {
        names.flatMap { vhost in
            let p = ShellQuote.word(vhost), place = "in vhost \(vhost) \(side == .source ? "on the source" : "on EKS")"
            let list = "rabbitmqctl list_parameters -p \(p) --quiet --no-table-headers"
            let ours = "awk -F '\\t' 'NF && NF < 3 { bad = 1 } $1 == \"shovel\" && index($2, \"\(prefix)\") == 1 { print $2 } END { exit bad }'"
            let script = "{ LISTED=$(\(list)) && NAMES=$(printf '%s\\n' \"$LISTED\" | \(ours)); } || { echo "
                + ShellQuote.word("the shovels \(place) could not be listed") + " >&2; exit 1; }; "
                + "if [ -n \"$NAMES\" ]; then printf '%s\\n' \"$NAMES\" | { while IFS= read -r name; do rabbitmqctl clear_parameter -p \(p) shovel \"$name\" || exit 1; done; } || exit 1; fi; "
                + "{ LEFT=$(\(list)) && LEFT=$(printf '%s\\n' \"$LEFT\" | \(ours)) && test -z \"$LEFT\"; } || { echo "
                + ShellQuote.word("\(prefix) shovels are left \(place) (or the list could not be read again)") + " >&2; exit 1; }"
            return ["# shellcheck disable=SC2016  # $name expands in the pod", DataCopy.exec(workload, on: side, script)]
        }
    }

    func replicate() -> [String] {
        ["# SOURCE_AMQP_URI: the source broker as EKS reaches it, amqp://USER:PASSWORD@HOST:5672 without a vhost (each shovel adds its own)"
            + (closesAtReconnect ? "; USER one of its own, kept in SHOVEL_USER: the reconnect step tells the shovels' connections from the clients' by it" : "")]
            + decision
            + (standalonePods > 0 ? ["# SOURCE_AMQP_URI reaches one of the \(standalonePods) standalone source brokers: the shovels below drain that one only, and the promotion's gates read every one (the decision item says why)"] : [])
            + names.flatMap { shovels($0, on: .eks, from: "SOURCE_AMQP_URI", prefix: "eksodus-migrate-") }
    }

    func stop() -> [String] { clear(on: .eks, prefix: "eksodus-migrate-") }

    func verify() -> [String] {
        names.flatMap { vhost in [everySourceBroker { exec, _ in exec("rabbitmqctl list_queues -p \(ShellQuote.word(vhost)) name messages") },
                                  eks("rabbitmqctl list_queues -p \(ShellQuote.word(vhost)) name messages")] }
            + [DataCopy.exec(workload, on: .eks, "rabbitmqctl shovel_status") + "  # every eksodus-migrate- shovel running"]
    }

    func freeze() -> (commands: [String], rollback: [String]) {
        if closesAtReconnect {
            // Stopping the broker would strand what is still queued: the shovels keep draining it while its clients move.
            return (["# no freeze: the source keeps taking messages until its publishers move (redirect, reconnect); the shovels carry them to EKS meanwhile"],
                    ["# nothing to lift: the source broker never stopped"])
        }
        return (["# stop the publishers (point them at EKS), then wait until every source queue shows 0 messages:"]
                    + names.map { vhost in everySourceBroker { exec, _ in exec("rabbitmqctl list_queues -p \(ShellQuote.word(vhost)) name messages") } },
                ["# point the publishers back at the source broker"])
    }

    /// The shovels must be running; where the consumers reconnect afterwards they stay until the reconnect step finds the
    /// source empty (publishers still on the source would strand their messages otherwise), else they go here once drained.
    func promote() -> [String] {
        let running = "{ STATUS=$(" + eks("rabbitmqctl shovel_status --quiet --no-table-headers") + ") && printf '%s\\n' \"$STATUS\" | grep -q 'eksodus-migrate-' && ! printf '%s\\n' \"$STATUS\" | grep 'eksodus-migrate-' | grep -vq running; }"
            + " || { echo 'a migration shovel is not running on EKS (or none is listed)' >&2; false; }"
        if closesAtReconnect {
            return [running] + names.map { eks("rabbitmqctl list_queues -p \(ShellQuote.word($0)) name messages") }
                + ["# the shovels stay: clients still on the source move at the redirect; the reconnect step removes them once the source is empty"]
        }
        return [running] + names.map { drained($0, on: .source, "wait for the shovels and re-run") } + clear(on: .eks, prefix: "eksodus-migrate-")
    }

    /// After the consumers reconnected: no client but the shovels (their own user, `$SHOVEL_USER`) on the source, and
    /// at least those listed (an empty answer proves nothing); every source queue read 0; then the shovels go.
    func afterReconnect() -> [String] {
        // A standalone broker no shovel reads has no shovel connection: there, no connection at all is the pass.
        [everySourceBroker { exec, place in
            let message = place.hasSuffix("-") ? ShellQuote.word("clients other than the migration shovels (the shovel user) are still connected \(place)") + "\"$i\"" + ShellQuote.word(" (or its connections could not be listed)")
                : "'clients other than the migration shovels (the shovel user) are still connected to the source broker (or none could be listed)'"
            guard standalonePods > 0 else {
                return "{ test -n \"${SHOVEL_USER:-}\" && CONNECTIONS=$(" + exec("rabbitmqctl list_connections --quiet --no-table-headers user")
                    + ") && test -n \"$CONNECTIONS\" && ! printf '%s\\n' \"$CONNECTIONS\" | grep -vxF \"$SHOVEL_USER\" | grep -q .; } || { echo " + message + " >&2; false; }"
            }
            // A broker no shovel reads may list no connection at all: the marker after the list proves it was read.
            return "{ test -n \"${SHOVEL_USER:-}\" && CONNECTIONS=$(" + exec("sh -c " + ShellQuote.word("rabbitmqctl list_connections --quiet --no-table-headers user && echo eksodus-listed"))
                + ") && printf '%s\\n' \"$CONNECTIONS\" | tail -n 1 | grep -qx eksodus-listed && ! printf '%s\\n' \"$CONNECTIONS\" | grep -vxF -e \"$SHOVEL_USER\" -e eksodus-listed | grep -q .; } || { echo " + message + " >&2; false; }"
        }]
            + names.map { drained($0, on: .source, "wait for the shovels and re-run") }
            + clear(on: .eks, prefix: "eksodus-migrate-")
    }

    /// The publishers go back to the source first (a broker takes messages at once), so nothing new lands on EKS; a
    /// shovel per queue on the source drains EKS's queues into the source's, and the consumers return only once EKS
    /// holds no message.
    func unpromote() -> [String] {
        ["# messages published since the promotion sit in EKS's queues: point the publishers back at the source broker first",
         "# the migration shovels stop first (still there before the reconnect step): with them, messages would go round between the brokers"]
            + clear(on: .eks, prefix: "eksodus-migrate-")
            + ["# EKS_AMQP_URI: the EKS broker as the source reaches it, amqp://USER:PASSWORD@HOST:5672 without a vhost"]
            + names.flatMap { shovels($0, on: .source, from: "EKS_AMQP_URI", prefix: "eksodus-return-") }
            + names.map { drained($0, on: .eks, "wait for the shovels and re-run") }
            + clear(on: .source, prefix: "eksodus-return-")
            + ["# then point the consumers back at the source broker"]
    }
}
