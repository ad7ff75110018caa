import GRDB

/// A Helm release as the inventory holds it (see migrations/0007_helm_release.sql).
public struct HelmReleaseRecord: Sendable, Equatable {
    public struct ManifestObject: Sendable, Equatable {
        public var apiVersion: String
        public var kind: String
        public var namespace: String
        public var name: String
    }

    public var clusterID: Int64
    public var namespace: String
    public var name: String
    public var helmMajor: Int
    public var chart: String?
    public var chartVersion: String?
    public var appVersion: String?
    public var status: String?
    public var revision: Int
    public var manifestObjects: [ManifestObject]
    public var note: String?
    public var sourceFile: String
    public var sourceLine: Int

    /// Uninstalled with `--keep-history` (Helm 3) or deleted without purge (Helm 2): nothing of it runs on the source.
    public var isUninstalled: Bool { ["uninstalled", "uninstalling", "deleted", "deleting"].contains(status ?? "") }

    /// `chart-1.2.3`, as `helm list` shows it, or what is known of it.
    public var chartLabel: String {
        guard let chart else { return "an unknown chart" }
        return chartVersion.map { "\(chart)-\($0)" } ?? chart
    }

    static func load(_ db: Database, clusterID: Int64) throws -> [HelmReleaseRecord] {
        try Row.fetchAll(db, sql: """
            SELECT namespace, name, helm_major, chart, chart_version, app_version, status, revision, manifest_objects, note,
              source_file, source_line
            FROM helm_release WHERE cluster_id = ? ORDER BY namespace, name
            """, arguments: [clusterID]).map { row in
            let objects = Estate.json(row[8]).items.map { item in
                ManifestObject(apiVersion: item["apiVersion"]?.string ?? "", kind: item["kind"]?.string ?? "",
                               namespace: item["namespace"]?.string ?? "", name: item["name"]?.string ?? "")
            }
            return HelmReleaseRecord(clusterID: clusterID, namespace: row[0], name: row[1], helmMajor: row[2], chart: row[3],
                                     chartVersion: row[4], appVersion: row[5], status: row[6], revision: row[7],
                                     manifestObjects: objects, note: row[9], sourceFile: row[10], sourceLine: row[11])
        }
    }
}
