-- The revision of each calendar entry the bot hands out as an .ics file: its SEQUENCE
-- (RFC 5545, 3.8.7.4), which must rise whenever what the file says changes and never fall
-- for the same UID, or a phone's calendar keeps the old copy. An event's file is its own
-- row; a series' file is its row and its moved and cancelled meetings. Triggers keep the
-- count on every write path (import, example removal, a coordinator's SQL); a row is never
-- deleted here, so a record deleted and imported again goes on from its last revision.
CREATE TABLE calendar_revisions (
    kind     TEXT NOT NULL CHECK (kind IN ('event', 'series')),
    id       TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;

-- Files handed out before carried no SEQUENCE (0): events start there, a series at its
-- number of recorded changes (never lower than 0).
INSERT INTO calendar_revisions (kind, id, revision) SELECT 'event', id, 0 FROM events;
INSERT INTO calendar_revisions (kind, id, revision)
    SELECT 'series', s.id, (SELECT count(*) FROM meeting_changes c WHERE c.series_id = s.id)
    FROM meeting_series s;

CREATE TRIGGER calendar_events_insert AFTER INSERT ON events BEGIN
    INSERT INTO calendar_revisions (kind, id) VALUES ('event', NEW.id)
        ON CONFLICT (kind, id) DO UPDATE SET revision = revision + 1;
END;
-- An import writes every row again: only a change of what the .ics shows counts.
CREATE TRIGGER calendar_events_update AFTER UPDATE ON events
WHEN OLD.id IS NOT NEW.id OR OLD.title IS NOT NEW.title OR OLD.starts IS NOT NEW.starts
    OR OLD.ends IS NOT NEW.ends OR OLD.start_time IS NOT NEW.start_time
    OR OLD.end_time IS NOT NEW.end_time OR OLD.timezone IS NOT NEW.timezone
    OR OLD.online IS NOT NEW.online OR OLD.place IS NOT NEW.place
BEGIN
    INSERT INTO calendar_revisions (kind, id) VALUES ('event', NEW.id)
        ON CONFLICT (kind, id) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER calendar_series_insert AFTER INSERT ON meeting_series BEGIN
    INSERT INTO calendar_revisions (kind, id) VALUES ('series', NEW.id)
        ON CONFLICT (kind, id) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER calendar_series_update AFTER UPDATE ON meeting_series
WHEN OLD.id IS NOT NEW.id OR OLD.title IS NOT NEW.title OR OLD.rrule IS NOT NEW.rrule
    OR OLD.dtstart IS NOT NEW.dtstart OR OLD.timezone IS NOT NEW.timezone
    OR OLD.duration_minutes IS NOT NEW.duration_minutes OR OLD.join_url IS NOT NEW.join_url
    OR OLD.note IS NOT NEW.note
BEGIN
    INSERT INTO calendar_revisions (kind, id) VALUES ('series', NEW.id)
        ON CONFLICT (kind, id) DO UPDATE SET revision = revision + 1;
END;

-- A meeting moved, cancelled, or given back to the rule: its series' file changes.
CREATE TRIGGER calendar_changes_insert AFTER INSERT ON meeting_changes BEGIN
    INSERT INTO calendar_revisions (kind, id) VALUES ('series', NEW.series_id)
        ON CONFLICT (kind, id) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER calendar_changes_update AFTER UPDATE ON meeting_changes
WHEN OLD.series_id IS NOT NEW.series_id OR OLD.occurrence IS NOT NEW.occurrence
    OR OLD.status IS NOT NEW.status OR OLD.moved_to IS NOT NEW.moved_to
BEGIN
    UPDATE calendar_revisions SET revision = revision + 1
        WHERE kind = 'series' AND id IN (OLD.series_id, NEW.series_id);
END;
CREATE TRIGGER calendar_changes_delete AFTER DELETE ON meeting_changes BEGIN
    UPDATE calendar_revisions SET revision = revision + 1
        WHERE kind = 'series' AND id = OLD.series_id;
END;
