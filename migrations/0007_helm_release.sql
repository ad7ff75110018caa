-- Helm releases, decoded in memory from Helm 3 release Secrets (type helm.sh/release.v1) and Helm 2 release
-- ConfigMaps (label OWNER=TILLER). Only the latest revision of each release is kept. The values and the rendered
-- manifest are never stored: only what identifies each object of the manifest (apiVersion, kind, namespace, name).
CREATE TABLE helm_release (
    id                  INTEGER PRIMARY KEY,
    cluster_id          INTEGER NOT NULL REFERENCES cluster(id) ON DELETE CASCADE,
    namespace           TEXT NOT NULL,          -- where Helm keeps the release (the Secret's or, for Helm 2, the release's)
    name                TEXT NOT NULL,
    helm_major          INTEGER NOT NULL CHECK (helm_major IN (2, 3)),
    chart               TEXT,
    chart_version       TEXT,
    app_version         TEXT,
    status              TEXT,
    revision            INTEGER NOT NULL,
    manifest_objects    TEXT NOT NULL DEFAULT '[]', -- JSON array of {apiVersion, kind, namespace, name}
    note                TEXT,                   -- what could not be decoded, if anything
    source_file         TEXT NOT NULL,
    source_line         INTEGER NOT NULL,
    import_id           INTEGER NOT NULL REFERENCES import(id),
    UNIQUE (cluster_id, namespace, name)
);
