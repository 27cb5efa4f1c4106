-- Guided conversations (PTB ConversationHandler) kept in the database, so that a restart in
-- the middle of one loses nothing: where each stands, and what its author typed so far.
--
-- `key` is PTB's conversation key as JSON ([chat_id, user_id] for per_chat and per_user);
-- `user_id` is whose conversation it is (NULL: a group's own, keyed by the chat alone), so
-- that forgetting a user finds every row of theirs. `state`: JSON, a number or a string.
CREATE TABLE conversation_states (
    name       TEXT NOT NULL,
    key        TEXT NOT NULL,
    user_id    INTEGER,
    state      TEXT NOT NULL,
    updated_at TEXT NOT NULL,  -- UTC
    PRIMARY KEY (name, key)
) WITHOUT ROWID;
CREATE INDEX conversation_states_by_user ON conversation_states(user_id);

-- What a user has typed so far in one conversation (e.g. the event being made), a JSON
-- object; dropped when the conversation ends.
CREATE TABLE conversation_drafts (
    user_id    INTEGER NOT NULL,
    name       TEXT NOT NULL,
    data       TEXT NOT NULL,
    updated_at TEXT NOT NULL,  -- UTC
    PRIMARY KEY (user_id, name)
) WITHOUT ROWID;
