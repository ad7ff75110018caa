/// The controllers plan:addons installs by Helm on the system node group (the AWS Load Balancer Controller, the Cluster
/// Autoscaler), and the checks that autoscaling works: the metrics API serves node metrics (HPAs read it) and the
/// autoscaler's Deployment is available. Every chart gets the system group's toleration and nodeSelector, so the
/// controllers never compete with the applications for worker nodes (and never sit on a node the autoscaler removes).
enum PlatformCharts {
    static let autoscalerRepository = "https://kubernetes.github.io/autoscaler"
    /// The Deployment's name, pinned with fullnameOverride (the chart's default name is `<release>-aws-cluster-autoscaler`).
    static let autoscalerDeployment = "cluster-autoscaler"

    /// `--set` arguments that put a chart's pods on the system group: its taint tolerated, its label selected.
    static var onSystemGroup: String {
        let taint = ComputePlan.systemTaint
        return ["tolerations[0].key=\(taint.key)", "tolerations[0].operator=Exists", "tolerations[0].effect=\(taint.effect)", "nodeSelector.role=system"]
            .map { "--set " + ShellQuote.word($0) }.joined(separator: " ")
    }

    /// The Cluster Autoscaler's image matches the cluster's minor version (the autoscaler's README: use the release of the
    /// same Kubernetes minor); auto-discovery by the k8s.io/cluster-autoscaler tags the eksctl config puts on every group,
    /// and the ServiceAccount the eksctl config created with the autoscaler's IAM.
    static func autoscalerInstall(cluster: String, region: String, version: KubernetesVersion) -> [String] {
        let q = ShellQuote.word
        return ["helm repo add autoscaler \(autoscalerRepository) && helm repo update autoscaler",
                "helm upgrade --install cluster-autoscaler autoscaler/cluster-autoscaler --kube-context \"$EKS_CONTEXT\" -n kube-system"
                    + " --set fullnameOverride=\(autoscalerDeployment) --set autoDiscovery.clusterName=\(q(cluster)) --set awsRegion=\(q(region))"
                    + " --set image.tag=\(q("v\(version.major).\(version.minor).0"))"
                    + " --set rbac.serviceAccount.create=false --set rbac.serviceAccount.name=cluster-autoscaler"
                    + " --set extraArgs.balance-similar-node-groups=true \(onSystemGroup) --wait --timeout 10m"]
    }

    /// Fails unless the metrics API answers with node metrics (metrics-server running and registered) and the autoscaler
    /// has an available replica: an error, an empty answer or zero fail.
    static func autoscalingChecks() -> [String] {
        let eks = Kubectl.eks(nil)
        return [
            eks("wait --for=condition=Available apiservice/v1beta1.metrics.k8s.io --timeout=5m"),
            "{ NODES=$(" + eks("get --raw /apis/metrics.k8s.io/v1beta1/nodes") + ") && printf '%s' \"$NODES\" | grep -Eq '\"kind\": ?\"NodeMetricsList\"'"
                + " && printf '%s' \"$NODES\" | grep -q '\"usage\"'; } || { echo 'the metrics API serves no node metrics: HPAs cannot scale (kubectl get apiservice v1beta1.metrics.k8s.io)' >&2; false; }",
            CloudWatchObservability.atLeastOne(Kubectl.eks("kube-system")("get deployment \(autoscalerDeployment) -o jsonpath='{.status.availableReplicas}'"),
                                               failure: "the Cluster Autoscaler has no available replica: kubectl -n kube-system logs deployment/\(autoscalerDeployment)"),
        ]
    }
}
