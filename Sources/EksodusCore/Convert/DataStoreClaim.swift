/// A database that keeps its data without a claim (an emptyDir, or its container's writable layer: the storage plan's
/// `emptyDir` and `container` entries, `StoragePlan.podData`) loses it every time its pod is replaced; on EKS, where the
/// runbook copies the source's data into it, the copy would be lost at the first node drain. So the converted workload
/// gets a gp3 claim mounted at the engine's data directory: a StatefulSet a volumeClaimTemplate (one volume per replica),
/// a single-replica Deployment a claim of its own in the wave's support/ and the Recreate strategy (an EBS volume attaches
/// to one node at a time). Anything else (an image whose data directory is not known here, several Deployment replicas,
/// a DaemonSet) is a TODO: the team decides.
///
/// Its image must also be the version the source runs: an unpinned `latest` on EKS is whatever the registry holds on the
/// day of the copy, and a newer major changes the on-disk format the restored data must be read in (MongoDB docs,
/// mongorestore Compatibility: restore into the dump's major version). The inventory holds no running digest, so an
/// unpinned image is a TODO naming how to read the source's.
enum DataStoreClaim {
    /// Where each official Docker Hub image keeps its data ("Where to Store Data" on hub.docker.com/_/mongo, _/mysql,
    /// _/mariadb and _/redis). PostgreSQL is left out: its image moved PGDATA with version 18.
    static let dataDirectories: [String: String] = [
        "library/mongo": "/data/db", "library/mysql": "/var/lib/mysql", "library/mariadb": "/var/lib/mysql", "library/redis": "/data",
    ]

    /// The data directory of `image`, when it is one of those official images.
    static func dataDirectory(_ image: ImageReference) -> String? {
        image.isDockerHub ? dataDirectories[image.repository] : nil
    }

    /// Whether the image names no fixed version: no digest, and no tag or `latest`.
    static func isUnpinned(_ image: ImageReference) -> Bool {
        image.digest == nil && (image.tag == nil || image.tag == "latest")
    }

    /// The pod volume (and claim template) name the data gets: `data`, unless the pod already uses it.
    static func volumeName(taken: Set<String>) -> String {
        taken.contains("data") ? "eksodus-data" : "data"
    }

    /// A volumeClaimTemplate on gp3 of `size`.
    static func template(name: String, size: String) -> ManifestNode {
        .mapping([
            ("metadata", .mapping([("name", .string(name))])),
            ("spec", .mapping([("accessModes", .sequence([.string("ReadWriteOnce")])), ("storageClassName", .string("gp3")),
                               ("resources", .mapping([("requests", .mapping([("storage", .string(size))]))]))])),
        ])
    }

    /// The container with its data directory mounted from `volume` (a mount already there is pointed at it).
    static func mounting(_ container: ManifestNode, volume: String, at path: String) -> (container: ManifestNode, replaced: String?) {
        var mounts = container["volumeMounts"]?.items ?? []
        if let index = mounts.firstIndex(where: { $0["mountPath"]?.string == path }) {
            let replaced = mounts[index]["name"]?.string
            mounts[index] = mounts[index].replacing("name", with: .string(volume))
            return (container.replacing("volumeMounts", with: .sequence(mounts)), replaced)
        }
        mounts.append(.mapping([("name", .string(volume)), ("mountPath", .string(path))]))
        return (container.replacing("volumeMounts", with: .sequence(mounts)), nil)
    }
}
