-- Phase two: transition plans, their waves and checklist items. Phase three tracks the items' states.

CREATE TABLE plan (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE,
    target_version      TEXT NOT NULL,
    region              TEXT NOT NULL,
    account_id          TEXT NOT NULL,
    scope               TEXT,                   -- the --cluster given, NULL for every cluster
    settings            TEXT NOT NULL DEFAULT '{}',
    assessment_id       INTEGER REFERENCES assessment(id) ON DELETE SET NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

-- Which wave each workload moves in, and why.
CREATE TABLE plan_workload (
    plan_id             INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    workload_id         INTEGER NOT NULL REFERENCES workload(id) ON DELETE CASCADE,
    wave                INTEGER NOT NULL,
    reason              TEXT NOT NULL,
    cycle               INTEGER,                -- members of one dependency cycle share a number
    PRIMARY KEY (plan_id, workload_id)
) WITHOUT ROWID;

-- Consumer → provider edges the plan found in the manifests.
CREATE TABLE plan_dependency (
    plan_id             INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    consumer_id         INTEGER NOT NULL REFERENCES workload(id) ON DELETE CASCADE,
    provider_id         INTEGER NOT NULL REFERENCES workload(id) ON DELETE CASCADE,
    evidence            TEXT NOT NULL,          -- e.g. env DB_HOST=orders-db.data:5432 → Service data/orders-db
    PRIMARY KEY (plan_id, consumer_id, provider_id, evidence)
) WITHOUT ROWID;

-- Checklist items of the three phases. `key` is the stable handle (deploy:prod/shop/checkout, images:wave-2):
-- re-planning keeps the row (and its state and history) for every key that still exists and marks the rest obsolete.
CREATE TABLE plan_item (
    id                  INTEGER PRIMARY KEY,
    plan_id             INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
    key                 TEXT NOT NULL,
    phase               TEXT NOT NULL CHECK (phase IN ('assessment', 'plan', 'cutover')),
    step                TEXT NOT NULL,          -- images, data, deploy, smoke, traffic, scaledown, optimize, ...
    title               TEXT NOT NULL,
    cluster_id          INTEGER REFERENCES cluster(id) ON DELETE CASCADE,
    wave                INTEGER,
    workload_id         INTEGER REFERENCES workload(id) ON DELETE SET NULL,
    prerequisites       TEXT NOT NULL DEFAULT '[]',  -- JSON array of keys
    evidence            TEXT NOT NULL DEFAULT '',    -- what in the inventory made the item necessary
    rollback            TEXT NOT NULL DEFAULT '',
    position            INTEGER NOT NULL,       -- plan order
    state               TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'in_progress', 'done', 'blocked', 'skipped')),
    state_note          TEXT,
    obsolete            INTEGER NOT NULL DEFAULT 0,
    updated_at          TEXT NOT NULL,
    UNIQUE (plan_id, key)
);
CREATE INDEX plan_item_plan ON plan_item(plan_id, position);
