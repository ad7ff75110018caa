/// The stable handle of a checklist item: a phase, a step and what the step is about (the whole migration, a cluster, a wave
/// of a cluster, one workload). It renders to the strings stored databases hold (`deploy:prod/shop/checkout`,
/// `images:prod:wave-2`, `plan:cluster:prod`, `assess:run:prod`) — item states survive a re-plan by that string — and
/// parses them back.
///
/// Parsing relies on what the importer enforces: cluster names have no ':' or '/' (letters, digits, '-', '_', '.') and
/// namespaces are DNS labels. A workload's name may hold anything, so it is always the last part of the key.
public struct PlanItemKey: Hashable, Sendable, CustomStringConvertible {
    public enum Step: String, CaseIterable, Sendable {
        // Assessment
        case `import`, assess, review, replication, identity
        // Landing zone, clusters and platform
        case landingZone = "landing-zone", ecr, endpoint, cluster, endpointCheck = "endpoint-check", addons, storage, exposure, connectivity, certificates, secrets,
             observability, cicd, platform, disruption, helm, helmData = "helm-data", zones, access, backup, cronTimeZone = "cron-time-zone"
        case adminAccess = "admin-access"
        // A wave's and a cluster's cutover items
        case images, gate, apply, rehearsal, close, optimize, decommission, helmInstall = "helm-install"
        // One workload's steps
        case deploy, data, dataVerify = "data-verify", smoke, freeze, promote, traffic,
             dnsTTL = "dns-ttl", redirect, reconnect, verify, scaledown, retire, suspendSource = "suspend-source", enable, decide,
             definitions, credentials, release

        /// The steps whose items belong to one workload (`step:cluster/namespace/name`).
        public var isWorkloadStep: Bool {
            switch self {
            case .deploy, .data, .dataVerify, .smoke, .freeze, .promote, .traffic, .dnsTTL, .redirect, .reconnect, .verify,
                 .scaledown, .retire, .suspendSource, .enable, .decide, .definitions, .credentials, .release: return true
            default: return false
            }
        }
    }

    /// What right-sizing, autoscaling and Spot items of a cluster are about.
    public enum Optimization: String, CaseIterable, Sendable { case rightsize, autoscaling, spot }

    /// A workload as keys name it: `cluster/namespace/name`, the name prefixed with the lower-cased kind where two workloads
    /// of a namespace share a name (`prod/shop/statefulset-db`).
    public struct Workload: Hashable, Sendable, CustomStringConvertible {
        public var cluster: String
        public var namespace: String
        public var name: String

        public init(cluster: String, namespace: String, name: String) {
            self.cluster = cluster
            self.namespace = namespace
            self.name = name
        }

        public var description: String { "\(cluster)/\(namespace)/\(name)" }

        /// `namespace/name`: how `eksodus cutover` lets an engineer name it without the cluster.
        public var withinCluster: String { "\(namespace)/\(name)" }

        init?(parsing text: Substring) {
            guard let first = text.firstIndex(of: "/"), first != text.startIndex else { return nil }
            let rest = text[text.index(after: first)...]
            guard let second = rest.firstIndex(of: "/") else { return nil }
            let name = rest[rest.index(after: second)...]
            guard !name.isEmpty else { return nil }
            self.init(cluster: String(text[..<first]), namespace: String(rest[..<second]), name: String(name))
        }
    }

    public enum Scope: Hashable, Sendable {
        /// The whole migration (`plan:ecr`, `decommission:sources`).
        case migration
        case cluster(String)
        case wave(cluster: String, number: Int)
        /// Image items before they were per cluster (`images:wave-7`): only read, for carrying their state over.
        case legacyWave(Int)
        case optimization(cluster: String, Optimization)
        case workload(Workload)
        /// A Helm release of a cluster, named like a workload (`plan:helm:prod/shop/payments`, `helm-install:prod/shop/payments`).
        case release(Workload)
        /// A DNS name clients use, switched once for every workload behind it (`traffic:prod:shop.acme.example`). Only Ingress
        /// hosts that are DNS names (`NetworkPlan.isIngressHost`: no '/' or ':') get one, so it never reads as a workload.
        case host(cluster: String, name: String)
        /// A LoadBalancer Service or hostless Ingress in front of several workloads, switched once on the name clients use
        /// (`traffic:prod:service/shop/front`, `kind` `service` or `ingress`). The ':' after the cluster, which no cluster
        /// name holds, tells it from a workload's key.
        case frontend(cluster: String, kind: String, namespace: String, name: String)
    }

    public var phase: PlanItem.Phase
    public var step: Step
    public var scope: Scope

    public init(_ phase: PlanItem.Phase, _ step: Step, _ scope: Scope) {
        self.phase = phase
        self.step = step
        self.scope = scope
    }

    public static func assessment(_ step: Step, cluster: String) -> PlanItemKey { PlanItemKey(.assessment, step, .cluster(cluster)) }
    public static func plan(_ step: Step, cluster: String? = nil) -> PlanItemKey { PlanItemKey(.plan, step, cluster.map(Scope.cluster) ?? .migration) }
    public static func wave(_ step: Step, cluster: String, _ number: Int) -> PlanItemKey { PlanItemKey(.cutover, step, .wave(cluster: cluster, number: number)) }
    public static func cutover(_ step: Step, cluster: String) -> PlanItemKey { PlanItemKey(.cutover, step, .cluster(cluster)) }
    public static func optimize(_ aspect: Optimization, cluster: String) -> PlanItemKey { PlanItemKey(.cutover, .optimize, .optimization(cluster: cluster, aspect)) }
    public static func workload(_ step: Step, _ workload: Workload) -> PlanItemKey { PlanItemKey(.cutover, step, .workload(workload)) }
    public static func helmRelease(cluster: String, namespace: String, name: String) -> PlanItemKey {
        PlanItemKey(.plan, .helm, .release(Workload(cluster: cluster, namespace: namespace, name: name)))
    }
    /// A release's install on EKS in the wave of its earliest workload.
    public static func helmInstall(cluster: String, namespace: String, name: String) -> PlanItemKey {
        PlanItemKey(.cutover, .helmInstall, .release(Workload(cluster: cluster, namespace: namespace, name: name)))
    }
    /// The team's choice of how a release's stateful workloads reach EKS without starting their database early.
    public static func helmData(cluster: String, namespace: String, name: String) -> PlanItemKey {
        PlanItemKey(.plan, .helmData, .release(Workload(cluster: cluster, namespace: namespace, name: name)))
    }
    public static let decommission = PlanItemKey(.cutover, .decommission, .migration)
    /// The switch (`.traffic`) or the TTL lowering (`.dnsTTL`) of one DNS name of a cluster.
    public static func host(_ step: Step, cluster: String, _ name: String) -> PlanItemKey { PlanItemKey(.cutover, step, .host(cluster: cluster, name: name)) }
    /// The switch or TTL lowering of one load balancer several workloads share.
    public static func frontend(_ step: Step, cluster: String, kind: String, namespace: String, name: String) -> PlanItemKey {
        PlanItemKey(.cutover, step, .frontend(cluster: cluster, kind: kind, namespace: namespace, name: name))
    }

    /// The assessment's own run is `assess:run:…` (its step column says `assess`).
    private var token: String { phase == .assessment && step == .assess ? "run" : step.rawValue }

    /// The cluster the item belongs to, if any.
    public var cluster: String? {
        switch scope {
        case .migration, .legacyWave: return nil
        case .cluster(let name), .wave(let name, _), .optimization(let name, _), .host(let name, _), .frontend(let name, _, _, _): return name
        case .workload(let workload), .release(let workload): return workload.cluster
        }
    }

    public var workload: Workload? {
        if case .workload(let workload) = scope { return workload }
        return nil
    }

    public var description: String {
        var text = ""
        text.reserveCapacity(48)
        appendParts { text += $0 }
        return text
    }

    /// The pieces `description` is made of, in order: for writers that escape as they append (the plan store's JSON of
    /// prerequisites), so that no String is made for every key an item waits for.
    func appendParts(_ append: (String) -> Void) {
        switch phase {
        case .assessment: append("assess:")
        case .plan: append("plan:")
        case .cutover: break
        }
        append(token)
        switch scope {
        case .migration: if phase == .cutover { append(":sources") }
        case .cluster(let name): append(":"); append(name)
        case .wave(let cluster, let number): append(":"); append(cluster); append(":wave-"); append(String(number))
        case .legacyWave(let number): append(":wave-"); append(String(number))
        case .optimization(let cluster, let aspect): append(":"); append(cluster); append(":"); append(aspect.rawValue)
        case .host(let cluster, let name): append(":"); append(cluster); append(":"); append(name)
        case .frontend(let cluster, let kind, let namespace, let name):
            append(":"); append(cluster); append(":"); append(kind); append("/"); append(namespace); append("/"); append(name)
        case .workload(let workload), .release(let workload):
            append(":"); append(workload.cluster); append("/"); append(workload.namespace); append("/"); append(workload.name)
        }
    }

    /// Reads a stored key back; nil for a string no version of eksodus wrote.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        switch parts[0] {
        case "assess":
            let inner = parts[1].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard inner.count == 2, !inner[1].isEmpty, let step = inner[0] == "run" ? .assess : Step(rawValue: String(inner[0])), step != .assess || inner[0] == "run" else { return nil }
            self.init(.assessment, step, .cluster(String(inner[1])))
        case "plan":
            let inner = parts[1].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard let step = Step(rawValue: String(inner[0])), !step.isWorkloadStep, step != .helmInstall else { return nil }
            if step == .helm || step == .helmData {
                guard inner.count == 2, let release = Workload(parsing: inner[1]) else { return nil }
                self.init(.plan, step, .release(release))
                break
            }
            if inner.count == 1 { self.init(.plan, step, .migration) } else if !inner[1].isEmpty { self.init(.plan, step, .cluster(String(inner[1]))) } else { return nil }
        default:
            guard let step = Step(rawValue: String(parts[0])) else { return nil }
            let rest = parts[1]
            guard let scope = Self.cutoverScope(step, rest) else { return nil }
            self.init(.cutover, step, scope)
        }
        // Only what renders back to the same string is a key (no `plan:ecr:` with an empty cluster, no `wave-07`).
        guard description == text else { return nil }
    }

    private static func cutoverScope(_ step: Step, _ rest: Substring) -> Scope? {
        if step == .traffic || step == .dnsTTL, let colon = rest.firstIndex(of: ":"), rest[..<colon].firstIndex(of: "/") == nil {
            let name = rest[rest.index(after: colon)...], cluster = String(rest[..<colon])
            guard !cluster.isEmpty, !name.isEmpty else { return nil }
            guard name.contains("/") else { return .host(cluster: cluster, name: String(name)) }
            let parts = name.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "service" || parts[0] == "ingress", !parts[1].isEmpty, !parts[2].isEmpty else { return nil }
            return .frontend(cluster: cluster, kind: String(parts[0]), namespace: String(parts[1]), name: String(parts[2]))
        }
        if step.isWorkloadStep { return Workload(parsing: rest).map(Scope.workload) }
        switch step {
        case .decommission: return rest == "sources" ? .migration : nil
        case .helmInstall: return Workload(parsing: rest).map(Scope.release)
        case .rehearsal: return rest.isEmpty ? nil : .cluster(String(rest))
        case .optimize:
            guard let colon = rest.lastIndex(of: ":"), let aspect = Optimization(rawValue: String(rest[rest.index(after: colon)...])) else { return nil }
            return .optimization(cluster: String(rest[..<colon]), aspect)
        case .images, .gate, .apply, .close:
            if step == .images, rest.hasPrefix("wave-"), let number = Int(rest.dropFirst(5)), !rest.contains(":") { return .legacyWave(number) }
            guard let marker = rest.range(of: ":wave-", options: .backwards), let number = Int(rest[marker.upperBound...]) else { return nil }
            return .wave(cluster: String(rest[..<marker.lowerBound]), number: number)
        default: return nil
        }
    }
}
