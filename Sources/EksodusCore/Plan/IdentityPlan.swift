/// IAM roles for the workloads that use AWS today through static keys or kube2iam/kiam, with one mechanism per cluster.
public struct IdentityPlan: Sendable, Codable {
    public struct Entry: Sendable, Codable {
        public var cluster: String
        public var namespace: String
        public var workload: String
        public var serviceAccount: String
        public var roleName: String
        public var mechanism: String
        /// Why the cluster uses this mechanism.
        public var reason: String
        public var evidence: String
        public var annotation: String?
        /// The kube2iam/kiam role the pods assume today (`iam.amazonaws.com/role`): the new role gets its permissions.
        public var sourceRole: String?
        /// The workload ran as the namespace's `default` ServiceAccount: it gets one of its own, so `default` (and every
        /// other pod using it) never holds the role. Optional: plans stored before it decode as nil.
        public var dedicatedServiceAccount: Bool?
        /// The ServiceAccount's IRSA role on the source cluster (`eks.amazonaws.com/role-arn`): its trust policy names the
        /// source cluster's OIDC issuer, not the new one's, so the new role gets its permissions (as a kube2iam role's) and
        /// the old annotation is never copied. nil for kube2iam/kiam and in plans stored before.
        public var sourceIRSARole: String? = nil
        /// The namespace's kiam `iam.amazonaws.com/permitted` regex and kube2iam `iam.amazonaws.com/allowed-roles` list on the
        /// source (`SourceRoleTrust`): what lets its pods assume a kube2iam/kiam role. nil when the export shows none.
        public var permittedRoles: String? = nil
        public var allowedRoles: String? = nil

        /// The role whose permissions the new one takes, and what named it.
        public var inheritedRole: (role: String, origin: String)? {
            if let sourceRole { return (sourceRole, "kube2iam/kiam role") }
            return sourceIRSARole.map { ($0, "source IRSA role") }
        }
    }

    public typealias RoleReference = IAMRoleReference

    /// The role name in a kube2iam/kiam annotation, which holds a name, a path and name, or an ARN.
    public static func roleName(_ annotation: String) -> String {
        let afterRole = annotation.range(of: ":role/").map { String(annotation[$0.upperBound...]) } ?? annotation
        return String(afterRole.split(separator: "/").last ?? Substring(afterRole))
    }

    /// The mechanism of one cluster, for its workloads and its controllers alike.
    public struct Choice: Sendable, Codable {
        public var cluster: String
        public var mechanism: String
        public var reason: String
    }

    /// The ServiceAccount of one namespace that External Secrets Operator signs in as to read that namespace's Secrets
    /// Manager secrets (`SecretsStore`), with the IRSA role eksctl creates for it.
    public struct SecretReader: Sendable, Codable, Equatable {
        public var cluster: String
        public var namespace: String
        public var roleName: String
        public var serviceAccount: String { SecretsStore.readerServiceAccount }
    }

    public static let irsa = "IRSA"
    public static let podIdentity = "EKS Pod Identity"

    public var entries: [Entry]
    public var choices: [Choice] = []
    /// One per namespace with Secrets. Optional: plans stored before it decode as nil.
    public var secretReaders: [SecretReader]? = nil

    /// The workloads of `estate` that use AWS, each with what shows it.
    static func evidence(_ estate: Estate) -> [(workload: Estate.Workload, evidence: [String])] {
        let roles = sourceIRSARoles(estate)
        return estate.workloads.compactMap { workload in
            var evidence: [String] = []
            for container in workload.containers {
                for variable in container.env.items {
                    if let name = variable["name"]?.string, StaticCloudCredentialsCheck.awsVariables.contains(name) || name == "AWS_PROFILE" {
                        evidence.append("env \(name) in \(container.name)")
                    }
                }
            }
            if let role = workload.templateAnnotations["iam.amazonaws.com/role"] { evidence.append("kube2iam/kiam role \(role)") }
            if let role = sourceIRSARole(workload, roles: roles) {
                evidence.append("IRSA role \(role) on ServiceAccount \(workload.serviceAccount ?? "default"), which trusts the source cluster's OIDC issuer")
            }
            return evidence.isEmpty ? nil : (workload, evidence)
        }
    }

    public static let irsaAnnotation = IAMRoleReference.irsaAnnotation

    /// ` (cross-account: account N, not the plan's M: a decision)` when the role's ARN is of another account; else empty.
    static func crossAccount(_ role: String, accountID: String) -> String {
        guard let account = RoleReference(role)?.account, account != accountID, let profile = IdentityCommands.profileVariable(account) else { return "" }
        return " (cross-account: account \(account), not the plan's \(accountID): a decision, read only through \(profile), its trust in an OIDC provider of account \(account))"
    }

    /// The `eks.amazonaws.com/role-arn` of the workload's ServiceAccount on the source cluster, if any.
    static func sourceIRSARole(_ workload: Estate.Workload, roles: [String: String]) -> String? {
        let account = workload.serviceAccount.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        return roles[workload.namespace + "/" + account]
    }

    /// Each ServiceAccount's `eks.amazonaws.com/role-arn`, by `namespace/name`: read once per estate (a scan of every
    /// ServiceAccount per workload was a tenth of the plan's time on a large estate). The first of a duplicate name wins.
    static func sourceIRSARoles(_ estate: Estate) -> [String: String] {
        var roles: [String: String] = [:], seen: Set<String> = []
        for account in estate.resources(kind: "ServiceAccount") {
            let key = account.namespace + "/" + account.name
            guard seen.insert(key).inserted, let role = account.annotations[irsaAnnotation] else { continue }
            roles[key] = role
        }
        return roles
    }

    /// One mechanism for the cluster, from where its workloads are placed: EKS Pod Identity does not run on Fargate
    /// (EKS User Guide, pod-identities), so a cluster whose Fargate pods use AWS takes IRSA throughout.
    /// `users`: `evidence(estate)`, when the caller has it already.
    static func choose(_ estate: Estate, compute: ComputePlan, users: [(workload: Estate.Workload, evidence: [String])]? = nil) -> Choice {
        let fargate = Set(compute.fargateProfiles.flatMap(\.namespaces))
        let onFargate = (users ?? evidence(estate)).map(\.workload).filter { fargate.contains($0.namespace) }
        if !onFargate.isEmpty {
            let names = onFargate.prefix(3).map(\.label).joined(separator: ", ") + (onFargate.count > 3 ? " and \(onFargate.count - 3) more" : "")
            return Choice(cluster: estate.cluster.name, mechanism: irsa,
                          reason: "\(names) use AWS and run on Fargate, where EKS Pod Identity does not run, and IRSA works on Fargate and EC2 alike")
        }
        let why = fargate.isEmpty ? "there are no Fargate profiles" : "no workload on Fargate uses AWS"
        return Choice(cluster: estate.cluster.name, mechanism: podIdentity,
                      reason: "\(why), and on EC2 nodes EKS Pod Identity needs no OIDC provider and no trust-policy edit per cluster")
    }

    static func build(estate: Estate, choice: Choice, accountID: String, partition: AWSPartition,
                      users: [(workload: Estate.Workload, evidence: [String])]? = nil) -> IdentityPlan {
        let roles = sourceIRSARoles(estate)
        var namespaces: [String: [String: String]] = [:]
        for namespace in estate.resources(kind: "Namespace") where namespaces[namespace.name] == nil { namespaces[namespace.name] = namespace.annotations }
        let entries = (users ?? evidence(estate)).map { workload, evidence in
            let own = workload.serviceAccount.flatMap { $0 == "default" || $0.isEmpty ? nil : $0 }
            let account = own ?? workload.name
            let role = roleName(cluster: estate.cluster.name, namespace: workload.namespace, serviceAccount: account)
            let annotation = choice.mechanism == irsa ? "eks.amazonaws.com/role-arn: \(partition.iamARN(account: accountID, "role/\(role)"))" : nil
            return Entry(cluster: estate.cluster.name, namespace: workload.namespace, workload: workload.label, serviceAccount: account,
                         roleName: role, mechanism: choice.mechanism, reason: choice.reason, evidence: evidence.joined(separator: "; "),
                         annotation: annotation, sourceRole: workload.templateAnnotations["iam.amazonaws.com/role"], dedicatedServiceAccount: own == nil,
                         sourceIRSARole: workload.templateAnnotations["iam.amazonaws.com/role"] == nil ? sourceIRSARole(workload, roles: roles) : nil,
                         permittedRoles: namespaces[workload.namespace]?["iam.amazonaws.com/permitted"],
                         allowedRoles: namespaces[workload.namespace]?["iam.amazonaws.com/allowed-roles"])
        }
        return IdentityPlan(entries: entries, choices: [choice], secretReaders: SecretsStore.readers(estate))
    }

    /// The IAM role of one ServiceAccount: one role per (cluster, namespace, name), so two workloads never share a role or
    /// its policy. IAM takes 1 to 64 of `[\\w+=,.@-]` and does not tell names apart by case (IAM API Reference, CreateRole,
    /// RoleName). `c1-shop-web` is kept when it can only come from that triple: its cluster and namespace are plain
    /// lowercase letters and digits (no '-' to shift the split: `shop/payments-api` and `shop-payments/api` both read
    /// `c1-shop-payments-api`), the name is lowercase DNS and it fits. Any other triple gets the readable part, `_` (which no
    /// plain name holds) and 16 hex digits of a SHA-256 of the exact triple.
    static func roleName(cluster: String, namespace: String, serviceAccount: String) -> String {
        let joined = "\(cluster)-\(namespace)-\(serviceAccount)"
        func only(_ text: String, _ allowed: (Character) -> Bool) -> Bool { !text.isEmpty && text.allSatisfy(allowed) }
        let alphanumeric: (Character) -> Bool = { $0.isASCII && ($0.isLowercase || $0.isNumber) }
        let plain = only(cluster, alphanumeric) && only(namespace, alphanumeric)
            && only(serviceAccount) { alphanumeric($0) || $0 == "-" || $0 == "." } && joined.count <= 64
        if plain { return joined }
        let readable = ImageMigration.ecrRepositoryName(joined).replacingOccurrences(of: "/", with: "-")
        // Each part with its length, so that no two triples hash alike by moving a separator.
        let hash = DigestHex.sha256(fields: [cluster, namespace, serviceAccount], digits: 16)
        return String(readable.prefix(64 - 1 - hash.count)) + "_" + hash
    }

    public var table: Table {
        Table(columns: ["cluster", "workload", "service_account", "iam_role", "mechanism", "why", "evidence"], rows: entries.map { entry in
            [.text(entry.cluster), .text(entry.workload),
             .text(entry.serviceAccount + (entry.dedicatedServiceAccount == true ? " (new: the workload ran as default)" : "")),
             .text(entry.roleName + (entry.inheritedRole.map { " (permissions of \($0.origin) \($0.role))" } ?? "")), .text(entry.mechanism),
             .text(entry.reason), .text(entry.evidence)]
        })
    }
}
