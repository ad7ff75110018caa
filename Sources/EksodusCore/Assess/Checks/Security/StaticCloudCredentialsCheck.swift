/// Long-lived cloud credentials handed to pods in environment variables or Secrets.
struct StaticCloudCredentialsCheck: Check {
    static let awsVariables: Set<String> = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]
    static let otherCloudVariables: Set<String> = ["GOOGLE_APPLICATION_CREDENTIALS", "AZURE_CLIENT_SECRET", "AZURE_STORAGE_KEY", "ARM_CLIENT_SECRET"]
    static let secretKeys: Set<String> = ["aws_access_key_id", "aws_secret_access_key", "awsaccesskeyid", "awssecretaccesskey", "credentials"]

    let info = CheckInfo(
        id: "SEC006", title: "Static cloud credentials", severity: .blocker, category: .security,
        rationale: "Access keys in manifests or Secrets never rotate and leak with every copy of the export; on EKS a pod gets short-lived credentials from its ServiceAccount.",
        remediation: "Create an IAM role for the workload's ServiceAccount (IRSA, or EKS Pod Identity on EC2 nodes), remove the keys, and revoke them in IAM.",
        triggering: [CheckSupport.deployment(pod: "      containers: [{name: app, image: 'web:1.0', env: [{name: AWS_SECRET_ACCESS_KEY, value: not-a-real-key}]}]"),
                     CheckSupport.deployment(pod: "      containers: [{name: app, image: 'web:1.0', env: [{name: AWS_ACCESS_KEY_ID, valueFrom: {secretKeyRef: {name: aws, key: id}}}]}]")],
        nonTriggering: [CheckSupport.deployment(pod: "      containers: [{name: app, image: 'web:1.0', env: [{name: AWS_REGION, value: eu-west-1}]}]")]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        var findings: [Finding] = []
        for workload in estate.workloads {
            for container in workload.containers {
                for variable in container.env.items {
                    guard let name = variable["name"]?.string else { continue }
                    let field = CheckSupport.containerPath(workload, container) + ".env[\(name)]"
                    let literal = variable["value"] != nil
                    if Self.awsVariables.contains(name) {
                        findings.append(finding(workload, field: field,
                                                literal ? "\(name) is written in the manifest: replace the key pair with an IAM role for the ServiceAccount (IRSA or Pod Identity) and revoke it"
                                                        : "\(name) comes from a Secret: replace the key pair with an IAM role for the ServiceAccount (IRSA or Pod Identity)",
                                                severity: literal ? .blocker : .warning))
                    } else if Self.otherCloudVariables.contains(name) {
                        findings.append(finding(workload, field: field, "\(name) holds another cloud's credentials: plan how this workload authenticates from AWS", severity: .warning))
                    } else if name == "AWS_PROFILE" || name == "AWS_SHARED_CREDENTIALS_FILE" {
                        findings.append(finding(workload, field: field, "\(name) points at a credentials file: use an IAM role for the ServiceAccount instead", severity: .warning))
                    }
                }
            }
        }
        for secret in estate.resources(kind: "Secret") {
            let keys = (estate.configKeys[secret.id] ?? []).filter { Self.secretKeys.contains(Self.spelledAsListed($0)) }
            guard !keys.isEmpty else { continue }
            findings.append(finding(secret, field: "data", "Secret \(secret.name) holds cloud credentials (\(keys.joined(separator: ", "))): replace them with IRSA or Pod Identity",
                                    severity: .warning))
        }
        return findings
    }

    /// A Secret key as `secretKeys` spells it: lower case, `-` read as `_`. An ASCII key (nearly all of them) has its bytes
    /// swapped; any other takes Foundation's replacement, as every key did (tens of thousands of keys, and it was slow).
    static func spelledAsListed(_ key: String) -> String {
        let lowered = key.lowercased()
        guard lowered.utf8.allSatisfy({ $0 < 0x80 }) else { return lowered.replacingOccurrences(of: "-", with: "_") }
        return String(decoding: lowered.utf8.map { $0 == UInt8(ascii: "-") ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
    }
}
