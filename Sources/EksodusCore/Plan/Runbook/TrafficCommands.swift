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

    /// Said once where a host was left out: the engineer sets `$DNS_NAME` to the name clients really use.
    static func unusableHosts(_ exposure: Exposure) -> [String] {
        exposure.hosts.allSatisfy(NetworkPlan.isIngressHost) ? []
            : ["# TODO: an Ingress host of this workload is not a DNS name, so no command uses it: set DNS_NAME to the name its clients use"]
    }

    /// A host as `dig` and the AWS CLI get it: one that passed `NetworkPlan.isIngressHost` (a host starting with `-` would be
    /// read as an option, `dig -f/etc/passwd` reads a batch file, and quoting does not prevent that), else `$DNS_NAME`.
    private static func argument(_ host: String?) -> String {
        host.map(ShellQuote.word) ?? "\"$DNS_NAME\""
    }

    /// Days ahead of the switch: the plain record's TTL goes down to 60 s, so that at the switch no resolver still holds the
    /// old answer for longer than a minute. Its old TTL is kept in `$OLD_TTL` for the switch's gate and the rollback.
    /// `host` nil: the `$DNS_NAME` the engineer sets; otherwise a name `Exposure` checked with `NetworkPlan.isIngressHost`.
    static func lowerTTL(host: String?, notes: [String] = []) -> (commands: [String], rollback: [String]) {
        (notes + ["# read the record's current value into SOURCE_LB and its TTL into OLD_TTL; the switch waits OLD_TTL seconds after this change",
                  "aws route53 list-resource-record-sets --hosted-zone-id \"$HOSTED_ZONE_ID\" --start-record-name \(argument(host)) --max-items 1",
                  changeBatch(host: host, [Change(action: "UPSERT", valueVariable: "SOURCE_LB")]),
                  "date -u +%s  # note it as TTL_LOWERED_AT: the switch may start OLD_TTL seconds later"],
         [changeBatch(host: host, [Change(action: "UPSERT", valueVariable: "SOURCE_LB", ttl: "$OLD_TTL")])])
    }

    /// The switch's own gate: one old TTL has passed since the lowering, and the name now answers with the low TTL.
    static func ttlExpired(host: String?) -> [String] {
        // Both were noted days ago, in another shell: unset, the arithmetic would read 0 and the wait would always pass.
        ["{ test -n \"${TTL_LOWERED_AT:-}\" && test -n \"${OLD_TTL:-}\" && test $(( $(date -u +%s) - TTL_LOWERED_AT )) -ge \"$OLD_TTL\"; }"
         + " || { echo 'the old TTL has not expired yet (or TTL_LOWERED_AT and OLD_TTL were not noted): wait' >&2; false; }",
         "dig +noall +answer \(argument(host)) | awk '$2 > \(lowTTL) { bad = 1 } END { exit bad }'  # every answer carries the low TTL"]
    }

    static func frontendAddress(_ frontend: (kind: String, namespace: String, name: String)) -> String {
        "EKS_LB=$(" + address(frontend) + ")"
    }

    /// The DNS name of the ALB or NLB the AWS Load Balancer Controller made for an Ingress or Service on EKS.
    static func address(_ frontend: (kind: String, namespace: String, name: String)) -> String {
        Kubectl.eks(frontend.namespace)("get " + ShellQuote.word("\(frontend.kind)/\(frontend.name)")
            + " -o jsonpath='{.status.loadBalancer.ingress[0].hostname}'")
    }

    static let trafficNotes = [
        "# for a zone apex use weighted alias A records instead (AliasTarget: the load balancer's DNS name and canonical hosted zone)",
        "# a name served by on-premises DNS (BIND, Active Directory, Infoblox) rather than Route 53: make the same shifts there, or one CNAME change after the TTL has expired",
    ]

    /// The one switch of a name several workloads share: an Ingress host (checked by `NetworkPlan.isIngressHost`), or nil:
    /// the `$DNS_NAME` of a LoadBalancer Service or hostless Ingress. Ingresses of one namespace and scheme share an ALB on
    /// EKS (`NetworkPlan.groupName`: one IngressGroup); where a host spans Ingresses that did not end up on one ALB, the
    /// name can point at only one of them, so the step stops.
    static func sharedSwitch(host: String?, frontends: [(kind: String, namespace: String, name: String)], notes: [String] = []) -> (commands: [String], rollback: [String]) {
        var commands = notes + ttlExpired(host: host)
        if let first = frontends.first { commands.append(frontendAddress(first)) }
        for other in frontends.dropFirst() {
            commands.append("test \"$(" + address(other) + ")\" = \"$EKS_LB\" || { echo "
                            + ShellQuote.word("Ingress \(other.namespace)/\(other.name) is on another ALB: put them in one IngressGroup (alb.ingress.kubernetes.io/group.name) first")
                            + " >&2; false; }")
        }
        commands.append("test -n \"$EKS_LB\" && test -n \"$SOURCE_LB\"")
        let weighted = weightedSwitch(host: host)
        return (commands + weighted.commands + trafficNotes, weighted.rollback)
    }

    /// A hostNetwork agent has no name to switch: its clients (a Prometheus scraping every node, agents calling the node
    /// address) must find the EKS nodes. The commands list them and check the agent answers there; the rest is the clients'.
    static func nodeAgent(_ workload: Estate.Workload) -> (commands: [String], rollback: [String]) {
        // With hostNetwork a containerPort is the port on the node (Kubernetes API reference, ContainerPort.hostPort: with
        // hostNetwork it must match containerPort); both are Ints from the manifest.
        let ports = Set(workload.containers.flatMap { container in
            container.ports.items.compactMap { $0["containerPort"]?.int ?? $0["containerPort"]?.string.flatMap { Int($0) } }
        }).sorted()
        var commands = [nodeAddresses]
        for port in ports {
            commands.append("for ip in $EKS_NODE_IPS; do nc -z -w 3 \"$ip\" \(port) || echo \"$ip:\(port) does not answer\" >&2; done  # from where its clients run")
        }
        if ports.isEmpty { commands.append("# it declares no containerPort: take the port it listens on from its args or image, and check every EKS node answers on it") }
        commands += [
            "# its clients address the nodes, not a DNS name: add $EKS_NODE_IPS (or the node groups' EC2 discovery, ec2_sd_configs) to the scrape jobs or node lists that reach it; a Prometheus on EKS finds it with kubernetes_sd_configs role node or endpoints",
            "# once the EKS nodes' targets are up, drop the source nodes from those lists",
        ]
        return (commands, ["# put the source nodes back in its clients' target lists, then drop $EKS_NODE_IPS from them: its source copy still runs"])
    }

    static let nodeAddresses = "EKS_NODE_IPS=$(kubectl --context \"$EKS_CONTEXT\" get nodes -o jsonpath='{range .items[*]}{.status.addresses[?(@.type==\"InternalIP\")].address}{\"\\n\"}{end}')"

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

    /// A workload's own switch: the `$DNS_NAME` of its LoadBalancer Services and hostless Ingresses, or its NodePorts and
    /// hostPorts behind the load balancer in front of the nodes. Its Ingress hosts, and frontends it shares, switch in `sharedSwitch`.
    static func switchCommands(_ exposure: Exposure) -> (commands: [String], rollback: [String]) {
        var commands: [String] = [], rollback: [String] = []
        // An Ingress becomes an ALB with the hosts clients use; a LoadBalancer Service an NLB.
        if exposure.switchesDNS {
            commands += unusableHosts(exposure) + ttlExpired(host: nil)
            if let frontend = exposure.ownFrontends.first(where: { $0.kind == "ingress" }) ?? exposure.ownFrontends.first {
                commands.append(frontendAddress(frontend))
            } else {
                commands.append("# an ExternalName alias: set EKS_LB to the name that reaches the EKS copy")
            }
            commands.append("test -n \"$EKS_LB\" && test -n \"$SOURCE_LB\"")
            let weighted = weightedSwitch(host: nil)
            commands += weighted.commands + trafficNotes
            rollback += weighted.rollback
        }
        // A NodePort stays a NodePort on EKS (eksodus convert keeps it), and so does the load balancer in front of the source
        // nodes: on premises or at another cloud it is rarely an AWS target group, so the step names what to do with any load
        // balancer (the EKS nodes' addresses on the same port into its pool, health checks passing, then the source nodes out)
        // and gives the AWS commands for the case it is an IP target group. Targets outside the target group's VPC are
        // registered with AvailabilityZone=all (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-register-targets.html).
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
