/// One host split by path across namespaces (`/api` in namespace api, `/` in web) that one source ingress controller
/// served: on EKS its Ingresses join one ALB IngressGroup (the same `alb.ingress.kubernetes.io/group.name` on each, and
/// `group.order`, smaller first, so the more specific paths are matched before `/`), one ALB serves the host and it gets one
/// switch. AWS Load Balancer Controller, "IngressGroup":
/// https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#ingressgroup
/// (a group name is lowercase alphanumerics, `-` or `.`, at most 63 characters; scheme, inbound-cidrs and ssl-policy are
/// Exclusive: one value across the group, or the whole group stops reconciling).
///
/// "Same source controller" is what the import knows: the Ingresses' class (ingressClassName or kubernetes.io/ingress.class)
/// and their `status.loadBalancer` addresses, identical and not empty. Anything else (another class, another load balancer,
/// either unknown) keeps the switch's failing decision: a tenant's Ingress listing the company's name must not join it.
enum SharedHostGroups {
    /// The IngressGroup security caveat, for the plan's manual work and the switch's evidence.
    static let caveat = "IngressGroup caveat: any Ingress that names this group.name joins the ALB and can add rules that outrank these"
        + " (AWS Load Balancer Controller, IngressGroup security risk): restrict who may join with the IngressClass's IngressClassParams"
        + " (spec.group, spec.namespaceSelector) or admission policy on the annotation"

    /// The class and addresses of the source load balancer an Ingress is served by; nil when either is unknown.
    static func sourceBalancer(_ ingress: Estate.Ingress) -> String? {
        guard let className = ingress.className, !className.isEmpty else { return nil }
        let addresses = (ingress.resource.body["status", "loadBalancer", "ingress"]?.items ?? [])
            .compactMap { $0["ip"]?.string ?? $0["hostname"]?.string }.filter { !$0.isEmpty }
        guard !addresses.isEmpty else { return nil }
        return className + "|" + Set(addresses).sorted().joined(separator: ",")
    }

    /// Whether `name` is a group name as this plan writes them: lowercase alphanumerics and `-`, starting and ending with an
    /// alphanumeric, at most 63 characters.
    static func isValidGroupName(_ name: String) -> Bool {
        guard (1...63).contains(name.utf8.count), let first = name.unicodeScalars.first, let last = name.unicodeScalars.last else { return false }
        func alnum(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) }
        return alnum(first) && alnum(last) && name.unicodeScalars.allSatisfy { alnum($0) || $0 == "-" }
    }

    /// A deterministic group name for `members` (`namespace/name`, sorted): the cluster and first host, cleaned up, with a
    /// hash of everything that sets the group apart, so two groups never share one and a hostile name never reaches it as is.
    static func groupName(cluster: String, host: String, members: [String], exclusive: String) -> String {
        let suffix = "-" + ShortHash.hex(([cluster, host] + members + [exclusive]).joined(separator: "\u{0}"))
        var cleaned = ""
        for scalar in "\(cluster)-\(host)".lowercased().unicodeScalars {
            let keep = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
            if keep { cleaned.unicodeScalars.append(scalar) } else if !cleaned.isEmpty, cleaned.last != "-" { cleaned.append("-") }
        }
        var head = String(cleaned.prefix(63 - suffix.count))
        while head.last == "-" { head.removeLast() }
        return (head.isEmpty ? "shared" : head) + suffix
    }

    /// Moves the Ingresses of each host shared across namespaces into one group where one source load balancer served them
    /// all and their Exclusive annotations agree; says why in the entries' manual work otherwise. `entries`: the estate's
    /// Ingress entries, as `ingressEntry` planned them.
    static func assign(cluster: String, ingresses: [Estate.Ingress], entries: inout [NetworkPlan.Entry]) {
        let position = Dictionary(entries.indices.filter { entries[$0].kind == "Ingress" }.map { ("\(entries[$0].namespace)/\(entries[$0].name)", $0) },
                                  uniquingKeysWith: { first, _ in first })
        var byHost: [String: [String]] = [:]
        var ingressByID: [String: Estate.Ingress] = [:]
        for ingress in ingresses {
            let id = "\(ingress.resource.namespace)/\(ingress.resource.name)"
            ingressByID[id] = ingress
            for host in Set(ingress.rules.compactMap(\.host).filter(NetworkPlan.isIngressHost)) { byHost[host, default: []].append(id) }
        }
        // Ingresses linked by any host they share: one ALB must serve all of a host's rules.
        var parent: [String: String] = [:]
        func root(_ id: String) -> String { var id = id; while let up = parent[id], up != id { id = up }; return id }
        for ids in byHost.values where ids.count > 1 {
            for id in ids.dropFirst() { let (a, b) = (root(ids[0]), root(id)); if a != b { parent[max(a, b)] = min(a, b) } }
        }
        var components: [String: [String]] = [:]
        for ids in byHost.values where ids.count > 1 { for id in ids { components[root(id), default: []].append(id) } }
        for members in components.values.map({ Array(Set($0)).sorted() }) {
            guard Set(members.map { $0.split(separator: "/", maxSplits: 1)[0] }).count > 1,
                  members.allSatisfy({ position[$0] != nil && ingressByID[$0] != nil }) else { continue }
            let hosts = byHost.filter { !Set($0.value).isDisjoint(with: members) }.keys.sorted()
            let balancers = members.map { sourceBalancer(ingressByID[$0]!) }
            let exclusiveKeys = ["alb.ingress.kubernetes.io/scheme", "alb.ingress.kubernetes.io/inbound-cidrs", "alb.ingress.kubernetes.io/ssl-policy"]
            let exclusive = members.map { id in exclusiveKeys.map { entries[position[id]!].annotations[$0] ?? "" }.joined(separator: "|") }
            let claimants = members.joined(separator: ", ")
            guard let balancer = balancers.first ?? nil, balancers.allSatisfy({ $0 == balancer }) else {
                for id in members {
                    entries[position[id]!].manual.append("host \(hosts.joined(separator: ", ")) is listed by Ingresses of several namespaces (\(claimants)) not known to share one source ingress controller and load balancer (class and status.loadBalancer differ or are missing): decide which owns it; its switch stops until then")
                }
                continue
            }
            guard Set(exclusive).count == 1 else {
                for id in members {
                    entries[position[id]!].manual.append("host \(hosts.joined(separator: ", ")) is split across namespaces (\(claimants)) on one source controller, but their scheme, inbound-cidrs or ssl-policy differ, which one IngressGroup cannot hold (Exclusive annotations): make them agree; its switch stops until then")
                }
                continue
            }
            let group = groupName(cluster: cluster, host: hosts.first ?? "", members: members, exclusive: exclusive[0])
            // Most specific first: the member whose shortest path on these hosts is longest gets the smallest order.
            func shortest(_ id: String) -> Int {
                ingressByID[id]!.rules.filter { $0.host.map(hosts.contains) ?? false }.map { ($0.path ?? "/").count }.min() ?? 1
            }
            let ordered = members.sorted { (shortest($0), $1) > (shortest($1), $0) }
            for (index, id) in ordered.enumerated() {
                let at = position[id]!
                entries[at].group = group
                entries[at].annotations["alb.ingress.kubernetes.io/group.name"] = group
                entries[at].annotations["alb.ingress.kubernetes.io/group.order"] = String(min(index + 1, 1000))
                entries[at].manual.append("host \(hosts.joined(separator: ", ")) is split by path across namespaces (\(claimants)) on one source controller (\(ingressByID[id]!.className ?? "")): one ALB IngressGroup \(group), order \(min(index + 1, 1000)); \(caveat)")
            }
        }
    }
}
