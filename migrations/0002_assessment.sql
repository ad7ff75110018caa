-- Phase one: assessment runs and what they found.

CREATE TABLE assessment (
    id                  INTEGER PRIMARY KEY,
    created_at          TEXT NOT NULL,
    target_version      TEXT NOT NULL,
    scope               TEXT,                   -- the --cluster given, NULL for every cluster
    settings            TEXT NOT NULL DEFAULT '{}'  -- thresholds and ignores in force, as JSON
);

CREATE TABLE finding (
    id                  INTEGER PRIMARY KEY,
    assessment_id       INTEGER NOT NULL REFERENCES assessment(id) ON DELETE CASCADE,
    check_id            TEXT NOT NULL,
    severity            TEXT NOT NULL CHECK (severity IN ('blocker', 'warning', 'info')),
    category            TEXT NOT NULL,
    cluster_id          INTEGER NOT NULL REFERENCES cluster(id) ON DELETE CASCADE,
    namespace           TEXT NOT NULL,
    kind                TEXT NOT NULL,
    name                TEXT NOT NULL,
    resource_id         INTEGER REFERENCES resource(id) ON DELETE SET NULL,
    workload_id         INTEGER REFERENCES workload(id) ON DELETE SET NULL,
    field               TEXT NOT NULL,          -- where in the object, e.g. spec.template.spec.containers[web].image
    message             TEXT NOT NULL,          -- what is wrong, and what to do
    system              INTEGER NOT NULL DEFAULT 0, -- in a system namespace (kube-system and the like)
    source_file         TEXT,
    source_line         INTEGER
);
CREATE INDEX finding_assessment ON finding(assessment_id, cluster_id);

-- Per workload: stateful or not, Fargate fit, migration complexity.
CREATE TABLE workload_assessment (
    assessment_id       INTEGER NOT NULL REFERENCES assessment(id) ON DELETE CASCADE,
    workload_id         INTEGER NOT NULL REFERENCES workload(id) ON DELETE CASCADE,
    stateful            INTEGER NOT NULL,
    stateful_reason     TEXT,
    fargate_eligible    INTEGER NOT NULL,
    fargate_reasons     TEXT NOT NULL DEFAULT '[]',
    fargate_size        TEXT,                   -- e.g. 0.5 vCPU / 2 GB
    complexity_score    INTEGER NOT NULL,
    complexity          TEXT NOT NULL CHECK (complexity IN ('low', 'medium', 'high')),
    PRIMARY KEY (assessment_id, workload_id)
) WITHOUT ROWID;

CREATE TABLE cluster_assessment (
    assessment_id       INTEGER NOT NULL REFERENCES assessment(id) ON DELETE CASCADE,
    cluster_id          INTEGER NOT NULL REFERENCES cluster(id) ON DELETE CASCADE,
    readiness_score     INTEGER NOT NULL,       -- 0..100
    blockers            INTEGER NOT NULL,
    warnings            INTEGER NOT NULL,
    infos               INTEGER NOT NULL,
    PRIMARY KEY (assessment_id, cluster_id)
) WITHOUT ROWID;
