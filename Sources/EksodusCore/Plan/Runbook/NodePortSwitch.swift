/// The switch of a NodePort Service nothing on the source routes to: the load balancer in front of the source nodes (on
/// premises, a VIP or a pool) moves to an internal NLB with ip targets on EKS, not to the EKS nodes.
///
/// The EKS nodes are not a pool to put in another load balancer: managed node group updates replace every node, Spot
/// reclaims and the autoscaler add and remove them, and a pool of today's addresses goes stale within days. An internal
/// NLB's private addresses, one per subnet it is in, do not change during its life ("Network Load Balancers", Availability
/// Zones: https://docs.aws.amazon.com/elasticloadbalancing/latest/network/network-load-balancers.html); they are its network
/// interfaces' primary addresses, whose description is `ELB net/NAME/ID`, the ARN's tail ("How do I find the IP address
/// of my load balancer": https://repost.aws/knowledge-center/elb-find-load-balancer-ip). Its ip targets are the pods, so
/// node churn does not touch it, and the network plan's row for the NodePort says the same (NLB, ip targets).
///
/// The NLB is a LoadBalancer Service `NAME-eksodus` beside the converted NodePort (named as `RedirectCommands` names one), with
/// the AWS Load Balancer Controller's annotations, `loadBalancerSourceRanges` the on-premises load balancer's CIDR and
/// client IP preservation on: the controller writes the ranges into the NLB's own security group (v2.6+), and with the
/// load balancer's address kept, the pods' security group must admit that CIDR on the pod port (AWS Load Balancer Controller,
/// "Security Groups for Load Balancers": https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/security_groups/).
enum NodePortSwitch {
    /// Fails unless `$SOURCE_LB_CIDR` is one IPv4 CIDR, not everything: the NLB admits only it, and the rule takes one.
    static let cidrGate = "{ [[ \"${SOURCE_LB_CIDR:-}\" =~ ^([0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}$ ]] && [ \"$SOURCE_LB_CIDR\" != 0.0.0.0/0 ]; }"
        + " || { echo 'set SOURCE_LB_CIDR to the addresses of the load balancer in front of the source nodes (one IPv4 CIDR, not 0.0.0.0/0)' >&2; false; }"

    /// The LoadBalancer Service `$name` made from the NodePort Service on EKS: its selector and ports as they are (a named
    /// `targetPort` stays named; `kubectl expose` would set it to the port), without the node ports, the controller's
    /// annotations, and `$cidr` its one source range. A Service that selects no pods has no ip targets: `jq` stops.
    static let loadBalancerService = "if (.spec.selector // {} | length) == 0 then error(\"the Service selects no pods: an NLB with ip targets needs them\") else . end"
        + " | {apiVersion: \"v1\", kind: \"Service\", metadata: {name: $name, namespace: .metadata.namespace, annotations: {"
        + "\"service.beta.kubernetes.io/aws-load-balancer-type\": \"external\", \"service.beta.kubernetes.io/aws-load-balancer-nlb-target-type\": \"ip\", "
        + "\"service.beta.kubernetes.io/aws-load-balancer-scheme\": \"internal\", \"service.beta.kubernetes.io/aws-load-balancer-target-group-attributes\": \"preserve_client_ip.enabled=true\"}}, "
        + "spec: {type: \"LoadBalancer\", selector: .spec.selector, ports: [.spec.ports[] | del(.nodePort)], loadBalancerSourceRanges: [$cidr]}}"

    /// The NLB of `$NODEPORT_LB` as one JSON object, if it is one internal network load balancer; its ARN's tail names its
    /// network interfaces. `aws` failing or printing nothing leaves `lb` empty, and the line fails.
    static let loadBalancer = "{ lb=$(aws elbv2 describe-load-balancers --output json | jq -c --arg dns \"$NODEPORT_LB\" "
        + ShellQuote.word("[.LoadBalancers[] | select((.DNSName | ascii_downcase) == ($dns | ascii_downcase))] | if length == 1 and .[0].Type == \"network\" and .[0].Scheme == \"internal\" then .[0] else empty end")
        + ") && test -n \"$lb\"; } || { echo \"no internal network load balancer named $NODEPORT_LB\" >&2; false; }"

    /// Its private addresses, every one an IPv4 address, as many as its zones (one per subnet).
    static let addresses = "{ NLB_IPS=$(aws ec2 describe-network-interfaces --filters Name=description,Values=\"ELB $(jq -r '.LoadBalancerArn | sub(\"^.*:loadbalancer/\"; \"\")' <<<\"$lb\")\""
        + " --query 'NetworkInterfaces[].PrivateIpAddress' --output text) && [[ \"$NLB_IPS\" =~ ^([0-9]{1,3}\\.){3}[0-9]{1,3}([[:space:]]+([0-9]{1,3}\\.){3}[0-9]{1,3})*$ ]]"
        + " && test \"$(wc -w <<<\"$NLB_IPS\")\" -eq \"$(jq '.AvailabilityZones | length' <<<\"$lb\")\"; }"
        + " || { echo 'the NLB has not one private IPv4 address per zone (is it still provisioning?)' >&2; false; }"

    /// Where the NLB has a security group of its own, one of its groups admits `$SOURCE_LB_CIDR` on the Service port (the
    /// controller writes it from `loadBalancerSourceRanges`); `-n` and `input`: no answer at all is a failure.
    static let frontendRule = "{ groups=$(jq -r '(.SecurityGroups // []) | join(\",\")' <<<\"$lb\") && { test -z \"$groups\" || aws ec2 describe-security-groups --filters Name=group-id,Values=\"$groups\" --output json"
        + " | jq -en --arg cidr \"$SOURCE_LB_CIDR\" --argjson port \"$SERVICE_PORT\" "
        + ShellQuote.word("input | [.SecurityGroups[].IpPermissions[] | select((.IpProtocol == \"tcp\" or .IpProtocol == \"-1\") and (.FromPort // 0) <= $port and (.ToPort // 65535) >= $port) | .IpRanges[].CidrIp] | index($cidr) != null")
        + " >/dev/null; }; } || { echo \"the NLB's security group does not admit $SOURCE_LB_CIDR on port $SERVICE_PORT: check loadBalancerSourceRanges on the Service\" >&2; false; }"
        + "  # no group (a controller before v2.6): the pods' rule above is the only filter"

    /// The description eksodus gives the pods' rule it adds, `eksodus:nodeport:NAMESPACE/NAME`: the rollback revokes only
    /// a rule of that description, so a rule for the same range and port that was there before (someone else's) stays. A
    /// description takes up to 255 of `a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*` (EC2 API Reference, IpRange, Description:
    /// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html); a name outside `[a-z0-9.-]` becomes
    /// 16 hex digits of a SHA-256 of `namespace/name`. It lives on the rule itself, so it survives a lost file.
    static func ruleDescription(namespace: String, name: String) -> String {
        let plain = "\(namespace)/\(name)"
        let fits = plain.utf8.count <= 200 && !namespace.isEmpty && !name.isEmpty
            && plain.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "-" || $0 == "/" }
        return "eksodus:nodeport:" + (fits ? plain : DigestHex.sha256(plain, digits: 16))
    }

    /// The pods' rule, described as eksodus's (`ruleDescription`), safe to run again: EC2 answers a rule the group holds
    /// already (the same protocol, port and range, whatever its description) with the client error InvalidPermission.Duplicate,
    /// `the specified rule "peer: CIDR, TCP, from port: N, to port: N, ALLOW" already exists` (Error codes for the Amazon
    /// EC2 API: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html), which the CLI prints on stderr
    /// as `An error occurred (InvalidPermission.Duplicate) when calling the AuthorizeSecurityGroupIngress operation: ...`.
    /// Only that code passes; any other error stops the step. `--ip-permissions` is the form that carries a description
    /// (AWS CLI Command Reference, authorize-security-group-ingress:
    /// https://docs.aws.amazon.com/cli/latest/reference/ec2/authorize-security-group-ingress.html); `$POD_PORT` and
    /// `$SOURCE_LB_CIDR` are checked digits and CIDR by then.
    static func authorize(_ description: String) -> String {
        "if test -z \"${NODE_SECURITY_GROUP:-}\"; then echo 'set NODE_SECURITY_GROUP to the security group of the pods' >&2; false;"
            + " elif AUTHORIZE_ERROR=$(aws ec2 authorize-security-group-ingress --group-id \"$NODE_SECURITY_GROUP\" --ip-permissions"
            + " \"IpProtocol=tcp,FromPort=$POD_PORT,ToPort=$POD_PORT,IpRanges=[{CidrIp=$SOURCE_LB_CIDR,Description=\"" + ShellQuote.word(description) + "\"}]\" 2>&1 >/dev/null); then :;"
            + " elif [[ \"$AUTHORIZE_ERROR\" == *'(InvalidPermission.Duplicate)'* ]]; then echo \"$NODE_SECURITY_GROUP admits $SOURCE_LB_CIDR on port $POD_PORT already: an earlier run (its rule is described \"" + ShellQuote.word(description) + "\"), or a rule that was there before, which the rollback leaves\";"
            + " else printf '%s\\n' \"$AUTHORIZE_ERROR\" >&2; false; fi"
    }

    /// The ids of the group's inbound rules eksodus added for the range on the pod port (its description), space
    /// separated, each `sgr-…`; fails when the rules cannot be read (`-n` and `input`: no answer is a failure). The fields are
    /// the SecurityGroupRule's (EC2 API Reference, DescribeSecurityGroupRules / SecurityGroupRule:
    /// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSecurityGroupRules.html).
    static func ownRules(_ description: String, into variable: String) -> String {
        "{ \(variable)=$(aws ec2 describe-security-group-rules --filters Name=group-id,Values=\"$NODE_SECURITY_GROUP\" --output json | jq -enr --arg d " + ShellQuote.word(description)
            + " --arg cidr \"$SOURCE_LB_CIDR\" --argjson port \"$POD_PORT\" "
            + ShellQuote.word("input | [.SecurityGroupRules[] | select(.IsEgress == false and .IpProtocol == \"tcp\" and .FromPort == $port and .ToPort == $port and .CidrIpv4 == $cidr and .Description == $d) | .SecurityGroupRuleId] | join(\" \")")
            + ") && [[ \"$\(variable)\" =~ ^(sgr-[0-9a-f]+( sgr-[0-9a-f]+)*)?$ ]]; } || { echo \"the rules of $NODE_SECURITY_GROUP could not be read\" >&2; false; }"
    }

    /// The rollback's revoke of the pods' rule, usually run from a shell of its own: `${VAR:?}` stops it when the group or
    /// the range is unset (it sent EC2 `--group-id ""`). Only the rules eksodus added (`ownRules`) are revoked, by id: a
    /// rule for the same range and port that the switch met as InvalidPermission.Duplicate on its first run was someone
    /// else's and stays. None found is what a second run meets once the first revoked it, and a rule already gone
    /// (InvalidSecurityGroupRuleId.NotFound, InvalidPermission.NotFound) passes too; the read-back after it decides. Any
    /// other failure, or `Return` false, stops the rollback. stderr joins stdout in `REVOKED`: on success the CLI writes
    /// the JSON answer alone.
    static func revoke(_ description: String) -> String {
        "test -n \"${NODE_SECURITY_GROUP:?set NODE_SECURITY_GROUP to the security group of the pods}\" && test -n \"${SOURCE_LB_CIDR:?set SOURCE_LB_CIDR to the addresses of the load balancer in front of the source nodes}\" && { "
            + ownRules(description, into: "OWN_RULES") + "; } && "
            + "if test -z \"$OWN_RULES\"; then echo \"$NODE_SECURITY_GROUP holds no rule described \"" + ShellQuote.word(description) + "\" for $SOURCE_LB_CIDR on port $POD_PORT: eksodus added none (a rule that was there before stays), or an earlier run revoked it\";"
            + " else read -ra OWN_RULE_IDS <<<\"$OWN_RULES\";"
            + " if REVOKED=$(aws ec2 revoke-security-group-ingress --group-id \"$NODE_SECURITY_GROUP\" --security-group-rule-ids \"${OWN_RULE_IDS[@]}\" --output json 2>&1); then"
            + " jq -en " + ShellQuote.word("input | .Return == true") + " <<<\"$REVOKED\" >/dev/null || { echo \"EC2 did not revoke rule $OWN_RULES from $NODE_SECURITY_GROUP\" >&2; false; };"
            + " elif [[ \"$REVOKED\" == *'(InvalidSecurityGroupRuleId.NotFound)'* || \"$REVOKED\" == *'(InvalidPermission.NotFound)'* ]]; then echo \"rule $OWN_RULES is gone from $NODE_SECURITY_GROUP already\";"
            + " else printf '%s\\n' \"$REVOKED\" >&2; echo \"rule $OWN_RULES for $SOURCE_LB_CIDR on port $POD_PORT was not revoked from $NODE_SECURITY_GROUP\" >&2; false; fi; fi"
    }

    /// Read back, as that reference advises: the group is there and holds no rule eksodus added; a rule for the range on
    /// the pod port that is still there was not eksodus's, and is named.
    static func revoked(_ description: String) -> String {
        "{ aws ec2 describe-security-groups --group-ids \"$NODE_SECURITY_GROUP\" --output json | jq -en --arg group \"$NODE_SECURITY_GROUP\" "
            + ShellQuote.word("input | (.SecurityGroups | length == 1) and .SecurityGroups[0].GroupId == $group")
            + " >/dev/null && " + ownRules(description, into: "LEFT_RULES") + " && test -z \"$LEFT_RULES\"; } || { echo \"$NODE_SECURITY_GROUP still holds the rule eksodus added for $SOURCE_LB_CIDR on port $POD_PORT (or could not be read)\" >&2; false; }"
    }

    /// The commands and rollback of one NodePort Service.
    static func commands(_ service: Estate.Service) -> (commands: [String], rollback: [String]) {
        let name = service.resource.name, namespace = service.resource.namespace, cross = RedirectCommands.crossName(name)
        let eks = Kubectl.eks(namespace), crossRef = ShellQuote.word("service/" + cross)
        let podPort = "{ POD_PORT=$(" + eks("get endpointslices -l " + ShellQuote.word("kubernetes.io/service-name=" + cross) + " -o jsonpath='{.items[0].ports[0].port}'")
            + ") && [[ \"$POD_PORT\" =~ ^[0-9]+$ ]]; } || { echo " + ShellQuote.word("Service \(namespace)/\(cross) has no ready pod port on EKS") + " >&2; false; }"
        let description = ruleDescription(namespace: namespace, name: name)
        let commands = [
            ShellQuote.comment("NodePort Service \(namespace)/\(name): the EKS nodes come and go (node group updates, Spot, the autoscaler), so the load balancer in front of the source nodes moves to internal NLB \(cross) (ip targets), whose private addresses stay for its life"),
            cidrGate,
            // `jq` given nothing (no Service, kubectl failing) prints nothing and succeeds: the Service is tested before apply.
            "{ svc=$(" + eks("get " + ShellQuote.word("service/" + name) + " -o json") + " | jq -c --arg name " + ShellQuote.word(cross) + " --arg cidr \"$SOURCE_LB_CIDR\" "
                + ShellQuote.word(loadBalancerService) + ") && test -n \"$svc\" && " + eks("apply -f -") + " <<<\"$svc\"; }"
                + " || { echo " + ShellQuote.word("no NLB Service made of Service \(namespace)/\(name) on EKS") + " >&2; false; }",
            "NODEPORT_LB=; for _ in $(seq 30); do NODEPORT_LB=$(" + TrafficCommands.address(("service", namespace, cross)) + "); test -n \"$NODEPORT_LB\" && break; sleep 10; done; "
                + "test -n \"$NODEPORT_LB\" || { echo " + ShellQuote.word("Service \(namespace)/\(cross) has no NLB after 5 minutes: see its events (kubectl describe)") + " >&2; false; }",
            loadBalancer,
            addresses,
            "{ SERVICE_PORT=$(" + eks("get \(crossRef) -o jsonpath='{.spec.ports[0].port}'") + ") && [[ \"$SERVICE_PORT\" =~ ^[0-9]+$ ]]; } || { echo 'no port on the NLB Service' >&2; false; }",
            podPort,
            "# NODE_SECURITY_GROUP: the group of the pods' network interfaces, the cluster security group unless security groups for pods apply (aws eks describe-cluster --name \"$EKS_CLUSTER\" --query cluster.resourcesVpcConfig.clusterSecurityGroupId)",
            // An `if`, not `test && aws`: a failing test does not stop a script under `set -e` unless it is a list's last command.
            authorize(description) + "  # client IP preservation: the pods see the load balancer in front, on their own port",
            frontendRule,
            TrafficCommands.everyAddressAnswers(variable: "NLB_IPS", port: "$SERVICE_PORT", what: "NLB private address", from: "run it where the load balancer in front of the source nodes sits (on premises: over the plan's VPN or Direct Connect)"),
            "# add $NLB_IPS on port $SERVICE_PORT to the pool of the load balancer in front of the source nodes; once their health checks pass, drain and remove the source nodes from it",
            "# clients that reach it by a DNS name of its own, not through that load balancer: point the name at $NODEPORT_LB (weighted, as the other switches)",
            "# when that load balancer is an AWS IP target group in another VPC: for ip in $NLB_IPS; do aws elbv2 register-targets --target-group-arn \"$TARGET_GROUP_ARN\" --targets Id=\"$ip\",Port=\"$SERVICE_PORT\",AvailabilityZone=all; done",
        ]
        let rollback = [
            ShellQuote.comment("put the source nodes back in the pool of the load balancer in front of them, then remove $NLB_IPS from it; NLB \(namespace)/\(cross) stays, its addresses with it, for the next attempt"),
            cidrGate,
            podPort,
            "# once nothing sends to the pods through the NLB any more:",
            revoke(description),
            revoked(description),
        ]
        return (commands, rollback)
    }
}
