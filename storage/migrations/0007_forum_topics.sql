-- Forum supergroups: the topic (message_thread_id) where a group's scheduled posts go,
-- chosen by /topic or by /subscribe sent inside it. NULL: the chat itself (General).
ALTER TABLE chats ADD COLUMN post_thread INTEGER;
