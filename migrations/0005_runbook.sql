-- The runbook: each checklist item carries the commands that perform it and those that undo it (JSON arrays of lines).
ALTER TABLE plan_item ADD COLUMN commands TEXT NOT NULL DEFAULT '[]';
ALTER TABLE plan_item ADD COLUMN rollback_commands TEXT NOT NULL DEFAULT '[]';
