-- The six-weekly meeting as a cycle: who answered (by name, for 👥), the agenda before the
-- call, action items and minutes after it, personal reminders, and the calendar feeds.
-- A meeting is (series_id, occurrence): the naive local start in the series' zone, ISO to
-- the minute, as the invitations' payloads name it.

-- The answerer's name as Telegram gave it when they answered (👥 shows it to the group).
ALTER TABLE rsvps ADD COLUMN name TEXT;
-- A user's answers, found without scanning every group's: planning a private chat reads
-- the meetings its user answered ✅ to (and whether a later answer elsewhere replaced
-- it), and the 👥 link offer reads the user's latest answer, for every press.
CREATE INDEX rsvps_by_user ON rsvps(user_id, series_id, occurrence);
-- An invitation whose 👥 shows the answerers' names rather than the counts: kept, so that
-- the message edited in place for a new agenda item keeps showing them.
ALTER TABLE deliveries ADD COLUMN shows_names INTEGER NOT NULL DEFAULT 0;

-- Personal reminders, per user: minutes before a meeting they answered ✅ to, and days
-- before an action item they own is due ('[]': none). Sent only to a private chat the
-- user opened (Telegram forbids the others).
ALTER TABLE users ADD COLUMN meeting_reminders TEXT NOT NULL DEFAULT '[60]';
ALTER TABLE users ADD COLUMN action_reminders TEXT NOT NULL DEFAULT '[3, 1]';

-- What a meeting will talk about, in the order the focal points give it.
CREATE TABLE agenda_items (
    id          INTEGER PRIMARY KEY,
    series_id   TEXT NOT NULL REFERENCES meeting_series(id) ON DELETE CASCADE,
    occurrence  TEXT NOT NULL,
    position    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    language    TEXT NOT NULL,  -- the author's, so other readers see it marked "(es)"
    author_id   INTEGER,        -- NULL: a former member (erased at their request)
    author_name TEXT,
    chat_id     INTEGER REFERENCES chats(id) ON UPDATE CASCADE ON DELETE SET NULL,
    added_at    TEXT NOT NULL   -- UTC
);
CREATE INDEX agenda_by_meeting ON agenda_items(series_id, occurrence, position);

-- Who does what by when, agreed in a meeting of a partnership. The owner is a member
-- (owner_id, their name) or one side of the partnership (owner_side).
CREATE TABLE action_items (
    id             INTEGER PRIMARY KEY,
    partnership_id TEXT NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
    series_id      TEXT,  -- the meeting it was agreed in; NULL if added outside one
    occurrence     TEXT,
    text           TEXT NOT NULL,
    language       TEXT NOT NULL,
    owner_id       INTEGER,
    owner_name     TEXT,
    owner_side     TEXT CHECK (owner_side IN ('north', 'south')),
    due            TEXT NOT NULL,  -- ISO date, in the partnership's own calendar
    chat_id        INTEGER REFERENCES chats(id) ON UPDATE CASCADE ON DELETE SET NULL,
    created_by     INTEGER,
    created_at     TEXT NOT NULL,  -- UTC
    done_at        TEXT,           -- UTC; NULL while open
    done_by        INTEGER
);
CREATE INDEX action_items_open ON action_items(partnership_id, done_at, created_at);
CREATE INDEX action_items_by_owner ON action_items(owner_id) WHERE owner_id IS NOT NULL;

-- A link or a short text attached to a meeting that was held (/exchanges shows it).
CREATE TABLE meeting_minutes (
    series_id  TEXT NOT NULL REFERENCES meeting_series(id) ON DELETE CASCADE,
    occurrence TEXT NOT NULL,
    url        TEXT,
    text       TEXT,
    language   TEXT NOT NULL,
    added_by   INTEGER,
    added_at   TEXT NOT NULL,  -- UTC
    PRIMARY KEY (series_id, occurrence),
    CHECK (url IS NOT NULL OR text IS NOT NULL)
);
CREATE TRIGGER cache_minutes_insert AFTER INSERT ON meeting_minutes BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_minutes_update AFTER UPDATE ON meeting_minutes BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_minutes_delete AFTER DELETE ON meeting_minutes BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;

-- Subscribable calendar URLs: an unguessable token per partnership or per group chat.
-- `/calendar reset` replaces the row, so the old token answers 404 from then on.
CREATE TABLE calendar_feeds (
    token          TEXT PRIMARY KEY,
    partnership_id TEXT UNIQUE REFERENCES partnerships(id) ON DELETE CASCADE,
    chat_id        INTEGER UNIQUE REFERENCES chats(id) ON UPDATE CASCADE ON DELETE CASCADE,
    created_by     INTEGER,
    created_at     TEXT NOT NULL,  -- UTC
    -- When the feed's content was first served, and a digest of it: its DTSTAMP and
    -- Last-Modified stay the same on every poll (and across restarts) until the content
    -- changes, so clients' ETags hold. Here, not in `meta`, whose triggers move the
    -- network's cache generation: serving a changed feed must not drop every kept reply.
    served_digest  TEXT,
    served_at      TEXT,  -- UTC, whole seconds
    CHECK ((partnership_id IS NULL) != (chat_id IS NULL))
);
