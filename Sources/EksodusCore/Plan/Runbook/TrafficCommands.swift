/// Route 53 and load balancer commands for a traffic switch; host names go into the JSON change batch JSON-escaped, then shell-quoted.
enum TrafficCommands {
    /// An UPSERT of a CNAME record `host` (nil: the `$DNS_NAME` the engineer sets) to the value of `$variable`.
    static func upsert(host: String?, ttl: Int, to variable: String) -> String {
        var name = ""
        if let host { JSONWriter.writeString(host, to: &name) }
        let head = "{\"Changes\":[{\"Action\":\"UPSERT\",\"ResourceRecordSet\":{\"Name\":"
        let tail = ",\"Type\":\"CNAME\",\"TTL\":\(ttl),\"ResourceRecords\":[{\"Value\":\""
        let nameWords = host == nil ? ShellQuote.word(head + "\"") + "\"$DNS_NAME\"" + ShellQuote.word("\"" + tail) : ShellQuote.word(head + name + tail)
        return "aws route53 change-resource-record-sets --hosted-zone-id \"$HOSTED_ZONE_ID\" --change-batch " + nameWords + "\"$\(variable)\"" + ShellQuote.word("\"}]}}]}")
    }

    static func hosts(_ exposure: Exposure) -> [String?] {
        exposure.hosts.isEmpty ? [nil] : exposure.hosts.map { $0 }
    }

    static func lowerTTL(_ exposure: Exposure) -> (commands: [String], rollback: [String]) {
        var commands: [String] = ["# read each record's current value into SOURCE_LB and its TTL; wait one old TTL after this change before the switch"]
        var rollback: [String] = []
        for host in hosts(exposure) {
            let start = host.map(ShellQuote.word) ?? "\"$DNS_NAME\""
            commands.append("aws route53 list-resource-record-sets --hosted-zone-id \"$HOSTED_ZONE_ID\" --start-record-name \(start) --max-items 1")
            commands.append(upsert(host: host, ttl: 60, to: "SOURCE_LB"))
            rollback.append(upsert(host: host, ttl: 300, to: "SOURCE_LB"))
        }
        return (commands, rollback)
    }

    static func frontendAddress(_ frontend: (kind: String, namespace: String, name: String)) -> String {
        "EKS_LB=$(" + Kubectl.eks(frontend.namespace)("get " + ShellQuote.word("\(frontend.kind)/\(frontend.name)")
            + " -o jsonpath='{.status.loadBalancer.ingress[0].hostname}'") + ")"
    }

    static func switchCommands(_ exposure: Exposure) -> (commands: [String], rollback: [String]) {
        var commands: [String] = [], rollback: [String] = []
        // An Ingress becomes an ALB with the hosts clients use; a LoadBalancer or NodePort Service an NLB.
        if let frontend = exposure.frontends.first(where: { $0.kind == "ingress" }) ?? exposure.frontends.first {
            commands.append(frontendAddress(frontend))
            for host in hosts(exposure) {
                commands.append(upsert(host: host, ttl: 60, to: "EKS_LB"))
                rollback.append(upsert(host: host, ttl: 60, to: "SOURCE_LB"))
            }
        }
        for port in exposure.nodePorts {
            commands.append("aws elbv2 register-targets --target-group-arn \"$TARGET_GROUP_ARN\" --targets Id=\"$EKS_INSTANCE_ID\",Port=\(port)")
            commands.append("aws elbv2 deregister-targets --target-group-arn \"$TARGET_GROUP_ARN\" --targets Id=\"$SOURCE_NODE_ID\",Port=\(port)")
            rollback.append("aws elbv2 register-targets --target-group-arn \"$TARGET_GROUP_ARN\" --targets Id=\"$SOURCE_NODE_ID\",Port=\(port)")
        }
        if commands.isEmpty {
            commands = ["# hostNetwork: point the clients' DNS name or load balancer at the EKS nodes", upsert(host: nil, ttl: 60, to: "EKS_LB")]
            rollback = [upsert(host: nil, ttl: 60, to: "SOURCE_LB")]
        }
        return (commands, rollback)
    }
}
