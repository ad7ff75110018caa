/// `kubectl version -o json|yaml`: `{clientVersion: {...}, serverVersion: {major, minor, gitVersion, ...}}`, no kind.
/// Recognised by that shape; its server version is the source cluster's Kubernetes version.
enum KubectlVersionOutput {
    /// The server's version as `major.minor.patch` (`v1.27.3-eks-a5565ad` gives 1.27.3), or nil when the document
    /// is not kubectl's version output.
    static func serverVersion(_ node: ManifestNode) -> String? {
        guard node["kind"] == nil, let server = node["serverVersion"], server.isMapping,
              let gitVersion = server["gitVersion"]?.string else { return nil }
        var text = Substring(gitVersion)
        if text.hasPrefix("v") { text = text.dropFirst() }
        let numeric = text.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard KubernetesVersion(String(numeric)) != nil else { return nil }
        return String(numeric)
    }
}
