-- Who may change the network's data from Telegram, and what each change did.
--
-- Coordinators appointed in chat (those of PARTNERBOT_ADMINS are coordinators without a
-- row here); focal points of a partnership, one or more on each side.
CREATE TABLE coordinators (
    user_id      INTEGER PRIMARY KEY,
    appointed_by INTEGER,  -- NULL once the appointer asked to be forgotten
    appointed_at TEXT NOT NULL
);

CREATE TABLE focal_points (
    partnership_id TEXT NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL,
    side           TEXT NOT NULL CHECK (side IN ('north', 'south')),
    appointed_by   INTEGER,
    appointed_at   TEXT NOT NULL,
    PRIMARY KEY (partnership_id, user_id)
);
CREATE INDEX focal_points_by_user ON focal_points(user_id);

-- One row per change of a record made from the chat: who, when, which record, the record
-- before and after (the dataset file's form, JSON; NULL: it did not exist). Kept out of
-- `partnerbot export`. `actor` NULL: a former member (erased at their request).
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,  -- UTC
    actor     INTEGER,
    kind      TEXT NOT NULL CHECK (kind IN ('event', 'milestone', 'series', 'change')),
    record_id TEXT NOT NULL,
    before    TEXT,
    after     TEXT,
    undoes    INTEGER REFERENCES audit(id),  -- this row takes that change back
    undone_by INTEGER REFERENCES audit(id)
);
CREATE INDEX audit_by_record ON audit(kind, record_id, id);
CREATE INDEX audit_by_actor ON audit(actor, id);
