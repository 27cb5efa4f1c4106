-- The audit trail also records checklist items changed from the chat (kind
-- 'checklist_item'). SQLite cannot change a CHECK, so the table is rebuilt with the same
-- rows and ids: its own references (undoes, undone_by) first point at the new table, which
-- the rename then calls "audit".
CREATE TABLE audit_new (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,  -- UTC
    actor     INTEGER,
    kind      TEXT NOT NULL CHECK (kind IN ('event', 'milestone', 'series', 'change',
                  'checklist_item')),
    record_id TEXT NOT NULL,
    before    TEXT,
    after     TEXT,
    undoes    INTEGER REFERENCES audit_new(id),  -- this row takes that change back
    undone_by INTEGER REFERENCES audit_new(id)
);
-- In id order an undo's `undoes` is already there; `undone_by` points later: set after.
INSERT INTO audit_new (id, at, actor, kind, record_id, before, after, undoes)
    SELECT id, at, actor, kind, record_id, before, after, undoes FROM audit ORDER BY id;
UPDATE audit_new SET undone_by = (SELECT undone_by FROM audit WHERE audit.id = audit_new.id);
DROP TABLE audit;
ALTER TABLE audit_new RENAME TO audit;
CREATE INDEX audit_by_record ON audit(kind, record_id, id);
CREATE INDEX audit_by_actor ON audit(actor, id);
