/// The Amazon CloudWatch Observability EKS add-on: Container Insights metrics for the dashboards the go/no-go gates read,
/// its agent's IAM, which Fluent Bit ships the container logs, and the checks that prove metrics (and logs) arrive.
/// CloudWatch User Guide, "Install the CloudWatch agent with the Amazon CloudWatch Observability EKS add-on": the agent's
/// ServiceAccount amazon-cloudwatch/cloudwatch-agent needs CloudWatchAgentServerPolicy (EKS Pod Identity from add-on 3.1.0,
/// or IRSA); the add-on installs Fluent Bit for container logs unless given `{"containerLogs": {"enabled": false}}`; on
/// Amazon Linux 2023 nodes its host and dataplane logs are off by default.
enum CloudWatchObservability {
    static let addon = "amazon-cloudwatch-observability"
    static let namespace = "amazon-cloudwatch"
    static let serviceAccount = "cloudwatch-agent"
    /// The agent's DaemonSet the add-on's operator creates.
    static let agentDaemonSet = "cloudwatch-agent"

    static func policyARN(region: String) -> String {
        "arn:\(AWSPartition.of(region: region).name):iam::aws:policy/CloudWatchAgentServerPolicy"
    }

    /// The add-on's `configurationValues`: constant JSON, no input. With the team's own shipper moving, the add-on's is off.
    static func configuration(logShippers: [String]) -> String? {
        logShippers.isEmpty ? nil : "{\"containerLogs\": {\"enabled\": false}}"
    }

    /// Which Fluent Bit ships the container logs, said in plan:observability.
    static func logDecision(logShippers: [String]) -> String {
        logShippers.isEmpty
            ? "container logs: the add-on's Fluent Bit ships them to /aws/containerinsights/<cluster>/application (no log shipper of yours moves)"
            : "container logs: your \(logShippers.prefix(5).joined(separator: ", ")) move\(logShippers.count == 1 ? "s" : "") in wave 0, so the add-on's own Fluent Bit is off (containerLogs.enabled=false in the eksctl config): one shipper, no line sent twice"
    }

    /// Proof the agent runs on every node it should and Container Insights received the cluster's metrics (and, when the
    /// add-on ships them, its container logs): each fails on an error, an empty answer or zero.
    static func checks(region: String, cluster: String, shipsLogs: Bool) -> [String] {
        let q = ShellQuote.word
        var checks = [
            "{ READY=$(" + Kubectl.eks(namespace)("get daemonset \(q(agentDaemonSet)) -o jsonpath='{.status.numberReady}/{.status.desiredNumberScheduled}'")
                + ") && [ \"${READY%/*}\" -ge 1 ] 2>/dev/null && [ \"${READY%/*}\" = \"${READY#*/}\" ]; } || { echo "
                + q("the CloudWatch agent is not ready on every node (\(namespace)/\(agentDaemonSet)): kubectl -n \(namespace) get pods") + " >&2; false; }",
            atLeastOne("aws cloudwatch list-metrics --region \(q(region)) --namespace ContainerInsights --dimensions Name=ClusterName,Value=\(q(cluster)) --query 'length(Metrics)' --output text",
                       failure: "Container Insights has no metrics of \(cluster) yet: dashboards would be empty"),
        ]
        if shipsLogs {
            checks.append(atLeastOne("aws logs describe-log-groups --region \(q(region)) --log-group-name-prefix \(q("/aws/containerinsights/\(cluster)/application")) --query 'length(logGroups)' --output text",
                                     failure: "no container log group /aws/containerinsights/\(cluster)/application yet"))
        }
        return checks
    }

    /// `command` prints a count; the line fails unless it printed a number of at least one.
    static func atLeastOne(_ command: String, failure: String) -> String {
        "{ COUNT=$(\(command)) && [ \"$COUNT\" -ge 1 ] 2>/dev/null; } || { echo \(ShellQuote.word(failure)) >&2; false; }"
    }
}
