/// Route 53 and load balancer commands for a traffic switch. Host names go into the JSON change batch JSON-escaped, then
/// shell-quoted; values the engineer reads at switch time (`$SOURCE_LB`, `$EKS_LB`) are spliced in as shell variables.
///
/// The switch is gradual and reversible: the plain record becomes a weighted pair (set identifiers `source` and `eks`, in one
/// change batch, which Route 53 applies as a whole), then the weight moves in steps; rollback puts the weights back.
/// Weighted records share a name and type, and weight 0 stops traffic to a record (Route 53 Developer Guide, "Weighted
/// routing", https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html).
enum TrafficCommands {
    /// The TTL the records carry from the lowering step on.
    static let lowTTL = 60
    /// The EKS share after each shift; the source keeps the rest.
    static let shares = [10, 50, 100]

    /// One record change: `weight` nil for the plain record, otherwise the weighted record of `identifier`.
    struct Change {
        var action: String
        var identifier: String?
        var weight: Int?
        var valueVariable: String
        var ttl: String = "\(TrafficCommands.lowTTL)"
    }

    /// `aws route53 change-resource-record-sets` applying `changes` to the CNAME `host` (nil: the `$DNS_NAME` the engineer sets).
    static func changeBatch(host: String?, _ changes: [Change]) -> String {
        var name = ""
        if let host { JSONWriter.writeString(host, to: &name) }
        var words = ""
        var literal = ""
        func flush() { if !literal.isEmpty { words += ShellQuote.word(literal); literal = "" } }
        func variable(_ variable: String) { flush(); words += "\"$\(variable)\"" }
        literal += "{\"Changes\":["
        for (index, change) in changes.enumerated() {
            literal += (index > 0 ? "," : "") + "{\"Action\":\"\(change.action)\",\"ResourceRecordSet\":{\"Name\":"
            if host == nil { literal += "\""; variable("DNS_NAME"); literal += "\"" } else { literal += name }
            literal += ",\"Type\":\"CNAME\""
            if let identifier = change.identifier, let weight = change.weight {
                literal += ",\"SetIdentifier\":\"\(identifier)\",\"Weight\":\(weight)"
            }
            literal += ",\"TTL\":"
            if change.ttl.hasPrefix("$") { variable(String(change.ttl.dropFirst())) } else { literal += change.ttl }
            literal += ",\"ResourceRecords\":[{\"Value\":\""
            variable(change.valueVariable)
            literal += "\"}]}}"
        }
        literal += "]}"
        flush()
        return "aws route53 change-resource-record-sets --hosted-zone-id \"$HOSTED_ZONE_ID\" --change-batch " + words
    }

    /// The names the commands act on: each Ingress host that is a DNS name, and nil (`$DNS_NAME`) for the rest. A host is
    /// a positional argument of `dig` and an option value of the AWS CLI: one starting with `-` would be read as an option
    /// (`dig -f/etc/passwd` reads a batch file), and quoting does not prevent that, so it is checked first.
    static func hosts(_ exposure: Exposure) -> [String?] {
        let names = exposure.hosts.filter(NetworkPlan.isIngressHost)
        return names.isEmpty || names.count < exposure.hosts.count ? names + [nil] : names
    }

    /// Said once where a host was left out: the engineer sets `$DNS_NAME` to the name clients really use.
    static func unusableHosts(_ exposure: Exposure) -> [String] {
        exposure.hosts.allSatisfy(NetworkPlan.isIngressHost) ? []
            : ["# TODO: an Ingress host of this workload is not a DNS name, so no command uses it: set DNS_NAME to the name its clients use"]
    }

    /// Days ahead of the switch: the plain record's TTL goes down to 60 s, so that at the switch no resolver still holds the
    /// old answer for longer than a minute. Its old TTL is kept in `$OLD_TTL` for the switch's gate and the rollback.
    static func lowerTTL(_ exposure: Exposure) -> (commands: [String], rollback: [String]) {
        var commands: [String] = unusableHosts(exposure) + ["# read each record's current value into SOURCE_LB and its TTL into OLD_TTL; the switch waits OLD_TTL seconds after this change"]
        var rollback: [String] = []
        for host in hosts(exposure) {
            let start = host.map(ShellQuote.word) ?? "\"$DNS_NAME\""
            commands.append("aws route53 list-resource-record-sets --hosted-zone-id \"$HOSTED_ZONE_ID\" --start-record-name \(start) --max-items 1")
            commands.append(changeBatch(host: host, [Change(action: "UPSERT", valueVariable: "SOURCE_LB")]))
            rollback.append(changeBatch(host: host, [Change(action: "UPSERT", valueVariable: "SOURCE_LB", ttl: "$OLD_TTL")]))
        }
        commands.append("date -u +%s  # note it as TTL_LOWERED_AT: the switch may start OLD_TTL seconds later")
        return (commands, rollback)
    }

    /// The switch's own gate: one old TTL has passed since the lowering, and the name now answers with the low TTL.
    static func ttlExpired(_ exposure: Exposure) -> [String] {
        // Both were noted days ago, in another shell: unset, the arithmetic would read 0 and the wait would always pass.
        ["{ test -n \"${TTL_LOWERED_AT:-}\" && test -n \"${OLD_TTL:-}\" && test $(( $(date -u +%s) - TTL_LOWERED_AT )) -ge \"$OLD_TTL\"; }"
         + " || { echo 'the old TTL has not expired yet (or TTL_LOWERED_AT and OLD_TTL were not noted): wait' >&2; false; }"]
            + hosts(exposure).map { host in
                "dig +noall +answer \(host.map(ShellQuote.word) ?? "\"$DNS_NAME\"") | awk '$2 > \(lowTTL) { bad = 1 } END { exit bad }'  # every answer carries the low TTL"
            }
    }

    static func frontendAddress(_ frontend: (kind: String, namespace: String, name: String)) -> String {
        "EKS_LB=$(" + Kubectl.eks(frontend.namespace)("get " + ShellQuote.word("\(frontend.kind)/\(frontend.name)")
            + " -o jsonpath='{.status.loadBalancer.ingress[0].hostname}'") + ")"
    }

    /// The weighted pair replacing the plain record, then the shifts towards EKS; rollback is the weights back to the source.
    static func weightedSwitch(host: String?) -> (commands: [String], rollback: [String]) {
        var commands = [changeBatch(host: host, [Change(action: "DELETE", valueVariable: "SOURCE_LB"),
                                                 Change(action: "CREATE", identifier: "source", weight: 100, valueVariable: "SOURCE_LB"),
                                                 Change(action: "CREATE", identifier: "eks", weight: 0, valueVariable: "EKS_LB")])]
        for share in shares {
            commands.append(changeBatch(host: host, [Change(action: "UPSERT", identifier: "source", weight: 100 - share, valueVariable: "SOURCE_LB"),
                                                     Change(action: "UPSERT", identifier: "eks", weight: share, valueVariable: "EKS_LB")])
                            + "  " + ShellQuote.comment("\(share)% to EKS" + (share < 100 ? ": watch errors and latency for a while before the next shift" : "")))
        }
        let back = changeBatch(host: host, [Change(action: "UPSERT", identifier: "source", weight: 100, valueVariable: "SOURCE_LB"),
                                            Change(action: "UPSERT", identifier: "eks", weight: 0, valueVariable: "EKS_LB")])
        return (commands, [back])
    }

    static func switchCommands(_ exposure: Exposure) -> (commands: [String], rollback: [String]) {
        var commands: [String] = [], rollback: [String] = []
        // An Ingress becomes an ALB with the hosts clients use; a LoadBalancer Service an NLB.
        if exposure.switchesDNS {
            commands += unusableHosts(exposure) + ttlExpired(exposure)
            if let frontend = exposure.frontends.first(where: { $0.kind == "ingress" }) ?? exposure.frontends.first {
                commands.append(frontendAddress(frontend))
            } else {
                commands.append("# hostNetwork or an ExternalName alias: set EKS_LB to the name that reaches the EKS nodes or copy")
            }
            commands.append("test -n \"$EKS_LB\" && test -n \"$SOURCE_LB\"")
            for host in hosts(exposure) {
                let weighted = weightedSwitch(host: host)
                commands += weighted.commands
                rollback += weighted.rollback
            }
            commands.append("# for a zone apex use weighted alias A records instead (AliasTarget: the load balancer's DNS name and canonical hosted zone)")
            commands.append("# a name served by on-premises DNS (BIND, Active Directory, Infoblox) rather than Route 53: make the same shifts there, or one CNAME change after the TTL has expired")
        }
        // A NodePort stays a NodePort on EKS (eksodus convert keeps it), and so does the load balancer in front of the source
        // nodes: on premises or at another cloud it is rarely an AWS target group, so the step names what to do with any load
        // balancer (the EKS nodes' addresses on the same port into its pool, health checks passing, then the source nodes out)
        // and gives the AWS commands for the case it is an IP target group. Targets outside the target group's VPC are
        // registered with AvailabilityZone=all (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-register-targets.html).
        let nodeAddresses = "EKS_NODE_IPS=$(kubectl --context \"$EKS_CONTEXT\" get nodes -o jsonpath='{range .items[*]}{.status.addresses[?(@.type==\"InternalIP\")].address}{\"\\n\"}{end}')"
        // `port` is `$NODE_PORT` or a hostPort number (an Int from the manifest): both are safe inside double quotes.
        func pool(port: String) {
            commands.append("for ip in $EKS_NODE_IPS; do nc -z -w 3 \"$ip\" \"\(port)\" || echo \"$ip:\(port) is not reachable from here\" >&2; done  # the load balancer must reach every EKS node (on premises: over the plan's VPN or Direct Connect)")
            commands.append("# add $EKS_NODE_IPS on port \(port) to the pool of the load balancer in front of the source nodes; once their health checks pass, drain and remove the source nodes from it")
            commands.append("# when that load balancer is an AWS IP target group: for ip in $EKS_NODE_IPS; do aws elbv2 register-targets --target-group-arn \"$TARGET_GROUP_ARN\" --targets Id=\"$ip\",Port=\"\(port)\"; done")
            rollback.append("# put the source nodes back in the load balancer's pool on port \(port), then remove $EKS_NODE_IPS from it")
        }
        if !exposure.nodePortServices.isEmpty || !exposure.nodePorts.isEmpty { commands.append(nodeAddresses) }
        for service in exposure.nodePortServices {
            let name = service.resource.name, eks = Kubectl.eks(service.resource.namespace)
            commands.append("NODE_PORT=$(" + eks("get \(ShellQuote.word("service/" + name)) -o jsonpath='{.spec.ports[0].nodePort}'") + ")")
            pool(port: "$NODE_PORT")
        }
        for port in exposure.nodePorts { pool(port: String(port)) }
        return (commands, rollback)
    }
}
