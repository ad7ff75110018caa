/// Route 53 and load balancer commands for a traffic switch. The record clients resolve now is read from Route 53 into a
/// file days ahead (`DNSLowering`), and every change batch is built from that file by `jq`, so the switch keeps the record's
/// own type and values: host names and load balancer names reach the batch as `jq --arg` strings, never spliced into JSON.
///
/// The switch is gradual and reversible: the plain record becomes a weighted pair (set identifiers `source` and `eks`, in one
/// change batch, which Route 53 applies as a whole), then the weight moves in steps; rollback puts the weights back.
/// Weighted records of a name share its type, no plain record of that name and type may stay beside them, and weight 0
/// stops traffic to a record (Route 53 Developer Guide, "Weighted routing" and "Values specific for weighted alias records",
/// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-weighted.html,
/// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-weighted-alias.html). So a source
/// A record (a MetalLB or on-premises load balancer's addresses) is paired with an alias A record to the ALB or NLB (a CNAME
/// to it would sit beside an A record, which Route 53 refuses), and a source CNAME with a CNAME. A source alias record (an
/// A record aliasing the source's own AWS load balancer) stays an alias in the pair: Route 53 weights alias records like
/// any other, and an alias has no TTL nor ResourceRecords of its own (Route 53 API Reference, ResourceRecordSet: "If you're
/// creating or updating an alias resource record set, omit TTL",
/// https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html).
/// AAAA names are not switched: the load balancers the plan makes on EKS are IPv4 only (the AWS Load Balancer Controller's
/// `ip-address-type` defaults to `ipv4`: https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#ip-address-type),
/// so the matching AAAA alias would answer IPv6 clients with nothing; `DNSLowering` stops on such a name with the reason.
enum TrafficCommands {
    /// The TTL the records carry from the lowering step on.
    static let lowTTL = 60
    /// How long resolvers may keep a source alias record's answer: an alias takes its TTL from what it points at, 60 s for an
    /// ELB load balancer (Route 53 Developer Guide, "Choosing between alias and non-alias records"; Route 53 FAQ: ELB alias
    /// records have "a fixed TTL of 60 seconds", https://aws.amazon.com/route53/faqs/). An alias of another record of the zone
    /// takes that record's TTL, which the lowering does not lower: it refuses such a name (`unswitchable`), and the zone gate
    /// (`ttlExpired`) reads what is served all the same, and fails on more.
    static let aliasTTL = 60
    /// The EKS share after each shift; the source keeps the rest.
    static let shares = [10, 50, 100]

    /// `jq`'s `norm`: a DNS name as Route 53 compares it (any case, with or without the final dot). Route 53 answers a
    /// listing with every character outside a-z, 0-9, `-` and `_` as an octal escape, so the wildcard `*.acme.example` comes
    /// back as `\052.acme.example.` ("DNS domain name format", https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html#domain-name-format-asterisk;
    /// the same drift: https://github.com/hashicorp/terraform-provider-aws/issues/36699): both sides decode it before they meet.
    static let normDef = #"def norm: ascii_downcase | rtrimstr(".") | gsub("\\\\052"; "*"); "#

    /// `jq` programs over the record file: the plain record at the low TTL, and the record as it was.
    /// `low`: a record at the low TTL; an alias, which has no TTL, stays as it is (its UPSERT changes nothing).
    static let lowDef = "def low: if .AliasTarget then . else .TTL = \(lowTTL) end; "
    static let lowered = lowDef + "{Changes: [{Action: \"UPSERT\", ResourceRecordSet: (.[0] | low)}]}"
    static let restored = "{Changes: [{Action: \"UPSERT\", ResourceRecordSet: .[0]}]}"
    /// The weighted record `$id` at `$weight`: the source keeps the file's type and values (an alias its AliasTarget, with
    /// no TTL); EKS's is an alias A record to the load balancer (`$eks`, in its canonical hosted zone `$zone`) beside an A
    /// record, a CNAME to it beside a CNAME, and any other type stops the batch before it is sent.
    /// EvaluateTargetHealth: an ALB or NLB with no healthy target is left out, so the source answers instead.
    static let weightedRecord = lowDef + "def rec($id; $weight): .[0] as $r | if $id == \"source\" then ($r | low) + {SetIdentifier: \"source\", Weight: $weight}"
        + " elif $r.Type == \"CNAME\" then {Name: $r.Name, Type: \"CNAME\", SetIdentifier: \"eks\", Weight: $weight, TTL: \(lowTTL), ResourceRecords: [{Value: $eks}]}"
        + " elif $r.Type == \"A\" then {Name: $r.Name, Type: \"A\", SetIdentifier: \"eks\", Weight: $weight, AliasTarget: {HostedZoneId: $zone, DNSName: $eks, EvaluateTargetHealth: true}}"
        + " else error(\"a \\($r.Type) record: only A and CNAME names switch, the EKS load balancer is IPv4 only\") end; "

    /// The change batch `program` makes of the record `file`, applied, then waited for until Route 53 reports it INSYNC (its
    /// authoritative servers answer with it; `aws route53 wait resource-record-sets-changed` polls GetChange:
    /// https://docs.aws.amazon.com/cli/latest/reference/route53/wait/resource-record-sets-changed.html). A `jq` failure (no
    /// file, no record), a refused batch or a change that never syncs stops it.
    static func apply(_ program: String, record file: String, arguments: String = "") -> String {
        "batch=$(jq -c" + arguments + " " + ShellQuote.word(program) + " " + ShellQuote.word(file) + ") && change=$(aws route53 change-resource-record-sets --hosted-zone-id \"$HOSTED_ZONE_ID\" --change-batch \"$batch\""
            + " --query ChangeInfo.Id --output text) && test -n \"$change\" && aws route53 wait resource-record-sets-changed --id \"$change\""
    }

    /// The file beside the record file where the lowering notes when it took effect: one per name, so that two names of one
    /// runbook never read each other's time (a shell variable was shared by every name, and gone in the next day's shell).
    static func loweredAt(record: String) -> String {
        (record.hasSuffix(".dns-record.json") ? String(record.dropLast(".dns-record.json".count)) : record) + ".ttl-lowered-at"
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

    /// The file beside the record file where the lowering keeps the record as Route 53 holds it now, read at every run.
    static func liveRecord(record: String) -> String {
        (record.hasSuffix(".dns-record.json") ? String(record.dropLast(".dns-record.json".count)) : record) + ".dns-live.json"
    }

    /// The listing of the name's A, AAAA and CNAME records into `liveRecord(record:)` (`host` nil: `$DNS_NAME`).
    static func readLive(host: String?, record: String) -> String {
        let select = normDef + "[.ResourceRecordSets[] | select((.Name | norm) == ($name | norm) and (.Type == \"A\" or .Type == \"AAAA\" or .Type == \"CNAME\"))]"
        return "aws route53 list-resource-record-sets --hosted-zone-id \"$HOSTED_ZONE_ID\" --start-record-name \(argument(host)) --max-items 20 --output json | jq --arg name \(argument(host)) "
            + ShellQuote.word(select) + " > " + ShellQuote.word(liveRecord(record: record))
    }

    /// The record set of a listing (`jq` records `core`) without what the lowering changes (the TTL) and in one order, so
    /// that the record saved before the lowering and the one Route 53 holds after it compare equal.
    static let coreDef = "def core: map(del(.TTL) | if .ResourceRecords then .ResourceRecords |= sort_by(.Value) else . end) | sort_by(.Type); "

    /// The source cluster's own load balancer addresses for `frontends` (Ingresses or LoadBalancer Services): every
    /// `.status.loadBalancer.ingress[*].ip` and `.hostname`, one a line, read from the source cluster.
    static func sourceAddresses(_ frontends: [(kind: String, namespace: String, name: String)]) -> String {
        "{ " + frontends.map { frontend in
            Kubectl.source(frontend.namespace)("get " + ShellQuote.word("\(frontend.kind)/\(frontend.name)")
                + " -o jsonpath='{range .status.loadBalancer.ingress[*]}{.ip}{\"\\n\"}{.hostname}{\"\\n\"}{end}'")
        }.joined(separator: " && ") + "; }"
    }

    /// A DNS name of a load balancer as the Ingress status and the alias record give it: `norm`, and without the
    /// `dualstack.` prefix Route 53 aliases to an ELB carry (Route 53 API Reference, AliasTarget.DNSName:
    /// https://docs.aws.amazon.com/Route53/latest/APIReference/API_AliasTarget.html).
    static let pointsAt = normDef + "def lb: norm | ltrimstr(\"dualstack.\"); ($src | split(\"\\n\") | map(select(length > 0) | lb)) as $s"
        + " | input | map(select(.SetIdentifier == null or .SetIdentifier == \"source\")) as $r | ($s | length) > 0 and ($r | length) == 1"
        + " and ($r[0] | [(.AliasTarget.DNSName // empty), (.ResourceRecords // [] | .[].Value)] | map(lb) | length > 0 and all(.[]; . as $v | any($s[]; . == $v)))"

    /// Fails unless the record in `live` (a listing of the name: the plain record, or the `source` one of the pair) points at
    /// the source's own load balancer: an alias's DNSName, a CNAME's target, or every A value among the addresses of
    /// `frontends` on the source cluster. A tenant's Ingress listing `login.acme.example` would otherwise move the company's
    /// name to the tenant's ALB. `SWITCH_FOREIGN_RECORD=yes` passes it, for a record that points at the source through a
    /// name or an address of its own (a CNAME to a load balancer alias the cluster does not report).
    static func pointsAtSource(host: String?, live: String, frontends: [(kind: String, namespace: String, name: String)]) -> String {
        let name = host ?? "$DNS_NAME"
        let claimants = frontends.map { ($0.kind == "service" ? "Service " : "Ingress ") + "\($0.namespace)/\($0.name)" }.joined(separator: ", ")
        guard !frontends.isEmpty else {
            return "# decision: no source Ingress or Service to compare the record with: check by hand that \(live) points at the source cluster before you go on"
        }
        return "if [ \"${SWITCH_FOREIGN_RECORD:-}\" = yes ]; then echo " + ShellQuote.word("SWITCH_FOREIGN_RECORD=yes: not checking that \(name) points at \(claimants) on the source") + " >&2; "
            + "elif ! src=$(" + sourceAddresses(frontends) + ") || ! jq -en --arg src \"$src\" " + ShellQuote.word(pointsAt) + " " + ShellQuote.word(live) + " >/dev/null; then echo "
            + ShellQuote.word("\(name): the record in Route 53 (\(live)) does not point at the source load balancer of \(claimants), whose addresses are: ") + "\"${src:-none read (is SOURCE_CONTEXT set?)}\"" + " "
            + ShellQuote.word("- it may be another team's name that only an Ingress lists: stop. If it is this name behind the source all the same (a CNAME to a name of the load balancer), run again with SWITCH_FOREIGN_RECORD=yes") + " >&2; false; fi"
    }

    /// Why the record file is no name the switch can move, or nothing: it must hold one A or CNAME record of the name, plain
    /// (a TTL and values) or an alias (an AliasTarget and neither) to anything but a record of its own zone (`$zone`), with
    /// no routing policy yet. (Run with `-n` and `input`:
    /// an empty file, from a failed listing, has no record to pass.)
    static let unswitchable = "if length == 0 then \"no A, AAAA or CNAME record of that name\""
        + " elif any(.[]; .Type == \"AAAA\") then \"an AAAA record: a weighted pair shares its type, and an AAAA alias needs a dualstack load balancer (alb.ingress.kubernetes.io/ip-address-type: dualstack); the EKS load balancers of the plan are IPv4 only\""
        + " elif length > 1 then \"more than one record of that name (an A beside a CNAME)\""
        + " elif .[0].SetIdentifier != null then \"already weighted, or under another routing policy\""
        // An alias of another record of this zone answers with that record's TTL (Route 53 Developer Guide, "Choosing
        // between alias and non-alias records": https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html),
        // which this step does not lower, and its target is no load balancer of the source. `$zone`: this zone's id.
        + " elif .[0].AliasTarget != null and ((.[0].AliasTarget.HostedZoneId // \"\") | ltrimstr(\"/hostedzone/\")) == $zone then \"an alias of \\(.[0].AliasTarget.DNSName), another record of this zone, which answers with that record's TTL (this step does not lower it): lower that record's TTL by hand first, or make this one a plain record or an alias to the load balancer\""
        + " elif .[0].AliasTarget != null and (.[0].TTL != null or .[0].ResourceRecords != null) then \"an alias with a TTL or values, which Route 53 does not hold\""
        + " elif .[0].AliasTarget == null and (.[0].TTL == null or (.[0].ResourceRecords // [] | length) == 0) then \"a record without a TTL or values\""
        + " else empty end"

    /// The TTL resolvers may hold the record file's answer for: its own, or `aliasTTL` for an alias.
    static let oldTTL = "if .[0].AliasTarget then \(aliasTTL) else .[0].TTL end"

    /// The switch's own gate: one old TTL has passed since the lowering, and the name's own record now carries the low TTL
    /// where it is served. Both files are this name's (`record`, `loweredAt(record:)`), written by its lowering days ago.
    static func ttlExpired(host: String?, record: String) -> [String] {
        let file = ShellQuote.word(record), stamp = ShellQuote.word(loweredAt(record: record)), name = argument(host)
        // A CNAME's answer carries its target's records too, with the target's TTL: only the lines owned by the name count.
        let owned = "awk -v name=\(name) 'BEGIN { name = tolower(name); sub(/[.]$/, \"\", name) } { owner = tolower($1); sub(/[.]$/, \"\", owner) } "
            + "owner == name { seen = 1; if ($2 > \(lowTTL)) bad = 1 } END { exit !seen || bad }'"
        // `jq -e` passes on no input at all (a failed `aws` prints nothing): `-n` and `input` make no input an error.
        let route53 = normDef + "input | [.ResourceRecordSets[] | select((.Name | norm) == ($name | norm) and .Type == $type)] | length == 1 and (.[0].TTL // (if .[0].AliasTarget then \(aliasTTL) else null end) | . != null and . <= \(lowTTL))"
        return [
            // Unset or not a number, the arithmetic would read 0 and the wait would always pass.
            "{ lowered=$(cat \(stamp) 2>/dev/null) && old=$(jq -r \(ShellQuote.word(oldTTL)) \(file)) && [[ \"$lowered\" =~ ^[0-9]+$ && \"$old\" =~ ^[0-9]+$ ]] && test $(( $(date -u +%s) - lowered )) -ge \"$old\"; }"
                + " || { echo " + ShellQuote.word("the old TTL (\(aliasTTL) s for an alias record) has not expired since the lowering (or \(loweredAt(record: record)) and \(record) are not here): wait") + " >&2; false; }",
            // The operator's resolver may hold a cached answer, and a private hosted zone answers only inside its VPCs: a
            // public zone is asked at its own name servers (dig @NS), a private one through the Route 53 API, which sees it
            // (TestDNSAnswer "only supports querying public hosted zones":
            // https://docs.aws.amazon.com/Route53/latest/APIReference/API_TestDNSAnswer.html).
            "{ zone=$(aws route53 get-hosted-zone --id \"$HOSTED_ZONE_ID\" --output json) && type=$(jq -r '.[0].Type' \(file)) && case \"$(jq -r '.HostedZone.Config.PrivateZone' <<<\"$zone\")\" in "
                + "false) ns=$(jq -r '.DelegationSet.NameServers[0] // empty' <<<\"$zone\") && test -n \"$ns\" && dig +noall +answer @\"$ns\" \(name) \"$type\" | \(owned) ;; "
                + "true) aws route53 list-resource-record-sets --hosted-zone-id \"$HOSTED_ZONE_ID\" --start-record-name \(name) --start-record-type \"$type\" --max-items 10 --output json"
                + " | jq -en --arg name \(name) --arg type \"$type\" " + ShellQuote.word(route53) + " >/dev/null ;; *) false ;; esac; }"
                + " || { echo " + ShellQuote.word("\(host ?? "the name") does not carry the low TTL where its zone serves it") + " >&2; false; }"
                + "  # a private zone: to see what its clients get, dig it from inside the VPC (a pod on EKS)",
        ]
    }

    /// At the switch, as at the lowering: the record Route 53 holds now still points at the source's own load balancer.
    static func liveGate(host: String?, record: String, frontends: [(kind: String, namespace: String, name: String)]) -> [String] {
        [readLive(host: host, record: record), pointsAtSource(host: host, live: liveRecord(record: record), frontends: frontends)]
    }

    static func frontendAddress(_ frontend: (kind: String, namespace: String, name: String)) -> String {
        "EKS_LB=$(" + address(frontend) + ")"
    }

    /// The load balancer's name is there, the record file holds one record, and beside an A record the alias needs the load
    /// balancer's canonical hosted zone (`CanonicalHostedZoneId`, looked up by its DNS name, passed to `jq` as a string).
    /// The `jq` filter giving the canonical hosted zone of the load balancer named `name` (a quoted shell word or variable).
    static func zoneOf(_ name: String) -> String {
        "jq -r --arg dns \(name) '.LoadBalancers[] | select(.DNSName == $dns) | .CanonicalHostedZoneId'"
    }

    static func switchReady(record: String) -> String {
        let file = ShellQuote.word(record)
        return "if test -n \"$EKS_LB\" && jq -e 'length == 1 and (.[0].Type == \"A\" or .[0].Type == \"CNAME\")' \(file) >/dev/null; then if [ \"$(jq -r '.[0].Type' \(file))\" != CNAME ]; then "
            + "LB_ZONE=$(aws elbv2 describe-load-balancers --output json | " + zoneOf("\"$EKS_LB\"") + "); "
            + "test -n \"$LB_ZONE\" || { echo 'no load balancer of that DNS name: no hosted zone for the alias' >&2; false; }; fi; "
            + "else echo 'no EKS load balancer name yet, or no record file from the TTL step, or not one A or CNAME record in it' >&2; false; fi"
    }

    /// The DNS name of the ALB or NLB the AWS Load Balancer Controller made for an Ingress or Service on EKS.
    static func address(_ frontend: (kind: String, namespace: String, name: String)) -> String {
        Kubectl.eks(frontend.namespace)("get " + ShellQuote.word("\(frontend.kind)/\(frontend.name)")
            + " -o jsonpath='{.status.loadBalancer.ingress[0].hostname}'")
    }

    /// The gate of a name behind an Ingress `convert` held out (`IngressHold`): the decided Ingress is on EKS, and, where the
    /// source enforced a login, its load balancer refuses a request without credentials for the host (`host` nil:
    /// `$DNS_NAME`), at the rule's literal path: 401 (basic auth, an application's login), or the ALB's redirect to an
    /// identity provider on another host (OIDC, Cognito). ALB authentication runs on HTTPS listeners only ("Authenticate
    /// users using an Application Load Balancer": https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html),
    /// and the controller's `ssl-redirect` makes every HTTP listener redirect to HTTPS
    /// (https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/tasks/ssl_redirect/): so plain HTTP must
    /// answer with a redirect to `https://` on the same host, and the login is probed over HTTPS, as the host (SNI and
    /// certificate), sent to the EKS load balancer before DNS points there (`curl --connect-to`, which takes a host name where
    /// `--resolve` takes only addresses). No `-k`: the certificate must be valid for the host; a private CA's root goes in
    /// `$CA_BUNDLE`. `before` runs first (the decided Ingress is applied), `after` once `EKS_LB` is known; a failed curl prints
    /// `000` and fails too.
    static func heldGate(namespace: String, ingress: String, host: String?, held: Exposure.Held) -> (before: [String], after: [String]) {
        let hostWord = argument(host), path = ShellQuote.word(held.probePath)
        let hostHeader = host.map { ShellQuote.word("Host: " + $0) } ?? "\"Host: $DNS_NAME\""
        let connect = host.map { ShellQuote.word($0 + ":443:") + "\"$EKS_LB:443\"" } ?? "\"$DNS_NAME:443:$EKS_LB:443\""
        let https = host.map { ShellQuote.word("https://" + $0) } ?? "\"https://$DNS_NAME\""
        let answer = "curl -s -o /dev/null --max-time 10 -w '%{http_code} %{redirect_url}\\n' "
        return (held.reasons.map { ShellQuote.comment("Ingress \(namespace)/\(ingress) was held out by convert (CHANGES.md TODO): \($0)") }
            + [Kubectl.eks(namespace)("get " + ShellQuote.word("ingress/" + ingress) + " -o name")
                + " || { echo " + ShellQuote.word("apply the decided Ingress \(namespace)/\(ingress) first: convert held it out") + " >&2; false; }"],
            !held.auth ? [] : [
                answer + "-H " + hostHeader + " \"http://$EKS_LB\"" + path
                    + " | awk -v host=\(hostWord) '$1 ~ /^30[1278]$/ && (index(tolower($2), \"https://\" tolower(host) \"/\") == 1 || index(tolower($2), \"https://\" tolower(host) \":443/\") == 1) { ok = 1 } END { exit !ok }'"
                    + " || { echo " + ShellQuote.word("Ingress \(namespace)/\(ingress) on EKS does not redirect HTTP to HTTPS: ALB authentication needs an HTTPS listener (listen-ports with HTTPS 443, ssl-redirect, a certificate from plan:certificates)") + " >&2; false; }",
                answer + "${CA_BUNDLE:+--cacert \"$CA_BUNDLE\"} --connect-to " + connect + " " + https + path
                    + " | awk -v host=\(hostWord) '$1 == 401 || ($1 ~ /^30[237]$/ && index(tolower($2), \"://\" tolower(host)) == 0) { ok = 1 } END { exit !ok }'"
                    + " || { echo " + ShellQuote.word("Ingress \(namespace)/\(ingress) on EKS answers over HTTPS without credentials, or its certificate is not valid for the host: its login is not in place") + " >&2; false; }"
                    + "  # an internal ALB: run it from inside the VPC or over the VPN"])
    }

    /// The held-out Ingresses' gates of a switch, each part in `namespace/name` order.
    static func heldGates(_ held: [String: Exposure.Held], host: String?) -> (before: [String], after: [String]) {
        let gates = held.sorted { $0.key < $1.key }.map { id, held in
            let parts = id.split(separator: "/", maxSplits: 1).map(String.init)
            return heldGate(namespace: parts[0], ingress: parts.count > 1 ? parts[1] : "", host: host, held: held)
        }
        return (gates.flatMap(\.before), gates.flatMap(\.after))
    }

    static let trafficNotes = [
        "# a name served by on-premises DNS (BIND, Active Directory, Infoblox) rather than Route 53: make the same shifts there (the record keeps its type: A beside A, CNAME beside CNAME), or one record change after the TTL has expired",
    ]

    /// The one switch of a name several workloads share: an Ingress host (checked by `NetworkPlan.isIngressHost`), or nil:
    /// the `$DNS_NAME` of a LoadBalancer Service or hostless Ingress. Ingresses of one namespace and scheme share an ALB on
    /// EKS (`NetworkPlan.groupName`: one IngressGroup); where a host spans Ingresses that did not end up on one ALB, the
    /// name can point at only one of them, so the step stops.
    /// `gates`: checks that need `$EKS_LB` and must pass before any weight moves (`heldGate`).
    static func sharedSwitch(host: String?, record: String, frontends: [(kind: String, namespace: String, name: String)], notes: [String] = [],
                             gates: (before: [String], after: [String]) = ([], [])) -> (commands: [String], rollback: [String]) {
        var commands = notes + gates.before + ttlExpired(host: host, record: record) + liveGate(host: host, record: record, frontends: frontends)
        if let first = frontends.first { commands.append(frontendAddress(first)) }
        for other in frontends.dropFirst() {
            commands.append("test \"$(" + address(other) + ")\" = \"$EKS_LB\" || { echo "
                            + ShellQuote.word("Ingress \(other.namespace)/\(other.name) is on another ALB: put them in one IngressGroup (alb.ingress.kubernetes.io/group.name) first")
                            + " >&2; false; }")
        }
        commands.append(switchReady(record: record))
        let weighted = weightedSwitch(record: record, address: frontends.first.map { "$(" + address($0) + ")" } ?? "$EKS_LB")
        let targetHealth = frontends.filter { $0.kind == "ingress" }.map { TargetHealthGate.command(namespace: $0.namespace, ingress: $0.name) }
        return (commands + gates.after + targetHealth + weighted.commands + trafficNotes, weighted.rollback)
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
        for port in ports { commands.append(everyNodeAnswers(port: String(port), from: "from where its clients run")) }
        if ports.isEmpty {
            commands.append("test -n \"$EKS_NODE_IPS\" || { echo 'no EKS node address found' >&2; false; }  # it declares no containerPort: take the port it listens on from its args or image, and check every EKS node answers on it")
        }
        commands += [
            "# its clients address the nodes, not a DNS name: add $EKS_NODE_IPS (or the node groups' EC2 discovery, ec2_sd_configs) to the scrape jobs or node lists that reach it; a Prometheus on EKS finds it with kubernetes_sd_configs role node or endpoints",
            "# once the EKS nodes' targets are up, drop the source nodes from those lists",
        ]
        return (commands, ["# put the source nodes back in its clients' target lists, then drop $EKS_NODE_IPS from them: its source copy still runs"])
    }

    /// Fails unless every EKS node answers on `port` (a number from the manifest, or a variable this file sets: safe inside double quotes).
    /// A loop's status is its last pass's, and `|| echo` succeeds: one node that does not answer fails the line, and so does
    /// an empty node list, which would run the loop zero times.
    static func everyNodeAnswers(port: String, from: String) -> String {
        everyAddressAnswers(variable: "EKS_NODE_IPS", port: port, what: "EKS node address", from: from)
    }

    /// The same over the addresses in `$variable` (a shell variable name of this file's, never a manifest value).
    static func everyAddressAnswers(variable: String, port: String, what: String, from: String) -> String {
        "test -n \"$\(variable)\" || { echo 'no \(what) found' >&2; false; }; "
            + "down=0; for ip in $\(variable); do nc -z -w 3 \"$ip\" \"\(port)\" || { echo \"$ip:\(port) does not answer\" >&2; down=1; }; done; test \"$down\" = 0  # \(from)"
    }

    static let nodeAddresses = "EKS_NODE_IPS=$(kubectl --context \"$EKS_CONTEXT\" get nodes -o jsonpath='{range .items[*]}{.status.addresses[?(@.type==\"InternalIP\")].address}{\"\\n\"}{end}')"

    /// The switch's two steps as shell functions, defined by its first line and called once per share: `eksodus_dns_weights
    /// FILE SHARE ACTION LB [FROM]` sends the weighted pair at SHARE percent to EKS, built from the record file, pointing at the
    /// load balancer LB (`CREATE`: the plain record becomes the pair, in one batch; `UPSERT`: the weights move), and waits
    /// until it is in sync; `eksodus_dns_check FILE SHARE LB` reads the pair back. The text is the same in every switch, and
    /// everything a name needs is an argument, read at the call from the EKS Ingress or Service (an A record's alias zone is
    /// looked up from LB inside the step): nothing comes from a variable another name's lines may have set, so a shell that
    /// moves several names at once, or one name's shifts hours apart, never points one name at another's load balancer.
    /// FROM, the share the pair must hold now, makes each shift check its starting point first: pasted as a block, a shift
    /// after a failed read-back stops instead of moving on. (Each shift had carried its own copy of both `jq` programs: 14 KB
    /// per switch, two thirds of the plan's commands on a large estate.) The share and the action reach `jq` as a JSON number
    /// and a string it checks, never as program text.
    ///
    /// The read-back: once a change is in sync, the `eks` record's value (the alias's DNSName or the CNAME's value, in any case,
    /// with or without the final dot) must be LB, and the weights SHARE and the rest: `change-resource-record-sets` succeeding
    /// proves only that Route 53 took a batch, not which load balancer clients now reach.
    static let switchSteps: String = {
        let changes = "{Changes: ((if $action == \"CREATE\" then [{Action: \"DELETE\", ResourceRecordSet: (.[0] | low)}] elif $action == \"UPSERT\" then [] else error(\"no such action\") end)"
            + " + [{Action: $action, ResourceRecordSet: rec(\"source\"; 100 - $share)}, {Action: $action, ResourceRecordSet: rec(\"eks\"; $share)}])}"
        let zone = zoneOf("\"$4\"")
        let weights = "eksodus_dns_weights() { local batch change zone=; test -n \"${4:-}\" || { echo \"$1: no EKS load balancer name: stop\" >&2; return 1; }; "
            + "if [ -n \"${5:-}\" ]; then eksodus_dns_check \"$1\" \"$5\" \"$4\" || return 1; fi; "
            + "if [ \"$(jq -r '.[0].Type' \"$1\")\" != CNAME ]; then zone=$(aws elbv2 describe-load-balancers --output json | \(zone)); "
            + "if [ -z \"$zone\" ]; then echo \"$1: no load balancer named $4, so no hosted zone for the alias: stop\" >&2; return 1; fi; fi; "
            + "batch=$(jq -c --arg eks \"$4\" --arg zone \"$zone\" --argjson share \"$2\" --arg action \"$3\" "
            + ShellQuote.word(weightedRecord + changes) + " \"$1\") && change=$(aws route53 change-resource-record-sets --hosted-zone-id \"$HOSTED_ZONE_ID\" --change-batch \"$batch\""
            + " --query ChangeInfo.Id --output text) && test -n \"$change\" && aws route53 wait resource-record-sets-changed --id \"$change\"; }"
        // `-n` and `input`: with no input at all (Route 53 unreachable), `jq -e` would pass.
        let program = normDef + "input | $rec[0][0] as $r | [.ResourceRecordSets[] | select((.Name | norm) == ($r.Name | norm) and .Type == $r.Type)] as $sets"
            + " | [$sets[] | select(.SetIdentifier == \"eks\")] as $eks | [$sets[] | select(.SetIdentifier == \"source\")] as $source"
            + " | ($lb | length) > 0 and ($eks | length) == 1 and ($source | length) == 1 and $eks[0].Weight == $share and $source[0].Weight == 100 - $share"
            + " and (($eks[0].AliasTarget.DNSName // $eks[0].ResourceRecords[0].Value // \"\") | norm) == ($lb | norm)"
        let check = "eksodus_dns_check() { aws route53 list-resource-record-sets --hosted-zone-id \"$HOSTED_ZONE_ID\" --start-record-name \"$(jq -r '.[0].Name' \"$1\")\" --start-record-type \"$(jq -r '.[0].Type' \"$1\")\" --max-items 10 --output json"
            + " | jq -en --slurpfile rec \"$1\" --arg lb \"$3\" --argjson share \"$2\" " + ShellQuote.word(program) + " >/dev/null"
            + " || { echo \"$1: Route 53 does not hold the weighted pair at $2% to EKS pointing at the EKS load balancer: stop, and roll back\" >&2; false; }; }"
        // No apostrophe in the comment: zsh without interactivecomments would read it as an open quote.
        return weights + "; " + check + "  # bash: the steps of this switch, called below once per share (the same in every switch)"
    }()

    /// One call of `switchSteps`' shift, pointing at `address` (a shell expression for the EKS load balancer's name, built
    /// from quoted words: safe inside double quotes); `from`: the share the pair must hold before it moves.
    static func shiftStep(_ share: Int, record: String, address: String, from: Int? = nil) -> String {
        "eksodus_dns_weights " + ShellQuote.word(record) + " \(share) " + (from == nil ? "CREATE" : "UPSERT") + " \"" + address + "\"" + (from.map { " \($0)" } ?? "")
    }

    /// One call of `switchSteps`' read-back, against `address`.
    static func readBack(record: String, share: Int, address: String) -> String {
        "eksodus_dns_check " + ShellQuote.word(record) + " \(share) \"" + address + "\""
    }

    /// A rollback change built from what Route 53 holds now for the record's name and type (the weighted pair, exactly as
    /// stored), not from the switch's shell: a rollback is often run in a shell of its own, and the EKS side may be what is
    /// broken. `program` sees the live `$sets` (the `source` and `eks` records, source first) and the record file's `$r`;
    /// anything but exactly that pair stops it before any change.
    static func liveChange(_ program: String, record: String) -> String {
        let file = ShellQuote.word(record)
        let pair = lowDef + normDef + "$rec[0][0] as $r | [$live.ResourceRecordSets[] | select((.Name | norm) == ($r.Name | norm) and .Type == $r.Type"
            + " and (.SetIdentifier == \"source\" or .SetIdentifier == \"eks\"))] | sort_by(.SetIdentifier != \"source\") as $sets"
            + " | if ([$sets[].SetIdentifier] | sort) != [\"eks\", \"source\"] then error(\"Route 53 holds no source/eks weighted pair for the name: nothing to roll back, or it was changed by hand\") else " + program + " end"
        return "live=$(aws route53 list-resource-record-sets --hosted-zone-id \"$HOSTED_ZONE_ID\" --start-record-name \"$(jq -r '.[0].Name' \(file))\" --start-record-type \"$(jq -r '.[0].Type' \(file))\" --max-items 10 --output json)"
            + " && batch=$(jq -cn --argjson live \"$live\" --slurpfile rec \(file) " + ShellQuote.word(pair) + ") && change=$(aws route53 change-resource-record-sets --hosted-zone-id \"$HOSTED_ZONE_ID\" --change-batch \"$batch\""
            + " --query ChangeInfo.Id --output text) && test -n \"$change\" && aws route53 wait resource-record-sets-changed --id \"$change\""
    }

    /// The weighted pair replacing the plain record, then the shifts towards EKS, each read back against `address` (a shell
    /// expression for the EKS load balancer's name); rollback is the weights back to the source, from the live pair.
    static func weightedSwitch(record: String, address: String) -> (commands: [String], rollback: [String]) {
        var commands = [switchSteps, shiftStep(0, record: record, address: address), readBack(record: record, share: 0, address: address)]
        var previous = 0
        for share in shares {
            commands.append(shiftStep(share, record: record, address: address, from: previous) + "  "
                            + ShellQuote.comment("\(share)% to EKS" + (share < 100 ? ": watch errors and latency for a while before the next shift" : "")))
            commands.append(readBack(record: record, share: share, address: address))
            previous = share
        }
        // Weighted records leave no room for the plain one (the TTL step's rollback): once the weights are back, the pair
        // goes exactly as Route 53 holds it and the plain record returns, at the low TTL, in one batch.
        let weightsBack = "{Changes: [$sets[] | {Action: \"UPSERT\", ResourceRecordSet: (.Weight = (if .SetIdentifier == \"source\" then 100 else 0 end))}]}"
        let plain = "{Changes: ([$sets[] | {Action: \"DELETE\", ResourceRecordSet: .}] + [{Action: \"CREATE\", ResourceRecordSet: ($r | low)}])}"
        return (commands, [liveChange(weightsBack, record: record) + "  # every weight back to the source, as Route 53 holds the pair",
                           liveChange(plain, record: record) + "  # once the source serves everything again: the plain record back in place of the pair"])
    }

    /// A workload's own switch: the `$DNS_NAME` of its LoadBalancer Services and hostless Ingresses, its NodePorts (to an
    /// NLB each) and hostPorts behind the load balancer in front of the nodes. Its Ingress hosts, and frontends it shares, switch in `sharedSwitch`.
    static func switchCommands(_ exposure: Exposure, record: String) -> (commands: [String], rollback: [String]) {
        var commands: [String] = [], rollback: [String] = []
        // An Ingress becomes an ALB with the hosts clients use; a LoadBalancer Service an NLB.
        if exposure.switchesDNS {
            let held = exposure.ownFrontends.filter { $0.kind == "ingress" }.reduce(into: [String: Exposure.Held]()) { held, frontend in
                held[frontend.namespace + "/" + frontend.name] = exposure.held[frontend.namespace + "/" + frontend.name]
            }
            let gates = heldGates(held, host: nil)
            commands += unusableHosts(exposure) + gates.before + ttlExpired(host: nil, record: record)
                + liveGate(host: nil, record: record, frontends: exposure.ownFrontends)
            let frontend = exposure.ownFrontends.first(where: { $0.kind == "ingress" }) ?? exposure.ownFrontends.first
            if let frontend {
                commands.append(frontendAddress(frontend))
            } else {
                commands.append("# an ExternalName alias: set EKS_LB to the name that reaches the EKS copy")
            }
            commands.append(switchReady(record: record))
            commands += gates.after
            commands += exposure.ownFrontends.filter { $0.kind == "ingress" }.map { TargetHealthGate.command(namespace: $0.namespace, ingress: $0.name) }
            let weighted = weightedSwitch(record: record, address: frontend.map { "$(" + address($0) + ")" } ?? "$EKS_LB")
            commands += weighted.commands + trafficNotes
            rollback += weighted.rollback
        }
        // A hostPort (not a Service) is reached on the nodes themselves: the load balancer in front of the source nodes
        // takes the EKS nodes' addresses on the same port. Targets outside the target group's VPC are registered with
        // AvailabilityZone=all (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-register-targets.html).
        // `port` is a hostPort number (an Int from the manifest): safe inside double quotes.
        // The EKS nodes' security group admits nothing from outside the cluster by default: the load balancer's addresses
        // (`$SOURCE_LB_CIDR`) need the port. A NodePort Service moves to an NLB instead (`NodePortSwitch`).
        func pool(port: String) {
            let rule = "--group-id \"$NODE_SECURITY_GROUP\" --protocol tcp --port \"\(port)\" --cidr \"$SOURCE_LB_CIDR\""
            commands.append("# NODE_SECURITY_GROUP: the EKS nodes' security group (eksctl's managed nodes: aws eks describe-cluster --name \"$EKS_CLUSTER\" --query cluster.resourcesVpcConfig.clusterSecurityGroupId); SOURCE_LB_CIDR: the addresses of the load balancer in front of the source nodes")
            // `test && aws` would not stop a script under `set -e` when a test fails: only a list's last command does.
            commands.append("if test -n \"${NODE_SECURITY_GROUP:-}\" && test -n \"${SOURCE_LB_CIDR:-}\"; then aws ec2 authorize-security-group-ingress \(rule);"
                            + " else echo 'set NODE_SECURITY_GROUP and SOURCE_LB_CIDR' >&2; false; fi  # the load balancer may reach port \(port) of every EKS node")
            commands.append(everyNodeAnswers(port: port, from: "run it where the load balancer sits (on premises: over the plan's VPN or Direct Connect)"))
            commands.append("# add $EKS_NODE_IPS on port \(port) to the pool of the load balancer in front of the source nodes; once their health checks pass, drain and remove the source nodes from it")
            commands.append("# when that load balancer is an AWS IP target group: for ip in $EKS_NODE_IPS; do aws elbv2 register-targets --target-group-arn \"$TARGET_GROUP_ARN\" --targets Id=\"$ip\",Port=\"\(port)\"; done")
            rollback.append("# put the source nodes back in the load balancer's pool on port \(port), then remove $EKS_NODE_IPS from it")
            rollback.append("aws ec2 revoke-security-group-ingress \(rule)  # once nothing sends to the EKS nodes' port \(port) any more")
        }
        for service in exposure.nodePortServices {
            let nlb = NodePortSwitch.commands(service)
            commands += nlb.commands
            rollback += nlb.rollback
        }
        if !exposure.nodePorts.isEmpty { commands.append(nodeAddresses) }
        for port in exposure.nodePorts { pool(port: String(port)) }
        return (commands, rollback)
    }
}
