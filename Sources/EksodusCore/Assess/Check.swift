/// How much a finding stands in the way of the move.
public enum Severity: String, CaseIterable, Sendable, Comparable {
    case blocker, warning, info

    var rank: Int {
        switch self {
        case .blocker: return 0
        case .warning: return 1
        case .info: return 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

public enum CheckCategory: String, CaseIterable, Sendable {
    case api, storage, network, images, availability, security, platform
}

/// What a check is: its permanent ID, and the documentation `eksodus explain` prints.
/// The examples are manifests (a `# target: 1.29` first line sets the target version for that example);
/// one test imports every example and expects the triggering ones to be found and the others not.
public struct CheckInfo: Sendable {
    public var id: String
    public var title: String
    public var severity: Severity
    public var category: CheckCategory
    public var rationale: String
    public var remediation: String
    public var triggering: [String]
    public var nonTriggering: [String]
}

/// One kind of problem a workload or cluster can have on its way to EKS.
public protocol Check: Sendable {
    var info: CheckInfo { get }
    /// The stored bodies the check parses (`Resource.body`, `bodyText`): the assessment loads only those. None by default.
    var bodies: Estate.Bodies { get }
    func run(_ estate: Estate, _ context: CheckContext) -> [Finding]
}

extension Check {
    public var bodies: Estate.Bodies { .none }
}

/// What checks judge by, besides the estate itself.
public struct CheckContext: Sendable {
    public var target: KubernetesVersion
    /// The assessment date, `YYYY-MM-DD`.
    public var date: String
    public var reference: ReferenceData
    public var minimumReplicas: Int
    /// Each workload's EKS component (nil: none), worked out once per estate by `Assessor`: several checks and the
    /// set-apart rule ask for every workload. Unset, `component(of:)` asks the reference data.
    var components: [Int64: ReferenceData.EKSComponent?]?

    public init(target: KubernetesVersion, date: String, reference: ReferenceData, minimumReplicas: Int = 2) {
        self.target = target
        self.date = date
        self.reference = reference
        self.minimumReplicas = minimumReplicas
    }

    /// The component `workload` is, if EKS replaces it or offers it as an add-on (`ReferenceData.component(of:)`).
    func component(of workload: Estate.Workload) -> ReferenceData.EKSComponent? {
        if let known = components?[workload.id] { return known }
        return reference.component(of: workload)
    }

    /// This context with every workload's component of `estate` worked out.
    func matchingComponents(of estate: Estate) -> CheckContext {
        var context = self
        var components: [Int64: ReferenceData.EKSComponent?] = [:]
        for workload in estate.workloads where components[workload.id] == nil { components[workload.id] = reference.component(of: workload) }
        context.components = components
        return context
    }
}

/// One problem, on one object.
public struct Finding: Sendable {
    public var checkID: String
    public var severity: Severity
    public var category: CheckCategory
    public var clusterID: Int64
    public var namespace: String
    public var kind: String
    public var name: String
    public var resourceID: Int64?
    public var workloadID: Int64?
    public var field: String
    public var message: String
    public var sourceFile: String?
    public var sourceLine: Int?
    public var system = false

    /// Sort key: deterministic output, worst first.
    var order: (Int, String, String, String, String, String) {
        (severity.rank, checkID, namespace, kind, name, field + "\u{0}" + message)
    }
}

extension Check {
    /// A finding of this check about a workload.
    func finding(_ workload: Estate.Workload, field: String, _ message: String, severity: Severity? = nil) -> Finding {
        Finding(checkID: info.id, severity: severity ?? info.severity, category: info.category, clusterID: workload.clusterID,
                namespace: workload.namespace, kind: workload.kind, name: workload.name, resourceID: workload.resourceID,
                workloadID: workload.id, field: field, message: message, sourceFile: workload.sourceFile, sourceLine: workload.sourceLine)
    }

    /// A finding of this check about any object.
    func finding(_ resource: Estate.Resource, field: String, _ message: String, severity: Severity? = nil) -> Finding {
        Finding(checkID: info.id, severity: severity ?? info.severity, category: info.category, clusterID: resource.clusterID,
                namespace: resource.namespace, kind: resource.kind, name: resource.name, resourceID: resource.id,
                workloadID: nil, field: field, message: message, sourceFile: resource.sourceFile, sourceLine: resource.sourceLine)
    }
}
