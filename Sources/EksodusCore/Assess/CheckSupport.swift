/// Small facts several checks share.
enum CheckSupport {
    /// Where a workload's pod template sits in its manifest.
    static func podPath(_ kind: String) -> String {
        switch kind {
        case "Pod": return "spec"
        case "CronJob": return "spec.jobTemplate.spec.template.spec"
        default: return "spec.template.spec"
        }
    }

    static func containerPath(_ workload: Estate.Workload, _ container: Estate.Container) -> String {
        let list = container.role == "init" ? "initContainers" : container.role == "ephemeral" ? "ephemeralContainers" : "containers"
        return "\(podPath(workload.kind)).\(list)[\(container.name)]"
    }

    /// Node label keys that EKS nodes carry (or that Karpenter, managed node groups and the cloud provider set).
    static func isPortableNodeLabel(_ key: String) -> Bool {
        let portable = ["kubernetes.io/os", "kubernetes.io/arch", "beta.kubernetes.io/os", "beta.kubernetes.io/arch",
                        "node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type"]
        let prefixes = ["topology.kubernetes.io/", "failure-domain.beta.kubernetes.io/", "eks.amazonaws.com/", "karpenter.sh/",
                        "karpenter.k8s.aws/", "topology.ebs.csi.aws.com/", "node.kubernetes.io/"]
        return portable.contains(key) || prefixes.contains { key.hasPrefix($0) }
    }

    /// A minimal manifest for check examples: a Deployment whose pod spec is `spec` (YAML, indented 6 spaces).
    static func deployment(_ name: String = "web", replicas: Int = 2, pod spec: String, metadata: String = "") -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: \(name)
          namespace: shop
        \(metadata)
        spec:
          replicas: \(replicas)
          selector: {matchLabels: {app: \(name)}}
          template:
            metadata:
              labels: {app: \(name)}
            spec:
        \(spec)
        """
    }

    /// A well-behaved container (probes, requests and limits), for examples that must trigger nothing else.
    static let goodContainer = """
              containers:
              - name: app
                image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.0@sha256:0000000000000000000000000000000000000000000000000000000000000000
                resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 200m, memory: 128Mi}}
                readinessProbe: {httpGet: {path: /ready, port: 8080}}
                livenessProbe: {httpGet: {path: /healthz, port: 8080}}
        """
}
