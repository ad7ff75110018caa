-- Phase three: the audit trail of every change to a checklist item's state. Append-only: rows are never updated or deleted.

CREATE TABLE event (
    id                  INTEGER PRIMARY KEY,
    plan_id             INTEGER NOT NULL REFERENCES plan(id),
    item_id             INTEGER NOT NULL REFERENCES plan_item(id),
    at                  TEXT NOT NULL,
    actor               TEXT NOT NULL,
    action              TEXT NOT NULL,          -- start, done, block, skip, reopen
    from_state          TEXT NOT NULL,
    to_state            TEXT NOT NULL,
    note                TEXT,
    forced              INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX event_item ON event(item_id, id);
CREATE INDEX event_plan ON event(plan_id, id);

CREATE TRIGGER event_is_append_only_update BEFORE UPDATE ON event
BEGIN
    SELECT RAISE(ABORT, 'the cutover audit trail is append-only');
END;

CREATE TRIGGER event_is_append_only_delete BEFORE DELETE ON event
BEGIN
    SELECT RAISE(ABORT, 'the cutover audit trail is append-only');
END;
