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
///
/// The step is one call of `eksodus_nodeport_nlb` (runbook library) and its rollback one of `eksodus_nodeport_nlb_back`,
/// with the Service's names and the rule's description as quoted words; the gates and programs below are their text.
enum NodePortSwitch {
    /// `$SOURCE_LB_CIDR` is one IPv4 CIDR, not everything: the NLB admits only it, and the rule takes one. Every octet is at
    /// most 255 and the prefix 1 to 32: `10.0.0.0/0` is everything as much as `0.0.0.0/0` is.
    static let cidrPattern = #"^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])/([1-9]|[12][0-9]|3[0-2])$"#

    /// The LoadBalancer Service `$name` made from the NodePort Service on EKS: its selector and ports as they are (a named
    /// `targetPort` stays named; `kubectl expose` would set it to the port), without the node ports, the controller's
    /// annotations, and `$cidr` its one source range. A Service that selects no pods has no ip targets: `jq` stops.
    static let loadBalancerService = "if (.spec.selector // {} | length) == 0 then error(\"the Service selects no pods: an NLB with ip targets needs them\") else . end"
        + " | {apiVersion: \"v1\", kind: \"Service\", metadata: {name: $name, namespace: .metadata.namespace, annotations: {"
        + "\"service.beta.kubernetes.io/aws-load-balancer-type\": \"external\", \"service.beta.kubernetes.io/aws-load-balancer-nlb-target-type\": \"ip\", "
        + "\"service.beta.kubernetes.io/aws-load-balancer-scheme\": \"internal\", \"service.beta.kubernetes.io/aws-load-balancer-target-group-attributes\": \"preserve_client_ip.enabled=true\"}}, "
        + "spec: {type: \"LoadBalancer\", selector: .spec.selector, ports: [.spec.ports[] | del(.nodePort)], loadBalancerSourceRanges: [$cidr]}}"

    /// The NLB named `$dns` as one JSON object, if it is one internal network load balancer; its ARN's tail names its
    /// network interfaces.
    static let loadBalancer = "[.LoadBalancers[] | select((.DNSName | ascii_downcase) == ($dns | ascii_downcase))] | if length == 1 and .[0].Type == \"network\" and .[0].Scheme == \"internal\" then .[0] else empty end"

    /// Whether one of the NLB's groups admits `$cidr` on `$port` (run with `-n` and `input`: no answer is a failure).
    static let frontendRule = "input | [.SecurityGroups[].IpPermissions[] | select((.IpProtocol == \"tcp\" or .IpProtocol == \"-1\") and (.FromPort // 0) <= $port and (.ToPort // 65535) >= $port) | .IpRanges[].CidrIp] | index($cidr) != null"

    /// The ids of the group's inbound rules described `$d` for `$cidr` on `$port`, space separated. The fields are the
    /// SecurityGroupRule's (EC2 API Reference, DescribeSecurityGroupRules / SecurityGroupRule:
    /// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSecurityGroupRules.html).
    static let ownRules = "input | [.SecurityGroupRules[] | select(.IsEgress == false and .IpProtocol == \"tcp\" and .FromPort == $port and .ToPort == $port and .CidrIpv4 == $cidr and .Description == $d) | .SecurityGroupRuleId] | join(\" \")"

    /// The description eksodus gives the pods' rule it adds, `eksodus:nodeport:NAMESPACE/NAME`: the rollback revokes only
    /// a rule of that description, so a rule for the same range and port that was there before (someone else's) stays. A
    /// description takes up to 255 of `a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*` (EC2 API Reference, IpRange, Description:
    /// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html); a name outside `[a-z0-9.-]` becomes
    /// 16 hex digits of a SHA-256 of `namespace/name`. It lives on the rule itself, so it survives a lost file.
    static func ruleDescription(namespace: String, name: String, of kind: String = "nodeport") -> String {
        let plain = "\(namespace)/\(name)"
        let fits = plain.utf8.count <= 200 && !namespace.isEmpty && !name.isEmpty
            && plain.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "-" || $0 == "/" }
        return "eksodus:\(kind):" + (fits ? plain : DigestHex.sha256(plain, digits: 16))
    }

    static let library = #"""
        # eksodus_nodeport_settings: SOURCE_LB_CIDR is one IPv4 CIDR of the load balancer in front of the source nodes, not
        # everything (no /0 of any address), and NODE_SECURITY_GROUP is set: checked before anything changes.
        eksodus_nodeport_settings() {
          if ! [[ "${SOURCE_LB_CIDR:-}" =~ \#(cidrPattern) ]]; then
            echo "SOURCE_LB_CIDR=${SOURCE_LB_CIDR:-}: set it to the addresses of the load balancer in front of the source nodes (one IPv4 CIDR, not 0.0.0.0/0)" >&2
            return 1
          fi
          if test -z "${NODE_SECURITY_GROUP:-}"; then
            # shellcheck disable=SC2016  # $EKS_CLUSTER is the command's, to run by hand
            echo 'set NODE_SECURITY_GROUP to the security group of the pods: the cluster security group unless security groups for pods apply (aws eks describe-cluster --name "$EKS_CLUSTER" --query cluster.resourcesVpcConfig.clusterSecurityGroupId)' >&2
            return 1
          fi
        }

        # eksodus_nodeport_pod_port NAMESPACE NLB_SERVICE: sets POD_PORT, the pods' port of NLB_SERVICE's EndpointSlice on EKS (digits).
        eksodus_nodeport_pod_port() {
          { POD_PORT=$(kubectl --context "$EKS_CONTEXT" -n "$1" get endpointslices -l "kubernetes.io/service-name=$2" -o jsonpath='{.items[0].ports[0].port}') && [[ "$POD_PORT" =~ ^[0-9]+$ ]]; } \
            || { echo "Service $1/$2 has no ready pod port on EKS" >&2; return 1; }
        }

        # eksodus_nodeport_own_rules DESCRIPTION PORT: the ids of NODE_SECURITY_GROUP's inbound rules eksodus added for
        # SOURCE_LB_CIDR on PORT (described DESCRIPTION), space separated, each sgr-...; fails when the rules cannot be read
        # (no answer at all is a failure).
        eksodus_nodeport_own_rules() {
          local ids
          { ids=$(aws ec2 describe-security-group-rules --filters Name=group-id,Values="$NODE_SECURITY_GROUP" --output json \
              | jq -enr --arg d "$1" --arg cidr "$SOURCE_LB_CIDR" --argjson port "$2" \#(ShellQuote.word(ownRules))) \
            && [[ "$ids" =~ ^(sgr-[0-9a-f]+( sgr-[0-9a-f]+)*)?$ ]]; } || { echo "the rules of $NODE_SECURITY_GROUP could not be read" >&2; return 1; }
          printf '%s\n' "$ids"
        }

        # eksodus_nodeport_authorize PORT DESCRIPTION: NODE_SECURITY_GROUP admits SOURCE_LB_CIDR on PORT, a rule described
        # DESCRIPTION (the rollback revokes only that). EC2 answers a rule the group holds already (the same protocol, port
        # and range, whatever its description) with InvalidPermission.Duplicate on stderr: only that passes, so a re-run goes
        # on; any other error stops it.
        eksodus_nodeport_authorize() {
          local err
          if err=$(aws ec2 authorize-security-group-ingress --group-id "$NODE_SECURITY_GROUP" --ip-permissions "IpProtocol=tcp,FromPort=$1,ToPort=$1,IpRanges=[{CidrIp=$SOURCE_LB_CIDR,Description=$2}]" 2>&1 >/dev/null); then
            :
          elif [[ "$err" == *'(InvalidPermission.Duplicate)'* ]]; then
            echo "$NODE_SECURITY_GROUP admits $SOURCE_LB_CIDR on port $1 already: an earlier run (its rule is described $2), or a rule that was there before, which the rollback leaves"
          else
            printf '%s\n' "$err" >&2
            return 1
          fi
        }

        # eksodus_nodeport_revoke PORT DESCRIPTION: the rollback's revoke of the rule eksodus added (described DESCRIPTION) for
        # SOURCE_LB_CIDR on PORT, by its id: a rule for the same range and port that the switch met as
        # InvalidPermission.Duplicate was someone else's and stays. None found is what a second run meets once the first
        # revoked it, and a rule already gone (InvalidSecurityGroupRuleId.NotFound, InvalidPermission.NotFound) passes too;
        # then the group is read back: it is there and holds no rule of eksodus's. Any other failure, or Return false, stops it.
        eksodus_nodeport_revoke() {
          local port=$1 description=$2 own left revoked
          local -a ids
          own=$(eksodus_nodeport_own_rules "$description" "$port") || return 1
          if test -z "$own"; then
            echo "$NODE_SECURITY_GROUP holds no rule described $description for $SOURCE_LB_CIDR on port $port: eksodus added none (a rule that was there before stays), or an earlier run revoked it"
          else
            read -ra ids <<<"$own"
            # stderr joins stdout: on success the CLI writes the JSON answer alone.
            if revoked=$(aws ec2 revoke-security-group-ingress --group-id "$NODE_SECURITY_GROUP" --security-group-rule-ids "${ids[@]}" --output json 2>&1); then
              jq -en 'input | .Return == true' <<<"$revoked" >/dev/null || { echo "EC2 did not revoke rule $own from $NODE_SECURITY_GROUP" >&2; return 1; }
            elif [[ "$revoked" == *'(InvalidSecurityGroupRuleId.NotFound)'* || "$revoked" == *'(InvalidPermission.NotFound)'* ]]; then
              echo "rule $own is gone from $NODE_SECURITY_GROUP already"
            else
              printf '%s\n' "$revoked" >&2
              echo "rule $own for $SOURCE_LB_CIDR on port $port was not revoked from $NODE_SECURITY_GROUP" >&2
              return 1
            fi
          fi
          { aws ec2 describe-security-groups --group-ids "$NODE_SECURITY_GROUP" --output json \
              | jq -en --arg group "$NODE_SECURITY_GROUP" 'input | (.SecurityGroups | length == 1) and .SecurityGroups[0].GroupId == $group' >/dev/null \
            && left=$(eksodus_nodeport_own_rules "$description" "$port") && test -z "$left"; } \
            || { echo "$NODE_SECURITY_GROUP still holds the rule eksodus added for $SOURCE_LB_CIDR on port $port (or could not be read)" >&2; return 1; }
        }

        # eksodus_nodeport_nlb NAMESPACE SERVICE NLB_SERVICE DESCRIPTION: the NodePort SERVICE nothing on the source routes to
        # moves behind NLB_SERVICE, an internal NLB with ip targets beside it on EKS; the load balancer in front of the source
        # nodes then takes the NLB's private addresses, never the EKS nodes' (node group updates, Spot and the autoscaler
        # replace those within days; an internal NLB keeps one private address per zone for its life). In order:
        # - NLB_SERVICE is applied, made from SERVICE as it is on EKS by jq (its selector and ports, a named targetPort kept,
        #   no node ports; the AWS Load Balancer Controller's annotations: external, ip targets, internal, client IP
        #   preservation; loadBalancerSourceRanges SOURCE_LB_CIDR only); a Service that selects no pods stops it;
        # - its NLB's name is waited for (5 minutes), and the ELB API must know it as one internal network load balancer;
        # - its private addresses: its network interfaces' (described "ELB net/NAME/ID", the ARN's tail), one IPv4 address per zone;
        # - the Service port, and the pods' port from its EndpointSlice (digits both);
        # - the pods' group NODE_SECURITY_GROUP admits SOURCE_LB_CIDR on the pod port (client IP preservation: the pods see the
        #   load balancer in front), a rule described DESCRIPTION (eksodus:nodeport:NS/NAME), which the rollback revokes alone
        #   (eksodus_nodeport_authorize: the Duplicate of a re-run passes);
        # - where the NLB has security groups of its own (controller v2.6+), one admits SOURCE_LB_CIDR on the Service port;
        # - every private address answers on the Service port (run it where the load balancer in front of the source nodes
        #   sits: on premises, over the plan's VPN or Direct Connect).
        # Sets NODEPORT_LB, NLB_IPS, SERVICE_PORT and POD_PORT, and prints what to do with them. Safe to run again.
        eksodus_nodeport_nlb() {
          local ns=$1 service=$2 nlb=$3 description=$4 svc lb groups ip down=0
          eksodus_nodeport_settings || return 1
          # jq given nothing (no Service, kubectl failing) prints nothing and succeeds: the Service is tested before apply.
          { svc=$(kubectl --context "$EKS_CONTEXT" -n "$ns" get "service/$service" -o json | jq -c --arg name "$nlb" --arg cidr "$SOURCE_LB_CIDR" \#(ShellQuote.word(loadBalancerService))) \
              && test -n "$svc" && kubectl --context "$EKS_CONTEXT" -n "$ns" apply -f - <<<"$svc"; } \
            || { echo "no NLB Service made of Service $ns/$service on EKS" >&2; return 1; }
          NODEPORT_LB=
          for _ in $(seq 30); do
            NODEPORT_LB=$(kubectl --context "$EKS_CONTEXT" -n "$ns" get "service/$nlb" -o jsonpath='{.status.loadBalancer.ingress[0].hostname}') || NODEPORT_LB=
            test -n "$NODEPORT_LB" && break
            sleep 10
          done
          test -n "$NODEPORT_LB" || { echo "Service $ns/$nlb has no NLB after 5 minutes: see its events (kubectl describe)" >&2; return 1; }
          { lb=$(aws elbv2 describe-load-balancers --output json | jq -c --arg dns "$NODEPORT_LB" \#(ShellQuote.word(loadBalancer))) && test -n "$lb"; } \
            || { echo "no internal network load balancer named $NODEPORT_LB" >&2; return 1; }
          { NLB_IPS=$(aws ec2 describe-network-interfaces --filters Name=description,Values="ELB $(jq -r '.LoadBalancerArn | sub("^.*:loadbalancer/"; "")' <<<"$lb")" \
              --query 'NetworkInterfaces[].PrivateIpAddress' --output text) \
            && [[ "$NLB_IPS" =~ ^([0-9]{1,3}\.){3}[0-9]{1,3}([[:space:]]+([0-9]{1,3}\.){3}[0-9]{1,3})*$ ]] \
            && test "$(wc -w <<<"$NLB_IPS")" -eq "$(jq '.AvailabilityZones | length' <<<"$lb")"; } \
            || { echo "the NLB $NODEPORT_LB has not one private IPv4 address per zone (is it still provisioning?)" >&2; return 1; }
          { SERVICE_PORT=$(kubectl --context "$EKS_CONTEXT" -n "$ns" get "service/$nlb" -o jsonpath='{.spec.ports[0].port}') && [[ "$SERVICE_PORT" =~ ^[0-9]+$ ]]; } \
            || { echo "no port on the NLB Service $ns/$nlb" >&2; return 1; }
          eksodus_nodeport_pod_port "$ns" "$nlb" || return 1
          eksodus_nodeport_authorize "$POD_PORT" "$description" || return 1
          # No group of its own (a controller before v2.6): the pods' rule is the only filter.
          { groups=$(jq -r '(.SecurityGroups // []) | join(",")' <<<"$lb") && { test -z "$groups" || aws ec2 describe-security-groups --filters Name=group-id,Values="$groups" --output json \
              | jq -en --arg cidr "$SOURCE_LB_CIDR" --argjson port "$SERVICE_PORT" \#(ShellQuote.word(frontendRule)) >/dev/null; }; } \
            || { echo "the NLB's security group does not admit $SOURCE_LB_CIDR on port $SERVICE_PORT: check loadBalancerSourceRanges on the Service $ns/$nlb" >&2; return 1; }
          for ip in $NLB_IPS; do nc -z -w 3 "$ip" "$SERVICE_PORT" || { echo "$ip:$SERVICE_PORT does not answer (run it where the load balancer in front of the source nodes sits)" >&2; down=1; }; done
          test "$down" = 0 || return 1
          echo "NLB $ns/$nlb ($NODEPORT_LB) answers on $NLB_IPS port $SERVICE_PORT: add those addresses on that port to the pool of the load balancer in front of the source nodes; once their health checks pass, drain and remove the source nodes from it."
          echo "Clients that reach it by a DNS name of its own: point the name at $NODEPORT_LB (weighted, as the other switches). An AWS IP target group in another VPC: aws elbv2 register-targets --targets Id=IP,Port=$SERVICE_PORT,AvailabilityZone=all for each address."
        }

        # eksodus_nodeport_nlb_back NAMESPACE NLB_SERVICE DESCRIPTION: the rollback: the pods' rule eksodus added (described
        # DESCRIPTION) for SOURCE_LB_CIDR on NLB_SERVICE's pod port revoked, and only it (eksodus_nodeport_revoke). The NLB
        # Service stays, its addresses with it, for the next attempt.
        eksodus_nodeport_nlb_back() {
          eksodus_nodeport_settings || return 1
          eksodus_nodeport_pod_port "$1" "$2" || return 1
          eksodus_nodeport_revoke "$POD_PORT" "$3"
        }

        # eksodus_hostport_pool PORT DESCRIPTION: a hostPort the load balancer in front of the source nodes reaches on the
        # nodes themselves (no Service to put an NLB in front of): NODE_SECURITY_GROUP, the EKS nodes' group, admits
        # SOURCE_LB_CIDR on PORT, a rule described DESCRIPTION (eksodus:hostport:NS/NAME) that the rollback revokes alone,
        # and every EKS node answers on PORT (run it where that load balancer sits). Sets EKS_NODE_IPS. Safe to run again.
        eksodus_hostport_pool() {
          local port=$1 ip down=0
          [[ "$port" =~ ^[0-9]{1,5}$ ]] || { echo "port $port is no port number" >&2; return 1; }
          eksodus_nodeport_settings || return 1
          eksodus_nodeport_authorize "$port" "$2" || return 1
          EKS_NODE_IPS=$(kubectl --context "$EKS_CONTEXT" get nodes -o jsonpath='{range .items[*]}{.status.addresses[?(@.type=="InternalIP")].address}{"\n"}{end}') \
            || { echo 'the EKS nodes were not read' >&2; return 1; }
          test -n "$EKS_NODE_IPS" || { echo 'no EKS node address found' >&2; return 1; }
          for ip in $EKS_NODE_IPS; do nc -z -w 3 "$ip" "$port" || { echo "$ip:$port does not answer (run it where the load balancer in front of the source nodes sits)" >&2; down=1; }; done
          test "$down" = 0 || return 1
          echo "add the EKS nodes ($(tr '\n' ' ' <<<"$EKS_NODE_IPS")) on port $port to the pool of the load balancer in front of the source nodes; once their health checks pass, drain and remove the source nodes from it (an AWS IP target group: register-targets Id=IP,Port=$port each)"
        }

        # eksodus_hostport_pool_back PORT DESCRIPTION: the rollback: the rule eksodus added on PORT revoked, and only it.
        eksodus_hostport_pool_back() {
          [[ "$1" =~ ^[0-9]{1,5}$ ]] || { echo "port $1 is no port number" >&2; return 1; }
          eksodus_nodeport_settings || return 1
          eksodus_nodeport_revoke "$1" "$2"
        }

        """#

    /// The commands and rollback of one NodePort Service.
    static func commands(_ service: Estate.Service) -> (commands: [String], rollback: [String]) {
        let name = service.resource.name, namespace = service.resource.namespace, cross = RedirectCommands.crossName(name)
        let description = ShellQuote.word(ruleDescription(namespace: namespace, name: name))
        let words = [namespace, cross].map(ShellQuote.word).joined(separator: " ")
        return ([
            // What it prints to do next (the NLB's addresses into the pool) is the function's.
            ShellQuote.comment("NodePort Service \(namespace)/\(name): the load balancer in front of the source nodes moves to internal NLB \(cross) (ip targets), not to the EKS nodes"),
            RunbookLibrary.load,
            "eksodus_nodeport_nlb " + ShellQuote.word(namespace) + " " + ShellQuote.word(name) + " " + ShellQuote.word(cross) + " " + description,
        ], [
            ShellQuote.comment("put the source nodes back in the pool of the load balancer in front of them, then remove the NLB's addresses from it; NLB \(namespace)/\(cross) stays for the next attempt"),
            RunbookLibrary.load,
            "eksodus_nodeport_nlb_back " + words + " " + description + "  # once nothing sends to the pods through the NLB any more",
        ])
    }
}
