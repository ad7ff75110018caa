/// A RabbitMQ broker's move to EKS: its definitions imported first, then one dynamic shovel per queue drains the source
/// into the same queue on EKS while the publishers and consumers move; the rollback shovels the other way.
struct RabbitMQShovel {
    var workload: Estate.Workload

    /// What must exist on the EKS copy before the replication starts: RabbitMQ's definitions (users, vhosts, queues,
    /// exchanges, bindings, policies), without which a shovel has no queue to fill (RabbitMQ docs, "Schema Definition Export
    /// and Import", https://www.rabbitmq.com/docs/definitions). The file holds password hashes: it is deleted afterwards.
    func definitions() -> (commands: [String], rollback: [String]) {
        let file = ShellQuote.word(ShellQuote.fileName(["eksodus", workload.namespace, workload.name], suffix: ".definitions.json"))
        let inPod = "/var/lib/rabbitmq/eksodus-definitions.json"  // the broker's own writable directory
        return ([DataCopy.exec(workload, on: .source, "rabbitmqctl export_definitions \(inPod) && cat \(inPod) && rm -f \(inPod)") + " > \(file)",
                 DataCopy.exec(workload, on: .eks, "cat > \(inPod) && rabbitmqctl import_definitions \(inPod) && rm -f \(inPod)", stdin: true) + " < \(file)",
                 DataCopy.exec(workload, on: .eks, "rabbitmqctl list_queues name durable") + "  # the source's queues exist, empty",
                 "rm -f \(file)  # it holds the users' password hashes"],
                ["# delete the imported vhosts, users and queues on EKS (or the EKS copy itself): nothing has used them yet"])
    }

    /// Every migration shovel (`eksodus-migrate-QUEUE`), cleared one by one.
    static let clearShovels = "rabbitmqctl list_parameters --quiet --no-table-headers | cut -f2 | grep '^eksodus-migrate-' | xargs -r -n1 rabbitmqctl clear_parameter shovel"

    func replicate() -> [String] {
        // One shovel per queue, each named after it: a shovel set again under the same name replaces the previous one.
        ["# run once per source queue (rabbitmqctl list_queues name on the source), QUEUE set to its name; each drains into the same queue the definitions created on EKS",
         DataCopy.execDirect(workload, on: .eks, "rabbitmqctl set_parameter shovel \"eksodus-migrate-$QUEUE\" '{\"src-uri\": \"'\"$SOURCE_AMQP_URI\"'\", \"src-queue\": \"'\"$QUEUE\"'\", \"dest-uri\": \"amqp://\"}'")]
    }

    func stop() -> [String] { [DataCopy.exec(workload, on: .eks, Self.clearShovels)] }

    func verify() -> [String] {
        [DataCopy.exec(workload, on: .source, "rabbitmqctl list_queues name messages"), DataCopy.exec(workload, on: .eks, "rabbitmqctl list_queues name messages")]
    }

    func freeze() -> (commands: [String], rollback: [String]) {
        // Stopping the broker would strand what is still queued: the publishers stop, the shovel drains the source.
        (["# stop the publishers (point them at EKS), then wait until every source queue shows 0 messages:",
          DataCopy.exec(workload, on: .source, "rabbitmqctl list_queues name messages")],
         ["# point the publishers back at the source broker"])
    }

    func promote() -> [String] {
        // Drained: the source holds no message any more before the shovel goes and the consumers switch.
        [DataCopy.exec(workload, on: .source, "rabbitmqctl list_queues --quiet --no-table-headers messages") + " | awk '{ n += $1 } END { exit n != 0 }' || { echo 'messages remain on the source: wait for the shovel and re-run' >&2; false; }",
         DataCopy.exec(workload, on: .eks, "rabbitmqctl list_queues name messages"), DataCopy.exec(workload, on: .eks, Self.clearShovels)]
    }

    /// RabbitMQ: the publishers go back to the source first (its freeze's lift: a broker takes messages at once), so
    /// nothing new lands on EKS; a shovel per queue drains EKS's queues into the source's, and the consumers return only
    /// once EKS holds no message.
    func unpromote() -> [String] {
        let returns = "rabbitmqctl list_parameters --quiet --no-table-headers | cut -f2 | grep '^eksodus-return-' | xargs -r -n1 rabbitmqctl clear_parameter shovel"
        return ["# messages published since the promotion sit in EKS's queues: point the publishers back at the source broker first (this lifts its freeze)",
                "# run once per EKS queue (rabbitmqctl list_queues name on EKS), QUEUE set to its name; EKS_AMQP_URI: the EKS broker as the source reaches it",
                DataCopy.execDirect(workload, on: .source, "rabbitmqctl set_parameter shovel \"eksodus-return-$QUEUE\" '{\"src-uri\": \"'\"$EKS_AMQP_URI\"'\", \"src-queue\": \"'\"$QUEUE\"'\", \"dest-uri\": \"amqp://\"}'"),
                DataCopy.exec(workload, on: .eks, "rabbitmqctl list_queues --quiet --no-table-headers messages") + " | awk '{ n += $1 } END { exit n != 0 }' || { echo 'messages remain on EKS: wait for the shovels and re-run' >&2; false; }",
                DataCopy.exec(workload, on: .source, returns),
                "# then point the consumers back at the source broker"]
    }
}
