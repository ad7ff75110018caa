/// Builds `kubectl` (or `oc`) command lines against the source or the EKS cluster, every name quoted.
struct Kubectl {
    enum Side {
        case source, eks
        var context: String { self == .source ? "\"$SOURCE_CONTEXT\"" : "\"$EKS_CONTEXT\"" }
    }

    var side: Side
    var namespace: String?
    var tool = "kubectl"

    static func source(_ namespace: String?, tool: String = "kubectl") -> Kubectl { Kubectl(side: .source, namespace: namespace, tool: tool) }
    static func eks(_ namespace: String?) -> Kubectl { Kubectl(side: .eks, namespace: namespace) }

    /// `kubectl --context "$X" -n 'ns' <arguments>`; `arguments` must already be quoted where they carry names.
    func callAsFunction(_ arguments: String) -> String {
        var line = "\(tool) --context \(side.context)"
        if let namespace, !namespace.isEmpty { line += " -n \(ShellQuote.word(namespace))" }
        return line + " " + arguments
    }

    /// The `kind/name` argument for a workload, quoted; DeploymentConfigs become Deployments on EKS.
    static func ref(_ workload: Estate.Workload, on side: Side) -> String {
        ShellQuote.word("\(resourceName(workload.kind, on: side))/\(workload.name)")
    }

    static func resourceName(_ kind: String, on side: Side) -> String {
        if kind == "DeploymentConfig" && side == .eks { return "deployment" }
        return kind.lowercased()
    }

    /// `oc` for OpenShift kinds on the source, `kubectl` otherwise.
    static func tool(for workload: Estate.Workload) -> String {
        workload.kind == "DeploymentConfig" ? "oc" : "kubectl"
    }
}
