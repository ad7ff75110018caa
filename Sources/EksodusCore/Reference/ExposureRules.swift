/// The annotations by which each platform marks a load balancer internal or internet-facing (`data/load-balancer-exposure.yaml`).
extension ReferenceData {
    public struct ExposureRule: Sendable {
        public var platform: String
        public var annotation: String
        public var internalValues: [String]
        public var publicValues: [String]

        /// internal, internet-facing, or nil when the value is neither.
        func scheme(for value: String) -> LoadBalancerScheme? {
            let value = value.lowercased()
            if internalValues.contains(where: { $0.lowercased() == value }) { return .internal }
            if publicValues.contains(where: { $0.lowercased() == value }) { return .internetFacing }
            return nil
        }
    }

    static func exposureRules(_ rows: [ManifestNode]) -> [ExposureRule] {
        rows.compactMap { row in
            guard let annotation = row["annotation"]?.string else { return nil }
            return ExposureRule(platform: row["platform"]?.string ?? "", annotation: annotation,
                                internalValues: (row["internal"]?.items ?? []).compactMap(\.string),
                                publicValues: (row["public"]?.items ?? []).compactMap(\.string))
        }
    }
}
