-- A chat's rows, found without scanning the outbox: a re-plan in slices replaces the
-- pending rows of a few chats at a time, and (status, due_at) alone made each slice read
-- every pending row.
CREATE INDEX deliveries_by_chat ON deliveries(chat_id, status, due_at);
