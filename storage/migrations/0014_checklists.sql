-- Checklists of exchanges (a visit's visa appointment, invitation letter, insurance):
-- templates per kind of exchange and direction, each exchange's own items made from one,
-- and who ticked which. Due days are not stored: an item is due its lead time before the
-- exchange's first day, so a moved exchange moves them.

-- Which town's people travel (north or south): picks the template, and whose focal
-- points an item of the host's or the travellers' is for.
ALTER TABLE events ADD COLUMN travelling TEXT CHECK (travelling IN ('north', 'south'));

CREATE TABLE checklist_templates (
    id       TEXT PRIMARY KEY,
    template TEXT NOT NULL CHECK (template IN ('south_north_visit', 'north_south_visit',
                 'expert_secondment', 'workshop_travel')),
    position INTEGER NOT NULL,
    title    TEXT NOT NULL,  -- JSON, per language
    side     TEXT NOT NULL CHECK (side IN ('host', 'travelling', 'both')),
    lead     TEXT NOT NULL,  -- '8 weeks', '3 days'
    note     TEXT
);
CREATE INDEX checklist_templates_by_template ON checklist_templates(template, position);

CREATE TABLE checklist_items (
    id           TEXT PRIMARY KEY,
    event_id     TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    title        TEXT NOT NULL,
    side         TEXT NOT NULL CHECK (side IN ('host', 'travelling', 'both')),
    lead         TEXT NOT NULL,
    note         TEXT,
    done_on      TEXT,     -- the UTC day it was ticked (the dataset file carries it)
    -- Who ticked it and when: kept here only, never exported; NULL after an import or
    -- once the person asked to be forgotten.
    done_at      TEXT,     -- UTC
    done_by      INTEGER,
    done_by_name TEXT
);
CREATE INDEX checklist_items_by_event ON checklist_items(event_id, position);
CREATE INDEX checklist_items_by_ticker ON checklist_items(done_by) WHERE done_by IS NOT NULL;

-- An item opened again (by a tick taken back or an import) forgets who ticked it.
CREATE TRIGGER checklist_items_reopened AFTER UPDATE OF done_on ON checklist_items
WHEN NEW.done_on IS NULL AND (NEW.done_at IS NOT NULL OR NEW.done_by IS NOT NULL)
BEGIN
    UPDATE checklist_items SET done_at = NULL, done_by = NULL, done_by_name = NULL
    WHERE id = NEW.id;
END;

-- The exchanges whose checklist was made (from a template or by an import): a later edit
-- of the exchange does not make it again, even when every item was removed.
CREATE TABLE checklists (
    event_id TEXT PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE
);

CREATE TRIGGER cache_checklist_templates_insert AFTER INSERT ON checklist_templates BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_checklist_templates_update AFTER UPDATE ON checklist_templates BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_checklist_templates_delete AFTER DELETE ON checklist_templates BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_checklist_items_insert AFTER INSERT ON checklist_items BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_checklist_items_update AFTER UPDATE ON checklist_items BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_checklist_items_delete AFTER DELETE ON checklist_items BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
