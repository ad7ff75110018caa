-- The inventory: what the user's clusters run, as read from their exports.
-- Shipped migrations never change; add a new numbered file instead.

CREATE TABLE cluster (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE,
    environment         TEXT NOT NULL DEFAULT 'other' CHECK (environment IN ('dev', 'staging', 'prod', 'other')),
    kubernetes_version  TEXT,
    created_at          TEXT NOT NULL
);

-- One row per `eksodus import` run.
CREATE TABLE import (
    id                  INTEGER PRIMARY KEY,
    cluster_id          INTEGER NOT NULL REFERENCES cluster(id) ON DELETE CASCADE,
    started_at          TEXT NOT NULL,
    finished_at         TEXT NOT NULL,
    sources             TEXT NOT NULL,          -- JSON array of the paths given
    digest              TEXT NOT NULL,          -- sha256 over the sha256 of each file read, in order
    files               INTEGER NOT NULL,
    bytes               INTEGER NOT NULL,
    documents           INTEGER NOT NULL,
    objects_read        INTEGER NOT NULL,       -- after List expansion, duplicates included
    objects_stored      INTEGER NOT NULL,       -- distinct keys written
    kinds               TEXT NOT NULL           -- JSON object: kind -> objects read
);

-- Every object read, keyed by cluster, API group, kind, namespace and name.
-- status, metadata.managedFields and the last-applied-configuration annotation are not kept;
-- a Secret keeps its type and key names, never its values.
CREATE TABLE resource (
    id                  INTEGER PRIMARY KEY,
    cluster_id          INTEGER NOT NULL REFERENCES cluster(id) ON DELETE CASCADE,
    api_group           TEXT NOT NULL,          -- '' for the core group
    api_version         TEXT NOT NULL,          -- as written, e.g. extensions/v1beta1
    kind                TEXT NOT NULL,
    namespace           TEXT NOT NULL,          -- '' for cluster-scoped objects
    name                TEXT NOT NULL,
    uid                 TEXT,
    labels              TEXT NOT NULL DEFAULT '{}',
    annotations         TEXT NOT NULL DEFAULT '{}',
    owner_kind          TEXT,                   -- the controlling ownerReference, if any
    owner_name          TEXT,
    owner_uid           TEXT,
    body                TEXT NOT NULL,          -- the object as JSON, trimmed as above
    source_file         TEXT NOT NULL,
    source_line         INTEGER NOT NULL,
    import_id           INTEGER NOT NULL REFERENCES import(id),
    read_order          INTEGER NOT NULL,       -- position in the import (file, then object): the later reading wins
    UNIQUE (cluster_id, api_group, kind, namespace, name)
);
CREATE INDEX resource_kind ON resource(cluster_id, kind);
CREATE INDEX resource_owner ON resource(cluster_id, owner_kind, owner_name);

-- Pod template facts of every object that carries one (Deployment, StatefulSet, Pod, CronJob...).
CREATE TABLE pod_spec (
    resource_id         INTEGER PRIMARY KEY REFERENCES resource(id) ON DELETE CASCADE,
    replicas            INTEGER,
    update_strategy     TEXT,
    service_account     TEXT,
    automount_token     INTEGER,
    host_network        INTEGER NOT NULL DEFAULT 0,
    host_pid            INTEGER NOT NULL DEFAULT 0,
    host_ipc            INTEGER NOT NULL DEFAULT 0,
    node_selector       TEXT NOT NULL DEFAULT '{}',
    affinity            TEXT,
    tolerations         TEXT NOT NULL DEFAULT '[]',
    topology_spread     TEXT NOT NULL DEFAULT '[]',
    image_pull_secrets  TEXT NOT NULL DEFAULT '[]',
    termination_grace   INTEGER,
    security_context    TEXT,
    template_labels     TEXT NOT NULL DEFAULT '{}',
    template_annotations TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE image (
    id                  INTEGER PRIMARY KEY,
    reference           TEXT NOT NULL UNIQUE,   -- as written in the manifest
    registry            TEXT NOT NULL,          -- docker.io, quay.io, harbor.corp.local:5000...
    repository          TEXT NOT NULL,          -- library/nginx
    tag                 TEXT,                   -- NULL when only a digest, or nothing, was written
    digest              TEXT,
    normalized          TEXT NOT NULL           -- docker.io/library/nginx:latest
);

CREATE TABLE container (
    id                  INTEGER PRIMARY KEY,
    resource_id         INTEGER NOT NULL REFERENCES resource(id) ON DELETE CASCADE,
    role                TEXT NOT NULL CHECK (role IN ('init', 'app', 'ephemeral')),
    position            INTEGER NOT NULL,
    name                TEXT NOT NULL,
    image_id            INTEGER REFERENCES image(id),
    cpu_request_m       INTEGER,                -- millicores
    cpu_limit_m         INTEGER,
    memory_request      INTEGER,                -- bytes
    memory_limit        INTEGER,
    ephemeral_request   INTEGER,
    gpu_limit           INTEGER,
    liveness_probe      TEXT,
    readiness_probe     TEXT,
    startup_probe       TEXT,
    ports               TEXT NOT NULL DEFAULT '[]',
    privileged          INTEGER NOT NULL DEFAULT 0,
    capabilities_add    TEXT NOT NULL DEFAULT '[]',
    run_as_user         INTEGER,
    run_as_non_root     INTEGER,
    env                 TEXT NOT NULL DEFAULT '[]',  -- names, references, and literal values not judged secret
    env_from            TEXT NOT NULL DEFAULT '[]',
    volume_mounts       TEXT NOT NULL DEFAULT '[]',
    command             TEXT,
    args                TEXT
);
CREATE INDEX container_resource ON container(resource_id);
CREATE INDEX container_image ON container(image_id);

-- The volumes a pod spec declares (persistentVolumeClaim, hostPath, nfs, configMap, emptyDir...).
CREATE TABLE pod_volume (
    id                  INTEGER PRIMARY KEY,
    resource_id         INTEGER NOT NULL REFERENCES resource(id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    type                TEXT NOT NULL,
    reference           TEXT,                   -- claim name, config map or secret name, host path, nfs server:path
    detail              TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX pod_volume_resource ON pod_volume(resource_id);

-- PersistentVolumeClaims, StatefulSet volumeClaimTemplates and PersistentVolumes.
CREATE TABLE volume (
    id                  INTEGER PRIMARY KEY,
    resource_id         INTEGER NOT NULL REFERENCES resource(id) ON DELETE CASCADE,
    source              TEXT NOT NULL CHECK (source IN ('pvc', 'template', 'pv')),
    namespace           TEXT NOT NULL,
    name                TEXT NOT NULL,
    storage_class       TEXT,
    access_modes        TEXT NOT NULL DEFAULT '[]',
    size_bytes          INTEGER,
    volume_mode         TEXT,
    volume_type         TEXT,                   -- PVs: nfs, hostPath, local, csi:<driver>, gcePersistentDisk...
    volume_name         TEXT,                   -- PVC: the bound PV; PV: the claim namespace/name
    reclaim_policy      TEXT
);
CREATE INDEX volume_resource ON volume(resource_id);

CREATE TABLE storage_class (
    resource_id         INTEGER PRIMARY KEY REFERENCES resource(id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    provisioner         TEXT NOT NULL,
    reclaim_policy      TEXT,
    binding_mode        TEXT,
    allow_expansion     INTEGER,
    is_default          INTEGER NOT NULL DEFAULT 0,
    parameters          TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE service (
    resource_id         INTEGER PRIMARY KEY REFERENCES resource(id) ON DELETE CASCADE,
    type                TEXT NOT NULL,
    cluster_ip          TEXT,
    external_name       TEXT,
    load_balancer_class TEXT,
    ports               TEXT NOT NULL DEFAULT '[]',
    selector            TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE ingress (
    resource_id         INTEGER PRIMARY KEY REFERENCES resource(id) ON DELETE CASCADE,
    class               TEXT,                   -- spec.ingressClassName, else the kubernetes.io/ingress.class annotation
    tls_hosts           TEXT NOT NULL DEFAULT '[]',
    default_backend     TEXT
);

CREATE TABLE ingress_rule (
    id                  INTEGER PRIMARY KEY,
    resource_id         INTEGER NOT NULL REFERENCES ingress(resource_id) ON DELETE CASCADE,
    host                TEXT,
    path                TEXT,
    path_type           TEXT,
    service_name        TEXT,
    service_port        TEXT
);
CREATE INDEX ingress_rule_resource ON ingress_rule(resource_id);

-- ConfigMap and Secret key names (never Secret values).
CREATE TABLE config_key (
    resource_id         INTEGER NOT NULL REFERENCES resource(id) ON DELETE CASCADE,
    key                 TEXT NOT NULL,
    PRIMARY KEY (resource_id, key)
) WITHOUT ROWID;

-- Workloads after folding owned objects into their top owner (Pod -> ReplicaSet -> Deployment).
-- Rebuilt for a cluster at the end of every import of it.
CREATE TABLE workload (
    id                  INTEGER PRIMARY KEY,
    cluster_id          INTEGER NOT NULL REFERENCES cluster(id) ON DELETE CASCADE,
    resource_id         INTEGER REFERENCES resource(id) ON DELETE CASCADE, -- NULL when the top owner was not exported
    kind                TEXT NOT NULL,
    namespace           TEXT NOT NULL,
    name                TEXT NOT NULL,
    spec_resource_id    INTEGER NOT NULL REFERENCES resource(id) ON DELETE CASCADE, -- whose pod_spec describes it
    pods_observed       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (cluster_id, kind, namespace, name)
);

-- Which objects folded into which workload.
CREATE TABLE workload_member (
    resource_id         INTEGER PRIMARY KEY REFERENCES resource(id) ON DELETE CASCADE,
    workload_id         INTEGER NOT NULL REFERENCES workload(id) ON DELETE CASCADE
);
CREATE INDEX workload_member_workload ON workload_member(workload_id);
