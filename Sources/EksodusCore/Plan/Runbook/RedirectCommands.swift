/// The internal NLB a redirect points the source's consumers at, open to the source cluster's egress range only.
///
/// Without source ranges an internal NLB admits the whole VPC and every network peered or routed to it: a database port
/// (5432, 6379…) would be reachable from all of them. The AWS Load Balancer Controller takes the ranges from
/// `spec.loadBalancerSourceRanges` (preferred to the annotation) and defaults an internal NLB to the VPC CIDR; with its
/// frontend security group (v2.6+) they become that group's inbound rules, and without one they go to the targets'
/// rules, where they are ignored unless client IP preservation is on, which is off by default for `ip` targets (AWS
/// Load Balancer Controller docs, Service annotations, "Access control";
/// https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/#lb-source-ranges).
/// So the ranges are set and client IP preservation turned on, and the runbook refuses to run without the ranges.
enum RedirectCommands {
    static let annotations = "service.beta.kubernetes.io/aws-load-balancer-scheme=internal service.beta.kubernetes.io/aws-load-balancer-type=external service.beta.kubernetes.io/aws-load-balancer-nlb-target-type=ip"

    /// Adds the source ranges from `$SOURCE_EGRESS_CIDR` (comma-separated) and client IP preservation, read by jq, never spliced.
    /// Its TCP listeners keep idle connections an hour (`NLBIdleTimeout`): the redirected consumers' pools hold them longer than 350 s.
    static let sourceRanges = ".spec.loadBalancerSourceRanges = ($cidrs | split(\",\")) | .metadata.annotations[\"service.beta.kubernetes.io/aws-load-balancer-target-group-attributes\"] = \"preserve_client_ip.enabled=true\" | "
        + NLBIdleTimeout.jqProgram

    /// Fails unless `$SOURCE_EGRESS_CIDR` holds IPv4 CIDRs, none of them everything.
    static let egressGate = "{ test -n \"${SOURCE_EGRESS_CIDR:-}\" && [[ \"$SOURCE_EGRESS_CIDR\" =~ ^([0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}(,([0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2})*$ ]] && [[ \",$SOURCE_EGRESS_CIDR,\" != *,0.0.0.0/0,* ]]; }"
        + " || { echo 'set SOURCE_EGRESS_CIDR to the source cluster egress range (comma-separated IPv4 CIDRs, not 0.0.0.0/0): only it may reach the load balancer' >&2; false; }"

    /// The name of the LoadBalancer Service beside `name`: `NAME-eksodus` where that is a Service name (63 characters at most),
    /// else a cut name with a hash of the whole one. Cut plainly, a 63-character name came back as itself, and `expose --name`
    /// then turned the converted Service into the NLB (which the rollback did not undo).
    static func crossName(_ name: String) -> String {
        let plain = name + "-eksodus"
        if plain.utf8.count <= 63 { return plain }
        return String(name.prefix(63 - 17)) + "-eksodus-" + ShortHash.hex(name)
    }

    /// The gate, the LoadBalancer Service beside `name` on EKS, and a look at the ranges it holds.
    static func exposeOnEKS(_ name: String, as crossName: String, namespace: String) -> [String] {
        let eks = Kubectl.eks(namespace)
        return [egressGate,
                eks("expose service \(ShellQuote.word(name)) --name \(ShellQuote.word(crossName)) --type LoadBalancer --dry-run=client -o json")
                    + " | kubectl annotate --local -f - \(annotations) -o json | jq --arg cidrs \"$SOURCE_EGRESS_CIDR\" \(ShellQuote.word(sourceRanges)) | " + eks("apply -f -"),
                eks("get \(ShellQuote.word("service/" + crossName)) -o jsonpath='{.spec.loadBalancerSourceRanges}{\"\\n\"}'") + "  # the source egress range only"]
    }
}
