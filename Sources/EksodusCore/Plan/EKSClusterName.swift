import Crypto

/// The EKS cluster name (and eksctl file name) for a source cluster: lower-case letters, digits and hyphens, starting with
/// a letter, ending in `-eks`, under EKS's 100 characters. A source name that changes on the way (`Prod`, `a.b`, `a..b`)
/// also carries a short hash of itself, so two source clusters never share a name, whatever subset of clusters is planned.
enum EKSClusterName {
    static func make(_ cluster: String) -> String {
        var base = ""
        for scalar in cluster.unicodeScalars {
            if scalar.isASCIILetter || ("0"..."9").contains(scalar) {
                base.unicodeScalars.append(scalar)
            } else if !base.isEmpty && !base.hasSuffix("-") {
                base += "-"
            }
        }
        base = base.lowercased()
        while base.hasSuffix("-") { base.removeLast() }
        if base.first?.isLetter != true { base = "c" + (base.isEmpty ? "" : "-" + base) }
        let changed = base != cluster || base.count > 80
        base = String(base.prefix(80))
        while base.hasSuffix("-") { base.removeLast() }
        if changed {
            let digest = SHA256.hash(data: Array(cluster.utf8))
            base += "-" + digest.prefix(4).map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
        }
        return base + "-eks"
    }
}
