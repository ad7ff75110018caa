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
        var line = ""
        line.reserveCapacity(tool.utf8.count + arguments.utf8.count + (namespace?.utf8.count ?? 0) + 40)
        line += tool
        line += " --context "
        line += side.context
        if let namespace, !namespace.isEmpty {
            line += " -n "
            line += ShellQuote.word(namespace)
        }
        line += " "
        line += arguments
        return line
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

extension Kubectl {
    /// `SIDE NAMESPACE` as the library's functions take them (`eksodus_kubectl`).
    var libraryArguments: String {
        (side == .eks ? "eks" : tool == "oc" ? "oc" : "source") + " " + ShellQuote.word(namespace ?? "")
    }

    /// `eksodus_kubectl SIDE NAMESPACE ARGUMENTS...`, in the runbook library: what `Kubectl(side:namespace:)` writes into a
    /// step, for functions that take the side as an argument.
    static let library = """
        # eksodus_kubectl SIDE NAMESPACE ARGUMENTS...: kubectl ARGUMENTS in NAMESPACE on SIDE: source (--context "$SOURCE_CONTEXT"), oc (the
        # source through oc, for OpenShift kinds) or eks ("$EKS_CONTEXT").
        eksodus_kubectl() {
          local context
          case "$1" in
            source|oc) context=$SOURCE_CONTEXT ;;
            eks) context=$EKS_CONTEXT ;;
            *) echo "eksodus_kubectl: no side $1 (source, oc or eks)" >&2; return 1 ;;
          esac
          if [ "$1" = oc ]; then oc --context "$context" -n "$2" "${@:3}"; else kubectl --context "$context" -n "$2" "${@:3}"; fi
        }

        """
}
