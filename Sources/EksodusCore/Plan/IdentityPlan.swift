/// IAM roles for the workloads that use AWS today through static keys or kube2iam/kiam.
public struct IdentityPlan: Sendable, Codable {
    public struct Entry: Sendable, Codable {
        public var cluster: String
        public var namespace: String
        public var workload: String
        public var serviceAccount: String
        public var roleName: String
        public var mechanism: String
        public var why: String
        public var evidence: String
        public var annotation: String?
    }

    public var entries: [Entry]

    static func build(estates: [Estate], profiles: [Int64: WorkloadProfile], accountID: String) -> IdentityPlan {
        var entries: [Entry] = []
        for estate in estates {
            for workload in estate.workloads {
                var evidence: [String] = []
                for container in workload.containers {
                    for variable in container.env.items {
                        if let name = variable["name"]?.string, StaticCloudCredentialsCheck.awsVariables.contains(name) || name == "AWS_PROFILE" {
                            evidence.append("env \(name) in \(container.name)")
                        }
                    }
                }
                if let role = workload.templateAnnotations["iam.amazonaws.com/role"] { evidence.append("kube2iam/kiam role \(role)") }
                guard !evidence.isEmpty else { continue }
                let account = workload.serviceAccount.flatMap { $0 == "default" ? nil : $0 } ?? workload.name
                let role = ImageMigration.ecrRepositoryName("\(estate.cluster.name)-\(workload.namespace)-\(account)").replacingOccurrences(of: "/", with: "-")
                let fargate = profiles[workload.id]?.fargateEligible ?? false
                let mechanism = fargate ? "IRSA" : "EKS Pod Identity"
                let why = fargate ? "Fargate-eligible: Pod Identity does not run on Fargate, IRSA does"
                                  : "runs on EC2 nodes: Pod Identity needs no OIDC provider per cluster and no trust-policy edits per cluster"
                let annotation = fargate ? "eks.amazonaws.com/role-arn: arn:aws:iam::\(accountID):role/\(role)" : nil
                entries.append(Entry(cluster: estate.cluster.name, namespace: workload.namespace, workload: workload.label,
                                     serviceAccount: account, roleName: role, mechanism: mechanism, why: why,
                                     evidence: evidence.joined(separator: "; "), annotation: annotation))
            }
        }
        return IdentityPlan(entries: entries)
    }

    public var table: Table {
        Table(columns: ["cluster", "workload", "service_account", "iam_role", "mechanism", "evidence"], rows: entries.map { entry in
            [.text(entry.cluster), .text(entry.workload), .text(entry.serviceAccount), .text(entry.roleName), .text(entry.mechanism), .text(entry.evidence)]
        })
    }
}
