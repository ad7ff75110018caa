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

    /// One class and status show one source controller served the Ingresses, not that their namespaces may share the host.
    static let ownership = "class and status.loadBalancer only show one source controller served them, not that these namespaces may share the host: confirm with the host's owner before the DNS TTL is lowered"

    /// The first (host, path) Ingresses of two namespaces both route, with every claimant (`namespace/name`); nil when none.
    static func contested(_ members: [String], routes: (String) -> [(host: String, path: String)]) -> (host: String, path: String, claimants: [String])? {
        var owners: [String: [String]] = [:]
        for id in members { for route in Set(routes(id).map { $0.host + "\u{0}" + $0.path }) { owners[route, default: []].append(id) } }
        for (route, ids) in owners.sorted(by: { $0.key < $1.key }) where Set(ids.map { $0.split(separator: "/", maxSplits: 1)[0] }).count > 1 {
            let parts = route.split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "/", ids.sorted())
        }
        return nil
    }

    /// A rule's path as a Prefix match reads it: none or empty is `/`, and a trailing `/` changes nothing (`/api/` is `/api`).
    static func normalized(_ path: String?) -> String {
        var path = path ?? "/"
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path.isEmpty ? "/" : path
    }

    /// Whether `path` lies strictly under `outer`, element by element as a Prefix path and the controller's `/x` + `/x/*`
    /// conditions match (`/api/v2` lies under `/api` and `/`; `/apiv2` does not lie under `/api`).
    static func lies(_ path: String, under outer: String) -> Bool {
        guard path != outer else { return false }
        if outer == "/" || outer.isEmpty { return true }
        let base = outer.hasSuffix("/") ? String(outer.dropLast()) : outer
        return path.hasPrefix(base + "/")
    }

    /// The members in group.order order: a member with a path that lies under another member's path on the same host comes
    /// before it (the AWS Load Balancer Controller sorts paths within one Ingress only: Exact, then Prefix longest first,
    /// "Ingress specification": https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/spec/;
    /// across a group, group.order decides, and ALB matches the first rule). Among the rest, the more specific (longest shortest path) first, then the oldest
    /// (creationTimestamp, as ingress-nginx prefers the oldest Ingress), never by name; `namespace/name` only breaks ties
    /// where no path of one lies under another's, so the order cannot change where a request goes. nil when the paths
    /// interleave (each of two members would have to come first).
    static func ordered(_ members: [String], routes: (String) -> [(host: String, path: String)], created: (String) -> String?) -> [String]? {
        var before: [String: Set<String>] = [:]  // id → the members that must come before it
        for a in members { for b in members where a != b {
            if routes(a).contains(where: { inner in routes(b).contains { $0.host == inner.host && lies(inner.path, under: $0.path) } }) { before[b, default: []].insert(a) }
        } }
        func shortest(_ id: String) -> Int { routes(id).map(\.path.count).min() ?? 1 }
        func precedes(_ a: String, _ b: String) -> Bool {
            if shortest(a) != shortest(b) { return shortest(a) > shortest(b) }
            switch (created(a), created(b)) {
            case let (x?, y?) where x != y: return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a < b
            }
        }
        var result: [String] = [], left = Set(members)
        while !left.isEmpty {
            guard let next = left.filter({ (before[$0] ?? []).isSubset(of: Set(result)) }).min(by: precedes) else { return nil }
            result.append(next)
            left.remove(next)
        }
        return result
    }

    /// The Ingress's creationTimestamp (RFC 3339 in UTC, which sorts as text), or nil.
    static func creationTimestamp(_ ingress: Estate.Ingress) -> String? {
        ingress.resource.body["metadata", "creationTimestamp"]?.string.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The class and addresses of the source load balancer an Ingress is served by; nil when either is unknown.
    static func sourceBalancer(_ ingress: Estate.Ingress) -> String? {
        guard let className = ingress.className, !className.isEmpty else { return nil }
        let addresses = (ingress.resource.body["status", "loadBalancer", "ingress"]?.items ?? [])
            .compactMap { $0["ip"]?.string ?? $0["hostname"]?.string }.filter { !$0.isEmpty }
        guard !addresses.isEmpty else { return nil }
        return className + "|" + Set(addresses).sorted().joined(separator: ",")
    }

    /// Whether `name` is a group name as this plan writes them: a DNS-1123 label.
    static func isValidGroupName(_ name: String) -> Bool { DNSLabel.isValid(name) }

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
                + SourceLoadBalancerAnnotations.groupWideKeys.filter { !$0.hasSuffix("*") }.map { SourceLoadBalancerAnnotations.ingressPrefix + $0 }
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
            // The routes each member claims on these hosts: an identical (host, path) from two namespaces is a contest the
            // source settled by age (ingress-nginx: the oldest Ingress wins), which ALB rule order must not settle by accident.
            func routes(_ id: String) -> [(host: String, path: String)] {
                ingressByID[id]!.rules.compactMap { rule in rule.host.flatMap { hosts.contains($0) ? ($0, Self.normalized(rule.path)) : nil } }
            }
            if let contest = Self.contested(members, routes: routes) {
                for id in members {
                    entries[position[id]!].manual.append("host \(contest.host.visibleLine) path \(contest.path.visibleLine) is claimed by Ingresses of several namespaces (\(contest.claimants.joined(separator: ", "))): one source controller showing for both is no proof of ownership; decide which owns that path and remove it from the others; its switch stops until then")
                }
                continue
            }
            guard let ordered = Self.ordered(members, routes: routes, created: { Self.creationTimestamp(ingressByID[$0]!) }) else {
                let paths = members.flatMap { id in routes(id).map { "\(id) \($0.host.visibleLine)\($0.path.visibleLine)" } }.joined(separator: ", ")
                for id in members {
                    entries[position[id]!].manual.append("host \(hosts.joined(separator: ", ")) is split across namespaces with interleaved paths (\(paths)): each member holds a path under another's and a path another's lies under, so no group.order makes every more specific path match first; move the paths so one Ingress holds each nested pair; its switch stops until then")
                }
                continue
            }
            let group = groupName(cluster: cluster, host: hosts.first ?? "", members: members, exclusive: exclusive[0])
            for (index, id) in ordered.enumerated() {
                let at = position[id]!
                entries[at].group = group
                entries[at].annotations["alb.ingress.kubernetes.io/group.name"] = group
                entries[at].annotations["alb.ingress.kubernetes.io/group.order"] = String(min(index + 1, 1000))
                entries[at].manual.append("host \(hosts.joined(separator: ", ")) is split by path across namespaces (\(claimants)) on one source controller (\(ingressByID[id]!.className ?? "")): one ALB IngressGroup \(group), order \(min(index + 1, 1000)); \(ownership); \(caveat)")
            }
        }
    }
}
