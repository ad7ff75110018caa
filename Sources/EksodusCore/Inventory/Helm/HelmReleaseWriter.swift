import GRDB

/// Writes the Helm releases an import decodes. Each revision of a release is its own Secret or ConfigMap;
/// only the latest revision is kept (a later revision replaces the row, an older one leaves it).
struct HelmReleaseWriter {
    let clusterID: Int64
    let importID: Int64
    private let upsert: FastStatement

    init(db: Database, clusterID: Int64, importID: Int64) throws {
        self.clusterID = clusterID
        self.importID = importID
        upsert = try FastStatement(db, """
            INSERT INTO helm_release (cluster_id, namespace, name, helm_major, chart, chart_version, app_version, status, revision,
              manifest_objects, note, source_file, source_line, import_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (cluster_id, namespace, name) DO UPDATE SET
              helm_major = excluded.helm_major, chart = excluded.chart, chart_version = excluded.chart_version,
              app_version = excluded.app_version, status = excluded.status, revision = excluded.revision,
              manifest_objects = excluded.manifest_objects, note = excluded.note, source_file = excluded.source_file,
              source_line = excluded.source_line, import_id = excluded.import_id
            WHERE excluded.revision >= helm_release.revision OR helm_release.import_id != excluded.import_id
            """)
    }

    func write(_ release: HelmRelease, file: String, line: Int) throws {
        let objects = release.manifestObjects.map { object -> ManifestNode in
            .mapping([("apiVersion", .scalar(object.apiVersion, plain: false)), ("kind", .scalar(object.kind, plain: false)),
                      ("namespace", .scalar(object.namespace, plain: false)), ("name", .scalar(object.name, plain: false))])
        }
        let s = upsert
        s.bind(1, clusterID); s.bind(2, release.namespace); s.bind(3, release.name); s.bind(4, release.helmMajor)
        s.bind(5, release.chart); s.bind(6, release.chartVersion); s.bind(7, release.appVersion); s.bind(8, release.status)
        s.bind(9, release.revision); s.bind(10, JSONWriter.string(ManifestNode.sequence(objects))); s.bind(11, release.note)
        s.bind(12, file); s.bind(13, line); s.bind(14, importID)
        try s.run()
    }
}
