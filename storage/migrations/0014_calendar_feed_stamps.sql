-- When each calendar feed's content was first served, and a digest of that content: the
-- feed's DTSTAMP and Last-Modified stay the same on every poll (and across restarts) until
-- the content changes, so clients' ETags hold. Kept on the feed's own row, not in `meta`,
-- whose triggers move the network's cache generation: serving a changed feed must not drop
-- every reply the bot keeps.
ALTER TABLE calendar_feeds ADD COLUMN served_digest TEXT;
ALTER TABLE calendar_feeds ADD COLUMN served_at TEXT;  -- UTC, whole seconds
