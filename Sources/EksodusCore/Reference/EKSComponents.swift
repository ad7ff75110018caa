/// Components that EKS provides itself (replaced, never moved) or offers as an add-on (moved, with an alternative named),
/// from `data/eks-components.yaml`.
extension ReferenceData {
    public struct EKSComponent: Sendable {
        public enum Role: String, Sendable {
            /// EKS runs it: not migrated, its findings set apart.
            case replaced
            /// A team's add-on that an EKS add-on can take over: migrated unless the team switches.
            case alternative
        }

        public var name: String
        public var role: Role
        public var replacedBy: String
        public var addon: String?
        public var namespaces: [String]
        public var workloads: [String]
        public var images: [String]
        public var labels: [String]

        /// Label keys whose value names the component.
        static let labelKeys = ["k8s-app", "component", "app", "app.kubernetes.io/name"]

        /// Whether a workload named `name` in `namespace`, with these image repositories and template labels, is this component.
        public func matches(name: String, namespace: String, imageRepositories: [String], labels templateLabels: [String: String]) -> Bool {
            matches(name: name, namespace: namespace, imageRepositories: imageRepositories, labelValues: Self.labelValues(templateLabels))
        }

        /// The values of the `labelKeys` labels a workload's template carries.
        static func labelValues(_ templateLabels: [String: String]) -> [String] {
            labelKeys.compactMap { templateLabels[$0] }
        }

        /// `matches` with the label values looked up once for every component.
        func matches(name: String, namespace: String, imageRepositories: [String], labelValues: [String]) -> Bool {
            if !namespaces.isEmpty && !namespaces.contains(namespace) { return false }
            // Cheapest first, and no further than the first that matches: every workload is asked about every component.
            let byName = workloads.contains { pattern in
                pattern.hasSuffix("*") ? name.hasPrefix(String(pattern.dropLast())) : name == pattern
            }
            if byName { return true }
            let byLabel = labelValues.contains(where: labels.contains)
            if byLabel { return true }
            return imageRepositories.contains { ImageReference.repository($0, isOneOf: images) }
        }
    }

    static func components(_ rows: [ManifestNode]) -> [EKSComponent] {
        rows.compactMap { row in
            guard let name = row["name"]?.string, let role = row["role"]?.string.flatMap(EKSComponent.Role.init) else { return nil }
            func list(_ key: String) -> [String] { (row[key]?.items ?? []).compactMap(\.string) }
            return EKSComponent(name: name, role: role, replacedBy: row["replacedBy"]?.string ?? "", addon: row["addon"]?.string,
                                namespaces: list("namespaces"), workloads: list("workloads"), images: list("images"), labels: list("labels"))
        }
    }

    /// The component this workload is, if it is one EKS replaces or offers as an add-on.
    public func component(of workload: Estate.Workload) -> EKSComponent? {
        let repositories = workload.containers.compactMap { $0.image?.isEmpty == false ? $0.imageReference?.repository : nil }
        let labelValues = EKSComponent.labelValues(workload.templateLabels)
        return components.first {
            $0.matches(name: workload.name, namespace: workload.namespace, imageRepositories: repositories, labelValues: labelValues)
        }
    }
}
