-- Facts of the source cluster that live exports carry beside the objects to migrate.

-- The apiVersion of an object's kubectl.kubernetes.io/last-applied-configuration annotation: the version the team's
-- manifests are written in (the annotation itself is never kept).
CREATE TABLE applied_api_version (
    resource_id         INTEGER PRIMARY KEY REFERENCES resource(id) ON DELETE CASCADE,
    api_version         TEXT NOT NULL
);

-- What each Node says of its machine (kubectl get nodes -o json, or Nodes in any export). Labels and taints are on
-- the resource row too; addresses, images and machine IDs are not read.
CREATE TABLE node (
    resource_id         INTEGER PRIMARY KEY REFERENCES resource(id) ON DELETE CASCADE,
    instance_type       TEXT,                   -- node.kubernetes.io/instance-type, else the beta label
    zone                TEXT,                   -- topology.kubernetes.io/zone, else failure-domain.beta.kubernetes.io/zone
    region              TEXT,
    architecture        TEXT,                   -- amd64, arm64 (status.nodeInfo, else the kubernetes.io/arch label)
    operating_system    TEXT,                   -- linux, windows
    os_image            TEXT,
    kernel_version      TEXT,
    kubelet_version     TEXT,                   -- v1.27.3
    container_runtime   TEXT,                   -- containerd://1.7.2, docker://20.10.7, cri-o://1.27.1
    role                TEXT NOT NULL DEFAULT '',  -- node-role.kubernetes.io/* labels, master read as control-plane
    unschedulable       INTEGER NOT NULL DEFAULT 0,
    cpu_capacity_m      INTEGER,
    memory_capacity     INTEGER,                -- bytes
    pods_capacity       INTEGER,
    cpu_allocatable_m   INTEGER,
    memory_allocatable  INTEGER,
    pods_allocatable    INTEGER,
    taints              TEXT NOT NULL DEFAULT '[]'  -- JSON array of {key, value, effect}
);

-- Measured pod usage (kubectl top pods, or metrics.k8s.io PodMetrics), summed over the pod's containers.
-- One row per pod: a later import of usage replaces the pod's earlier reading.
CREATE TABLE pod_usage (
    cluster_id          INTEGER NOT NULL REFERENCES cluster(id) ON DELETE CASCADE,
    namespace           TEXT NOT NULL,
    pod                 TEXT NOT NULL,
    cpu_m               INTEGER NOT NULL,
    memory_bytes        INTEGER NOT NULL,
    source              TEXT NOT NULL CHECK (source IN ('top', 'PodMetrics')),
    observed_at         TEXT,                   -- PodMetrics timestamp; NULL for top output
    import_id           INTEGER NOT NULL REFERENCES import(id),
    source_file         TEXT NOT NULL,
    source_line         INTEGER NOT NULL,
    PRIMARY KEY (cluster_id, namespace, pod)
) WITHOUT ROWID;
