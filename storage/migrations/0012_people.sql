-- The contact directory (/listme, /contacts): a row only while its person chose to be
-- listed, holding only what the directory shows. Unlisting or /forgetme deletes it. The
-- town comes from users.municipality_id, the roles from coordinators and focal_points.
CREATE TABLE people (
    user_id   INTEGER PRIMARY KEY,  -- Telegram user id
    name      TEXT NOT NULL,        -- as Telegram gives it, kept fresh when they write
    username  TEXT,                 -- without the @
    languages TEXT NOT NULL DEFAULT '[]',  -- JSON list of the languages they read
    listed_at TEXT NOT NULL         -- UTC, when they chose to be listed
);
