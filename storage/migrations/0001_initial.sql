-- The whole domain, as DESIGN.md names it. Localized texts are JSON objects whose first
-- key is the original language; dates known only to the month are ISO partial dates
-- ('2014-11'); instants are UTC ISO 8601 text; wall-clock times carry their IANA zone.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE programmes (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    operators TEXT,
    started   TEXT,
    note      TEXT,
    example   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE phases (
    id                TEXT PRIMARY KEY,
    programme_id      TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    number            INTEGER,
    region            TEXT,
    starts            TEXT,
    ends              TEXT,
    partnership_count INTEGER,
    note              TEXT,
    example           INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE milestones (
    id       TEXT PRIMARY KEY,
    phase_id TEXT NOT NULL REFERENCES phases(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title    TEXT NOT NULL,
    due      TEXT NOT NULL,
    example  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX milestones_by_phase ON milestones(phase_id, position);

CREATE TABLE municipalities (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    country  TEXT NOT NULL CHECK (length(country) = 2),
    timezone TEXT NOT NULL
);

CREATE TABLE topics (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE partnerships (
    id           TEXT PRIMARY KEY,
    north_id     TEXT NOT NULL REFERENCES municipalities(id),
    south_id     TEXT NOT NULL REFERENCES municipalities(id),
    programme_id TEXT REFERENCES programmes(id),
    phase_id     TEXT REFERENCES phases(id),
    since        TEXT,
    note         TEXT,
    CHECK (north_id <> south_id)
);

CREATE TABLE partnership_topics (
    partnership_id TEXT NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
    topic_id       TEXT NOT NULL REFERENCES topics(id),
    position       INTEGER NOT NULL,
    PRIMARY KEY (partnership_id, topic_id)
);

CREATE TABLE events (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('delegation_visit', 'expert_secondment',
                       'workshop', 'network_meeting', 'kickoff', 'virtual_meeting')),
    title          TEXT NOT NULL,
    starts         TEXT NOT NULL,
    ends           TEXT,
    start_time     TEXT,
    end_time       TEXT,
    timezone       TEXT,
    online         INTEGER NOT NULL DEFAULT 0,
    place          TEXT,
    partnership_id TEXT REFERENCES partnerships(id) ON DELETE CASCADE,
    phase_id       TEXT REFERENCES phases(id) ON DELETE CASCADE,
    programme_id   TEXT REFERENCES programmes(id) ON DELETE CASCADE,
    languages      TEXT NOT NULL DEFAULT '[]',
    example        INTEGER NOT NULL DEFAULT 0,
    -- Derived from starts + start_time + timezone when all are known; for ordering.
    starts_at_utc  TEXT
);
CREATE INDEX events_by_start ON events(starts_at_utc);

CREATE TABLE meeting_series (
    id               TEXT PRIMARY KEY,
    partnership_id   TEXT NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
    title            TEXT NOT NULL,
    rrule            TEXT NOT NULL,
    dtstart          TEXT NOT NULL,  -- local wall-clock time in `timezone`
    timezone         TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL DEFAULT 60 CHECK (duration_minutes > 0),
    join_url         TEXT,
    note             TEXT,
    example          INTEGER NOT NULL DEFAULT 0
);

-- One occurrence of a series moved or cancelled (RFC 5545 RECURRENCE-ID / EXDATE).
CREATE TABLE meeting_exceptions (
    series_id      TEXT NOT NULL REFERENCES meeting_series(id) ON DELETE CASCADE,
    occurrence     TEXT NOT NULL,  -- original local start
    status         TEXT NOT NULL CHECK (status IN ('cancelled', 'moved')),
    moved_to       TEXT,           -- new local start, for 'moved'
    PRIMARY KEY (series_id, occurrence)
);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,  -- Telegram user id
    language        TEXT,
    timezone        TEXT,
    municipality_id TEXT REFERENCES municipalities(id) ON DELETE SET NULL
);

CREATE TABLE chats (
    id               INTEGER PRIMARY KEY,  -- Telegram chat id
    type             TEXT NOT NULL,
    title            TEXT,
    languages        TEXT NOT NULL DEFAULT '[]',  -- JSON list; a group may post in several
    timezone         TEXT,
    deadline_offsets TEXT NOT NULL DEFAULT '[14, 3, 1]',  -- days before a deadline
    meeting_offsets  TEXT NOT NULL DEFAULT '[1440, 60]',  -- minutes before a meeting
    paused_reason    TEXT  -- set when Telegram refuses us (403); subscriptions wait
);

CREATE TABLE subscriptions (
    id          INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL REFERENCES chats(id) ON UPDATE CASCADE ON DELETE CASCADE,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('partnership', 'phase', 'programme')),
    target_id   TEXT NOT NULL,
    created_by  INTEGER,
    created_at  TEXT NOT NULL,
    UNIQUE (chat_id, target_kind, target_id)
);

-- The reminder outbox: one row per (reminder, chat), planned ahead, sent exactly once.
CREATE TABLE deliveries (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL,  -- what is reminded of, e.g. 'milestone:p4-m1:14d'
    chat_id    INTEGER NOT NULL REFERENCES chats(id) ON UPDATE CASCADE ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    due_at     TEXT NOT NULL,  -- UTC
    payload    TEXT NOT NULL DEFAULT '{}',
    status     TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    message_id INTEGER,
    sent_at    TEXT,
    error      TEXT,
    UNIQUE (key, chat_id)
);
CREATE INDEX deliveries_due ON deliveries(status, due_at);

CREATE TABLE rsvps (
    series_id  TEXT NOT NULL REFERENCES meeting_series(id) ON DELETE CASCADE,
    occurrence TEXT NOT NULL,
    user_id    INTEGER NOT NULL,
    answer     TEXT NOT NULL CHECK (answer IN ('yes', 'no', 'maybe')),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (series_id, occurrence, user_id)
);
