-- One meeting of a series moved or cancelled, as coordinators record it (imported with
-- the dataset). Replaces the unused meeting_exceptions table: an id makes it a record
-- like every other in the dataset file.
DROP TABLE meeting_exceptions;
CREATE TABLE meeting_changes (
    id         TEXT PRIMARY KEY,
    series_id  TEXT NOT NULL REFERENCES meeting_series(id) ON DELETE CASCADE,
    occurrence TEXT NOT NULL,  -- the original local start, as the rule gives it
    status     TEXT NOT NULL CHECK (status IN ('cancelled', 'moved')),
    moved_to   TEXT,           -- the new local start, for 'moved'
    UNIQUE (series_id, occurrence)
);

-- Per-chat lead times for event reminders (days) and meeting invitations (days before;
-- NULL: when the previous meeting is over).
ALTER TABLE chats ADD COLUMN event_offsets TEXT NOT NULL DEFAULT '[7]';
ALTER TABLE chats ADD COLUMN invite_days INTEGER;

-- A retry waits until not_before; due_at stays what was planned (lateness is judged on it).
ALTER TABLE deliveries ADD COLUMN not_before TEXT;

-- RSVPs per chat: each group's invitation shows its own members' answers.
DROP TABLE rsvps;
CREATE TABLE rsvps (
    chat_id    INTEGER NOT NULL REFERENCES chats(id) ON UPDATE CASCADE ON DELETE CASCADE,
    series_id  TEXT NOT NULL REFERENCES meeting_series(id) ON DELETE CASCADE,
    occurrence TEXT NOT NULL,
    user_id    INTEGER NOT NULL,
    answer     TEXT NOT NULL CHECK (answer IN ('yes', 'no', 'maybe')),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, series_id, occurrence, user_id)
);
