/// Route 53 and load balancer commands for a traffic switch. The record clients resolve now is read from Route 53 into a
/// file days ahead (`DNSLowering`), and every change batch is built from that file by `jq`, so the switch keeps the record's
/// own type and values: host names and load balancer names reach the batch as `jq --arg` strings, never spliced into JSON.
///
/// The switch is gradual and reversible: the plain record becomes a weighted pair (set identifiers `source` and `eks`, in one
/// change batch, which Route 53 applies as a whole), then the weight moves in steps, held between them; rollback puts the
/// weights back. Its gates and changes are runbook library functions (`TrafficSwitch`, `TargetHealthGate`, `DNSLowering`):
/// a switch step is their calls with its names as quoted words, each safe to run again from the step's top.
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
    /// A workload with data of its own moves in one shift: by its switch the source copy is frozen (writes stopped, or
    /// read-only) or promoted away, and only one side may take writes, so a share left on the source fails or forks the
    /// data (its writes land on a volume nothing copies again). Weighted steps are for copies that share their data.
    static let oneStepShares = [100]
    static let oneStepNote = "# one shift, 0 then 100% to EKS: its data lives on one side at a time (the source copy is frozen or promoted away by now), so no share stays on the source"

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

    /// The record set of a listing (`jq` records `core`) without what the lowering changes (the TTL) and in one order, so
    /// that the record saved before the lowering and the one Route 53 holds after it compare equal.
    static let coreDef = "def core: map(del(.TTL) | if .ResourceRecords then .ResourceRecords |= sort_by(.Value) else . end) | sort_by(.Type); "

    /// A DNS name of a load balancer as the Ingress status and the alias record give it: `norm`, and without the
    /// `dualstack.` prefix Route 53 aliases to an ELB carry (Route 53 API Reference, AliasTarget.DNSName:
    /// https://docs.aws.amazon.com/Route53/latest/APIReference/API_AliasTarget.html).
    static let pointsAt = normDef + "def lb: norm | ltrimstr(\"dualstack.\"); ($src | split(\"\\n\") | map(select(length > 0) | lb)) as $s"
        + " | input | map(select(.SetIdentifier == null or .SetIdentifier == \"source\")) as $r | ($s | length) > 0 and ($r | length) == 1"
        + " and ($r[0] | [(.AliasTarget.DNSName // empty), (.ResourceRecords // [] | .[].Value)] | map(lb) | length > 0 and all(.[]; . as $v | any($s[]; . == $v)))"

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

    /// The switch's own gates (`TrafficSwitch`): one old TTL has passed since the lowering, and the name's own record (the
    /// plain one, or the pair once it exists: a re-run) now carries the low TTL where it is served. Both files are this
    /// name's (`record`, and the `.ttl-lowered-at` file beside it), written by its lowering days ago. The operator's resolver may hold a cached
    /// answer, and a private hosted zone answers only inside its VPCs: a public zone is asked at its own name servers (dig
    /// @NS), a private one through the Route 53 API, which sees it (TestDNSAnswer "only supports querying public hosted
    /// zones": https://docs.aws.amazon.com/Route53/latest/APIReference/API_TestDNSAnswer.html).
    static func ttlExpired(host: String?, record: String) -> [String] {
        ["eksodus_dns_ttl_passed " + ShellQuote.word(record), "eksodus_dns_low_ttl " + argument(host) + " " + ShellQuote.word(record)]
    }

    /// At the switch, as at the lowering: the record Route 53 holds now (the plain one, or the pair's `source` record on a
    /// re-run) still points at the source's own load balancer (`DNSLowering`'s library functions).
    static func liveGate(host: String?, record: String, frontends: [(kind: String, namespace: String, name: String)]) -> [String] {
        let live = ShellQuote.word(liveRecord(record: record)), name = argument(host)
        guard !frontends.isEmpty else {
            return ["eksodus_dns_live " + name + " " + live, "# decision: no source Ingress or Service to compare the record with: check by hand that \(liveRecord(record: record)) points at the source cluster before you go on"]
        }
        let what = frontends.map { ($0.kind == "service" ? "Service " : "Ingress ") + "\($0.namespace)/\($0.name)" }.joined(separator: ", ")
        let pairs = frontends.map { ShellQuote.word($0.namespace) + " " + ShellQuote.word("\($0.kind)/\($0.name)") }.joined(separator: " ")
        return ["eksodus_dns_still_source " + name + " " + ShellQuote.word(record) + " " + ShellQuote.word(what) + " " + pairs]
    }

    /// Before the gates that probe `$EKS_LB` (`heldGate`): its name is there.
    static let lbKnown = "test -n \"${EKS_LB:-}\" || { echo 'no EKS load balancer name yet' >&2; false; }"

    static func frontendAddress(_ frontend: (kind: String, namespace: String, name: String)) -> String {
        "EKS_LB=$(" + address(frontend) + ")"
    }

    /// The DNS name of the ALB or NLB the AWS Load Balancer Controller made for an Ingress or Service on EKS.
    static func address(_ frontend: (kind: String, namespace: String, name: String)) -> String {
        Kubectl.eks(frontend.namespace)("get " + ShellQuote.word("\(frontend.kind)/\(frontend.name)")
            + " -o jsonpath='{.status.loadBalancer.ingress[0].hostname}'")
    }

    /// The gate of a name behind an Ingress `convert` held out (`IngressHold`): the decided Ingress is on EKS, and, where the
    /// source enforced a login, its load balancer refuses a request without credentials for the host (`host` nil:
    /// `$DNS_NAME`), at the rule's literal path: 401 (basic auth, an application's login), or the ALB's redirect to an
    /// identity provider on another host (OIDC, Cognito); with `eksodus.io/login-decided: application` also 403 or a
    /// redirect to another path (`loginProbe`). ALB authentication runs on HTTPS listeners only ("Authenticate
    /// users using an Application Load Balancer": https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html),
    /// and the controller's `ssl-redirect` makes every HTTP listener redirect to HTTPS
    /// (https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/tasks/ssl_redirect/): so plain HTTP must
    /// answer with a redirect to `https://` on the same host, and the login is probed over HTTPS, as the host (SNI and
    /// certificate), sent to the EKS load balancer before DNS points there (`curl --connect-to`, which takes a host name where
    /// `--resolve` takes only addresses). No `-k`: the certificate must be valid for the host; a private CA's root goes in
    /// `$CA_BUNDLE`. `before` runs first (the decided Ingress is applied), `after` once `EKS_LB` is known; a failed curl prints
    /// `000` and fails too.
    /// What the HTTPS probe without credentials accepts (awk, on `code redirect_url`): 401, or a 302/303/307 to another
    /// host (never one without a Location) (the ALB's OIDC or Cognito redirect); and where the operator decided the application does its own login
    /// (`app`: the Ingress's `eksodus.io/login-decided`), 403 or any redirect whose path is not the one asked for (`want`):
    /// Grafana and most web applications send a request without a session to their own `/login`.
    static let loginProbe = #"function lpath(u) { sub(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\/]*/, "", u); sub(/[?#].*$/, "", u); return u == "" ? "/" : u }"#
        + #" $1 == 401 || ($1 ~ /^30[237]$/ && $2 != "" && index(tolower($2), "://" tolower(host)) == 0)"#
        + #" || (app == "application" && ($1 == 403 || ($1 ~ /^30[12378]$/ && $2 != "" && lpath($2) != want))) { ok = 1 } END { exit !ok }"#

    /// The awk program of the HTTP probe: a 301/302/307/308 to `https://` on the same host.
    static let httpsRedirect = #"$1 ~ /^30[1278]$/ && (index(tolower($2), "https://" tolower(host) "/") == 1 || index(tolower($2), "https://" tolower(host) ":443/") == 1) { ok = 1 } END { exit !ok }"#

    /// The gate's lines: the reasons, the decided Ingress applied, and, where a login was held, the library's probes
    /// (`eksodus_held_redirect`, `eksodus_held_login`), each with the Ingress's names, the host and the literal path.
    static func heldGate(namespace: String, ingress: String, host: String?, held: Exposure.Held) -> (before: [String], after: [String]) {
        let words = [ShellQuote.word(namespace), ShellQuote.word(ingress), argument(host), ShellQuote.word(held.probePath)].joined(separator: " ")
        return (held.reasons.map { ShellQuote.comment("Ingress \(namespace)/\(ingress) was held out by convert (CHANGES.md TODO): \($0)") }
            + [Kubectl.eks(namespace)("get " + ShellQuote.word("ingress/" + ingress) + " -o name")
                + " || { echo " + ShellQuote.word("apply the decided Ingress \(namespace)/\(ingress) first: convert held it out") + " >&2; false; }"],
            !held.auth ? [] : ["eksodus_held_redirect " + words, "eksodus_held_login " + words + "  # an internal ALB: run it from inside the VPC or over the VPN"])
    }

    /// The held-out Ingresses' gates of a switch, each part in `namespace/name` order.
    static func heldGates(_ held: [String: Exposure.Held], host: String?) -> (before: [String], after: [String]) {
        let gates = held.sorted { $0.key < $1.key }.map { id, held in
            let parts = id.split(separator: "/", maxSplits: 1).map(String.init)
            return heldGate(namespace: parts[0], ingress: parts.count > 1 ? parts[1] : "", host: host, held: held)
        }
        return (gates.flatMap(\.before), gates.flatMap(\.after))
    }

    /// Said once per switch; the long form is `eksodus_dns_shift`'s comment in the library.
    static let trafficNotes = ["# a name on other DNS than Route 53 (BIND, Infoblox): the same shifts there"]

    /// The one switch of a name several workloads share: an Ingress host (checked by `NetworkPlan.isIngressHost`), or nil:
    /// the `$DNS_NAME` of a LoadBalancer Service or hostless Ingress. Ingresses of one namespace and scheme share an ALB on
    /// EKS (`NetworkPlan.groupName`: one IngressGroup); where a host spans Ingresses that did not end up on one ALB, the
    /// name can point at only one of them, so the step stops.
    /// `gates`: checks that need `$EKS_LB` and must pass before any weight moves (`heldGate`).
    static func sharedSwitch(host: String?, record: String, frontends: [(kind: String, namespace: String, name: String)], notes: [String] = [],
                             gates: (before: [String], after: [String]) = ([], [])) -> (commands: [String], rollback: [String]) {
        var commands = notes + gates.before + ttlExpired(host: host, record: record) + liveGate(host: host, record: record, frontends: frontends)
        if let first = frontends.first, !gates.after.isEmpty || frontends.count > 1 { commands.append(frontendAddress(first)) }
        for other in frontends.dropFirst() {
            commands.append("test \"$(" + address(other) + ")\" = \"$EKS_LB\" || { echo "
                            + ShellQuote.word("Ingress \(other.namespace)/\(other.name) is on another ALB: put them in one IngressGroup (alb.ingress.kubernetes.io/group.name) first")
                            + " >&2; false; }")
        }
        if !gates.after.isEmpty { commands.append(lbKnown) }
        let weighted = weightedSwitch(record: record, frontend: frontends.first, ingresses: frontends.filter { $0.kind == "ingress" })
        return (commands + gates.after + weighted.commands + trafficNotes, weighted.rollback)
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
        return (commands, ["# put the source nodes back in its clients' target lists, then drop the EKS nodes' addresses (kubectl get nodes -o wide) from them: its source copy still runs"])
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

    /// What to watch while a share holds, said once per switch (the hold itself is `TrafficSwitch`'s), with the check
    /// that reads it (`eksodus_alb_5xx`, HTTPCode_Target_5XX_Count of the namespace's target groups) for `namespace`.
    static func holdNote(_ namespace: String?) -> String {
        "# each share holds HOLD_SECONDS (default \(TrafficSwitch.defaultHold)): when the next says how long is left, run the step again then; meanwhile watch the EKS target groups"
            + (namespace.map { ": eksodus_alb_5xx " + ShellQuote.word($0) } ?? "")
    }

    /// The weighted pair replacing the plain record, then the shifts towards EKS (`TrafficSwitch`'s `eksodus_dns_shift`,
    /// each safe to run again), pointing at the load balancer of `frontend` (nil: `$EKS_LB`, read by the call) and gated
    /// on the target health of `ingresses`; rollback is `eksodus_dns_switch_back`: the weights back to the source, from the
    /// live pair, then the plain record. Each call reads the load balancer itself: nothing comes from a variable another name's lines may have set,
    /// so a shell that moves several names at once never points one name at another's load balancer.
    ///
    /// `shares`: `shares` in steps, or `[100]` for a workload that keeps data of its own (`oneStepShares`).
    static func weightedSwitch(record: String, frontend: (kind: String, namespace: String, name: String)?,
                               ingresses: [(kind: String, namespace: String, name: String)], shares: [Int] = shares) -> (commands: [String], rollback: [String]) {
        let file = ShellQuote.word(record)
        let lb = frontend.map { ShellQuote.word($0.namespace) + " " + ShellQuote.word("\($0.kind)/\($0.name)") } ?? "'' ''"
        // The load balancer's own Ingress is checked by the call; the others are named after it.
        let health = ingresses.filter { other in frontend.map { !($0 == other) } ?? true }.map { " " + ShellQuote.word($0.namespace) + " " + ShellQuote.word($0.name) }.joined()
        let commands = (shares.count > 1 ? [holdNote(ingresses.first?.namespace)] : [oneStepNote]) + ([0] + shares).map { "eksodus_dns_shift \(file) \($0) \(lb)\(health)" }
        return (commands, ["eksodus_dns_switch_back \(file)"])
    }

    /// A workload's own switch: the `$DNS_NAME` of its LoadBalancer Services and hostless Ingresses, its NodePorts (to an
    /// NLB each) and hostPorts behind the load balancer in front of the nodes. Its Ingress hosts, and frontends it shares, switch in `sharedSwitch`.
    /// `owner`: the workload, whose name describes a hostPort's security group rule.
    /// `oneStep`: the workload keeps data of its own (`oneStepShares`).
    static func switchCommands(_ exposure: Exposure, record: String, owner: (namespace: String, name: String), oneStep: Bool = false) -> (commands: [String], rollback: [String]) {
        var commands: [String] = [], rollback: [String] = []
        // An Ingress becomes an ALB with the hosts clients use; a LoadBalancer Service an NLB.
        if exposure.switchesDNS {
            let held = exposure.ownFrontends.filter { $0.kind == "ingress" }.reduce(into: [String: Exposure.Held]()) { held, frontend in
                held[frontend.namespace + "/" + frontend.name] = exposure.held[frontend.namespace + "/" + frontend.name]
            }
            let gates = HeldIngressChecks.gates(held, host: nil)  // a hostless held Ingress is read on EKS like a host's
            commands += unusableHosts(exposure) + gates.before + ttlExpired(host: nil, record: record)
                + liveGate(host: nil, record: record, frontends: exposure.ownFrontends)
            let frontend = exposure.ownFrontends.first(where: { $0.kind == "ingress" }) ?? exposure.ownFrontends.first
            if let frontend {
                if !gates.after.isEmpty { commands.append(frontendAddress(frontend)) }
            } else {
                commands.append("# an ExternalName alias: set EKS_LB to the name that reaches the EKS copy")
            }
            if !gates.after.isEmpty { commands.append(lbKnown) }
            commands += gates.after
            let weighted = weightedSwitch(record: record, frontend: frontend, ingresses: exposure.ownFrontends.filter { $0.kind == "ingress" },
                                          shares: oneStep ? oneStepShares : shares)
            commands += weighted.commands + trafficNotes
            rollback += weighted.rollback
        }
        // A hostPort (not a Service) is reached on the nodes themselves: the load balancer in front of the source nodes
        // takes the EKS nodes' addresses on the same port, which their security group must admit from it
        // (`eksodus_hostport_pool`: a rule described as eksodus's, so a re-run passes and the rollback revokes only it).
        // A NodePort Service moves to an NLB instead (`NodePortSwitch`).
        let description = ShellQuote.word(NodePortSwitch.ruleDescription(namespace: owner.namespace, name: owner.name, of: "hostport"))
        for port in exposure.nodePorts {
            commands.append("eksodus_hostport_pool " + ShellQuote.word(port) + " " + description + "  # NODE_SECURITY_GROUP: the EKS nodes' security group")
            rollback.append("# put the source nodes back in the load balancer's pool on port \(port), then remove the EKS nodes from it")
            rollback.append("eksodus_hostport_pool_back " + ShellQuote.word(port) + " " + description)
        }
        for service in exposure.nodePortServices {
            let nlb = NodePortSwitch.commands(service)
            commands += nlb.commands
            rollback += nlb.rollback
        }
        return (commands, rollback)
    }
}
