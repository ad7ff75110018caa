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
    }

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

    public static let irsa = "IRSA"
    public static let podIdentity = "EKS Pod Identity"

    public var entries: [Entry]
    public var choices: [Choice] = []

    /// The workloads of `estate` that use AWS, each with what shows it.
    static func evidence(_ estate: Estate) -> [(workload: Estate.Workload, evidence: [String])] {
        estate.workloads.compactMap { workload in
            var evidence: [String] = []
            for container in workload.containers {
                for variable in container.env.items {
                    if let name = variable["name"]?.string, StaticCloudCredentialsCheck.awsVariables.contains(name) || name == "AWS_PROFILE" {
                        evidence.append("env \(name) in \(container.name)")
                    }
                }
            }
            if let role = workload.templateAnnotations["iam.amazonaws.com/role"] { evidence.append("kube2iam/kiam role \(role)") }
            return evidence.isEmpty ? nil : (workload, evidence)
        }
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
        let entries = (users ?? evidence(estate)).map { workload, evidence in
            let own = workload.serviceAccount.flatMap { $0 == "default" || $0.isEmpty ? nil : $0 }
            let account = own ?? workload.name
            let role = ImageMigration.ecrRepositoryName("\(estate.cluster.name)-\(workload.namespace)-\(account)").replacingOccurrences(of: "/", with: "-")
            let annotation = choice.mechanism == irsa ? "eks.amazonaws.com/role-arn: \(partition.iamARN(account: accountID, "role/\(role)"))" : nil
            return Entry(cluster: estate.cluster.name, namespace: workload.namespace, workload: workload.label, serviceAccount: account,
                         roleName: role, mechanism: choice.mechanism, reason: choice.reason, evidence: evidence.joined(separator: "; "),
                         annotation: annotation, sourceRole: workload.templateAnnotations["iam.amazonaws.com/role"], dedicatedServiceAccount: own == nil)
        }
        return IdentityPlan(entries: entries, choices: [choice])
    }

    public var table: Table {
        Table(columns: ["cluster", "workload", "service_account", "iam_role", "mechanism", "why", "evidence"], rows: entries.map { entry in
            [.text(entry.cluster), .text(entry.workload),
             .text(entry.serviceAccount + (entry.dedicatedServiceAccount == true ? " (new: the workload ran as default)" : "")),
             .text(entry.roleName + (entry.sourceRole.map { " (permissions of kube2iam/kiam role \(Self.roleName($0)))" } ?? "")), .text(entry.mechanism),
             .text(entry.reason), .text(entry.evidence)]
        })
    }
}
