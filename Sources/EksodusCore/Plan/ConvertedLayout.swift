import Foundation

/// Where `eksodus convert` writes each cluster's converted manifests, as the runbook's commands name them: the plan decides
/// the layout, convert writes into it.
public enum ConvertedLayout {
    public static let supportFolder = "support", workloadsFolder = "workloads"

    /// Where `convert` writes a workload: `CLUSTER/wave-N/workloads/FILE` (names as `uniqueFileName` makes them; a name that
    /// cleans up like another's gets a hash suffix, which this first-come path does not know).
    public static func workloadPath(cluster: String, wave: Int, label: String) -> String {
        var unused: Set<String> = []
        return "\(folderName(cluster))/wave-\(wave)/\(workloadsFolder)/" + uniqueFileName(for: label, used: &unused)
    }

    /// A folder name for a cluster: its name when that is safe, else a readable part and a hash (`a.b` and `a..b` differ).
    static func folderName(_ cluster: String) -> String {
        let safe = cluster.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }
        if safe && !cluster.hasPrefix(".") { return cluster }
        let readable = String(cluster.unicodeScalars.filter { $0.isASCII && CharacterSet.alphanumerics.contains($0) }.map(Character.init).prefix(40))
        return (readable.isEmpty ? "cluster" : readable) + "-" + ShortHash.hex(cluster)
    }

    /// `kind-namespace-name.yaml`, lowercase and filesystem-safe; a hash keeps names that clean up alike apart.
    static func uniqueFileName(for object: String, used: inout Set<String>) -> String {
        var base: String
        if object.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII (nearly every label): the same cleaning by byte, without CharacterSet (the plan makes one per workload).
            var bytes: [UInt8] = []
            var dash = false
            for byte in object.utf8 {
                let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
                guard (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")) || (lower >= UInt8(ascii: "0") && lower <= UInt8(ascii: "9")) else {
                    dash = true
                    continue
                }
                if dash && !bytes.isEmpty { bytes.append(UInt8(ascii: "-")) }
                dash = false
                bytes.append(lower)
            }
            base = String(decoding: bytes.prefix(80), as: UTF8.self)
        } else {
            let cleaned = object.lowercased().unicodeScalars.map { $0.isASCII && CharacterSet.alphanumerics.contains($0) ? Character($0) : "-" }
            base = String(String(cleaned).split(separator: "-", omittingEmptySubsequences: true).joined(separator: "-").prefix(80))
        }
        if base.isEmpty { base = "object" }
        var name = base + ".yaml"
        if !used.insert(name.lowercased()).inserted {
            name = base + "-" + ShortHash.hex(object) + ".yaml"
            used.insert(name.lowercased())
        }
        return name
    }
}
