/// What an Ingress the source's ALB served keeps of its own `alb.ingress.kubernetes.io/*` annotations on EKS
/// (`ALBSourceAnnotationRules`, from `data/alb-source-annotations.yaml`). Without them, the Ingress would lose its HTTP
/// listener and redirect (listen-ports then defaults to HTTPS alone), the actions its `use-annotation` backends forward to,
/// and its ALB login: the same hosts, served differently, or to anyone. What names the source's VPC, account or region is
/// left out and named; the plan's scheme, targets, allow-list, group and certificate stand (`NetworkPlan`).
enum SourceALBAnnotations {
    static let prefix = "alb.ingress.kubernetes.io/"

    static func carry(_ source: [String: String], rules: ALBSourceAnnotationRules, arns: ForeignARNs) -> (annotations: [String: String], notes: [String]) {
        var annotations: [String: String] = [:]
        var notes: [String] = []
        for key in source.keys.sorted() where key.hasPrefix(prefix) {
            guard let value = source[key] else { continue }
            switch rules.rule(String(key.dropFirst(prefix.count))) {
            case .planned:
                continue
            case .carried where value.contains(SecretRedaction.marker):
                // Its name reads like a credential's, so the inventory keeps no value (an OIDC client's settings, say).
                notes.append("\(shown(key)) is not copied: the inventory masks its value (eksodus stores nothing that may be a credential); copy it from the source Ingress into this one before it is applied")
            case .carried:
                annotations[key] = value
                for (arn, why) in arns.foreign(in: value) {
                    notes.append("\(shown(key)) is copied and names \(shown(arn)) (\(why)): replace it with this account and region's before the Ingress is applied, or the AWS Load Balancer Controller fails its whole IngressGroup")
                }
            case .bound(let why):
                notes.append("\(shown(key)) \(shown(value)) is not copied: \(why)")
            case .unknown:
                notes.append("\(shown(key)) \(shown(value)) is not copied: eksodus does not know it; check it against the AWS Load Balancer Controller's Ingress annotations and add it to the Ingress if it still applies")
            }
        }
        return (annotations, notes)
    }

    /// An annotation's key or value as a note shows it: one visible line, at most 200 characters.
    static func shown(_ text: String) -> String { String(text.prefix(200)).visibleLine }
}
