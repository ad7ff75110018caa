import Foundation

/// Where `eksodus convert` writes each cluster's converted manifests, as the runbook's commands name them: the plan decides
/// the layout, convert writes into it.
public enum ConvertedLayout {
    public static let supportFolder = "support", workloadsFolder = "workloads"

    /// Where `convert` writes a workload: `CLUSTER/wave-N/workloads/FILE`, the file as `files` names it.
    public static func workloadPath(cluster: String, wave: Int, label: String, files: WorkloadFiles = WorkloadFiles()) -> String {
        "\(folderName(cluster))/wave-\(wave)/\(workloadsFolder)/" + files.name(for: label)
    }

    /// The file names of a cluster's workloads, decided from the cluster's labels alone so that the plan (whose deploy steps
    /// apply the files) and convert (which writes them) agree whatever order they meet the workloads in. A label gets
    /// `cleanFileName(label).yaml`; labels that clean up alike (`a-b/c` and `a/b-c`), and a label cleaning up like another's
    /// suffixed name, all get a SHA-256 suffix: none keeps the plain name, so no runbook step applies another workload's file.
    public struct WorkloadFiles: Sendable {
        private var suffixed: [String: String] = [:]

        public init() {}

        /// For an estate: its workloads, and every object not owned by another of a kind a workload has (what convert may
        /// write into a workloads folder).
        public init(_ estate: Estate) {
            let kinds = Set(estate.workloads.map(\.kind))
            var labels = Set(estate.workloads.map(\.label))
            for resource in estate.resources where resource.ownerKind == nil && kinds.contains(resource.kind) {
                labels.insert("\(resource.kind)/\(resource.namespace.isEmpty ? "" : resource.namespace + "/")\(resource.name)")
            }
            self.init(labels: labels)
        }

        public init(labels: some Sequence<String>) {
            var byBase: [String: Set<String>] = [:]
            for label in labels { byBase[ConvertedLayout.cleanFileName(label), default: []].insert(label) }
            var collided = Set(byBase.filter { $0.value.count > 1 }.keys)
            // A suffixed name is a plain name another label could clean up to (its maker knows our hash): until no name is
            // taken twice, such a base is suffixed too. Each round suffixes at least one more base, so it ends.
            while true {
                var names: [String: String] = [:]
                for base in collided {
                    for label in byBase[base] ?? [] { names[Self.suffixedName(base: base, label: label)] = base }
                }
                let clashes = byBase.keys.filter { !collided.contains($0) && names[$0 + ".yaml"] != nil }
                if clashes.isEmpty { break }
                collided.formUnion(clashes)
            }
            for base in collided {
                for label in byBase[base] ?? [] { suffixed[label] = Self.suffixedName(base: base, label: label) }
            }
        }

        public func name(for label: String) -> String {
            suffixed[label] ?? ConvertedLayout.cleanFileName(label) + ".yaml"
        }

        static func suffixedName(base: String, label: String) -> String {
            base + "-" + DigestHex.sha256(label, digits: 16) + ".yaml"
        }
    }

    /// A folder name for a cluster: its name when that is safe, else a readable part and a hash (`a.b` and `a..b` differ).
    static func folderName(_ cluster: String) -> String {
        let safe = cluster.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }
        if safe && !cluster.hasPrefix(".") { return cluster }
        let readable = String(cluster.unicodeScalars.filter { $0.isASCII && CharacterSet.alphanumerics.contains($0) }.map(Character.init).prefix(40))
        return (readable.isEmpty ? "cluster" : readable) + "-" + ShortHash.hex(cluster)
    }

    /// `kind-namespace-name.yaml`, lowercase and filesystem-safe; a hash keeps names that clean up alike apart (first come,
    /// first served: for the support files no step names one by one; workloads' files are `WorkloadFiles`').
    static func uniqueFileName(for object: String, used: inout Set<String>) -> String {
        let base = cleanFileName(object)
        var name = base + ".yaml"
        if !used.insert(name.lowercased()).inserted {
            name = base + "-" + ShortHash.hex(object) + ".yaml"
            used.insert(name.lowercased())
        }
        return name
    }

    /// A label lower-cased, every run of other characters one '-', at most 80 characters ("object" when nothing is left).
    static func cleanFileName(_ object: String) -> String {
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
        return base.isEmpty ? "object" : base
    }
}
