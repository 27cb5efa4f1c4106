-- Events get a join link and a note, as meeting series have; a moved or cancelled
-- meeting keeps why, for the correction the groups get. Both are edited from the chat.
ALTER TABLE events ADD COLUMN join_url TEXT;
ALTER TABLE events ADD COLUMN note TEXT;
ALTER TABLE meeting_changes ADD COLUMN reason TEXT;

-- An event's .ics now carries its link and note: a change of them is a new revision.
DROP TRIGGER calendar_events_update;
CREATE TRIGGER calendar_events_update AFTER UPDATE ON events
WHEN OLD.id IS NOT NEW.id OR OLD.title IS NOT NEW.title OR OLD.starts IS NOT NEW.starts
    OR OLD.ends IS NOT NEW.ends OR OLD.start_time IS NOT NEW.start_time
    OR OLD.end_time IS NOT NEW.end_time OR OLD.timezone IS NOT NEW.timezone
    OR OLD.online IS NOT NEW.online OR OLD.place IS NOT NEW.place
    OR OLD.join_url IS NOT NEW.join_url OR OLD.note IS NOT NEW.note
BEGIN
    INSERT INTO calendar_revisions (kind, id) VALUES ('event', NEW.id)
        ON CONFLICT (kind, id) DO UPDATE SET revision = revision + 1;
END;
