/// The gp3 claim that takes a workload's node-local data on EKS: where the stored storage plan copies a hostPath (or local)
/// volume from its node (`StoragePlan.nodeCopy`) into one volume, `convert` writes this claim into the wave's `support/` and
/// mounts it under the volume's own name (the containers' volumeMounts stay as they are), and the runbook's node copy fills
/// it. The plan names it here (as it lays out convert's files in `ConvertedLayout`), so the claim the copy fills is the one
/// the converted workload mounts.
///
/// One claim stands for one pod's data: a DaemonSet (a copy per node) or several replicas keep their hostPath, with a TODO.
/// EBS is ReadWriteOnce and single-AZ: a volume attaches to one instance in its own Availability Zone (EC2 API Reference,
/// AttachVolume: "The volume and instance must be within the same Availability Zone"), so pods that mount it are scheduled
/// in that zone (the EBS CSI driver's topology) and two at once on different nodes cannot both attach it.
struct NodeDataClaim: Sendable, Equatable {
    /// The pod volume it replaces, and the claim's name.
    var volume: String
    var name: String

    static let placeholderSize = "10Gi"

    /// `NAME-VOLUME` cleaned to a DNS label, always with a hash of the exact kind, namespace, name and volume: readable parts
    /// alone collide (Deployment `web` with volume `cache-data` and `web-cache` with `data` both made `web-cache-data`, so one
    /// workload's copy filled, and its rollback deleted, the other's volume). SHA-256, as the names are the attacker's to pick.
    static func name(kind: String, namespace: String, workload: String, volume: String) -> String {
        let readable = dnsLabel(workload + "-" + volume)
        let hash = DigestHex.sha256([kind, namespace, workload, volume].joined(separator: "/"), digits: 16)
        var stem = String(readable.prefix(63 - 17))
        while stem.hasSuffix("-") { stem.removeLast() }
        return (stem.isEmpty ? "node-data" : stem) + "-" + hash
    }

    /// `raw` as a DNS label (63 characters of a-z, 0-9 and '-'); a name that had to be cleaned or shortened gets a hash of the
    /// original, so two that clean up alike stay apart. Nothing else can reach a name, a JSON override or a shell word.
    static func dnsLabel(_ raw: String) -> String {
        var cleaned = ""
        var dash = false
        for byte in raw.utf8 {
            let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
            if (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")) || (lower >= UInt8(ascii: "0") && lower <= UInt8(ascii: "9")) {
                if dash && !cleaned.isEmpty { cleaned.append("-") }
                dash = false
                cleaned.append(Character(Unicode.Scalar(lower)))
            } else {
                dash = true
            }
        }
        if cleaned == raw && cleaned.utf8.count <= 63 { return cleaned }
        return String((cleaned.isEmpty ? "node-data" : cleaned).prefix(54)) + "-" + ShortHash.hex(raw)
    }

    /// Whether one claim can take the data: one pod at a time (a DaemonSet keeps a copy per node, replicas one each).
    static func fits(kind: String, copies: Int) -> Bool { kind != "DaemonSet" && copies <= 1 }

    /// Per workload label (`Kind/namespace/name`), the claims of the stored storage plan's node copies in `cluster`.
    static func planned(_ storage: StoragePlan, cluster: String) -> [String: [NodeDataClaim]] {
        var claims: [String: [NodeDataClaim]] = [:]
        for entry in storage.entries where entry.cluster == cluster && ["hostPath", "local"].contains(entry.source) && entry.copyMethod == StoragePlan.nodeCopy {
            let kind = String(entry.owner.prefix { $0 != "/" }), name = String(entry.owner.drop { $0 != "/" }.dropFirst())
            guard fits(kind: kind, copies: entry.copies) else { continue }
            claims["\(kind)/\(entry.namespace)/\(name)", default: []].append(NodeDataClaim(volume: entry.name, name: Self.name(kind: kind, namespace: entry.namespace, workload: name, volume: entry.name)))
        }
        return claims
    }

    /// The claims a workload's node copy fills, as the plan stage makes them (the same rule as `planned`, from the workload).
    static func of(_ workload: Estate.Workload, volumes: [String]) -> [NodeDataClaim] {
        guard fits(kind: workload.kind, copies: max(1, workload.replicas ?? 1)) else { return [] }
        return volumes.map { NodeDataClaim(volume: $0, name: name(kind: workload.kind, namespace: workload.namespace, workload: workload.name, volume: $0)) }
    }

    /// The object label `convert` files it under (`support/persistentvolumeclaim-NAMESPACE-NAME.yaml`).
    func label(namespace: String) -> String { "PersistentVolumeClaim/\(namespace)/\(name)" }

    func manifest(namespace: String) -> ManifestNode {
        .mapping([
            ("apiVersion", .string("v1")), ("kind", .string("PersistentVolumeClaim")),
            ("metadata", .mapping([("name", .string(name)), ("namespace", .string(namespace))])),
            ("spec", .mapping([("accessModes", .sequence([.string("ReadWriteOnce")])), ("storageClassName", .string("gp3")),
                               ("resources", .mapping([("requests", .mapping([("storage", .string(Self.placeholderSize))]))]))])),
        ])
    }
}
