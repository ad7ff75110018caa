-- What each stage decided, stored so the next stage reads it instead of computing it again.

-- The plan's sections beside its items: one row per (plan, section), the section as JSON (images, storage, network,
-- identity, compute, waves with their reasons, dependencies with their evidence, cycles). Rewritten by every (re-)plan.
CREATE TABLE plan_section (
    plan_id             INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    body                TEXT NOT NULL,
    PRIMARY KEY (plan_id, name)
) WITHOUT ROWID;

-- What the assessment set apart (replaced by EKS, or in a system namespace), and by which component it is replaced:
-- reports show it apart without loading the inventory again.
ALTER TABLE workload_assessment ADD COLUMN set_apart INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workload_assessment ADD COLUMN component TEXT;

-- Findings silenced by annotations and .eksodus.yaml in that run; NULL for runs stored before these columns existed
-- (their set_apart is unknown too, so `plan` assesses again rather than reuse them).
ALTER TABLE cluster_assessment ADD COLUMN ignored INTEGER;
