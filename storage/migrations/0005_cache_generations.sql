-- What the read cache (storage/cache.py) needs to drop only what a commit changed.
-- PRAGMA data_version moves on every commit, the outbox's included; these counters move
-- only with the data a kept read depends on, whichever connection or process commits:
--   network: the network's data (and meta, where the search index records its version);
--   parties: a user's or chat's settings or subscriptions, and which one in
--            cache_touched_parties (Telegram ids: a private chat's id is its user's).
-- The outbox (deliveries) and RSVPs have none: nothing kept is read from them.
CREATE TABLE cache_generations (
    domain TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
);
INSERT INTO cache_generations (domain, value) VALUES ('network', 0), ('parties', 0);

-- One row per user or chat whose settings ever changed: the parties generation it changed in.
CREATE TABLE cache_touched_parties (
    id         INTEGER PRIMARY KEY,
    generation INTEGER NOT NULL
);
CREATE INDEX cache_touched_by_generation ON cache_touched_parties (generation);

-- The network's tables: any row written moves the network generation.
CREATE TRIGGER cache_programmes_insert AFTER INSERT ON programmes BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_programmes_update AFTER UPDATE ON programmes BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_programmes_delete AFTER DELETE ON programmes BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_phases_insert AFTER INSERT ON phases BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_phases_update AFTER UPDATE ON phases BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_phases_delete AFTER DELETE ON phases BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_milestones_insert AFTER INSERT ON milestones BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_milestones_update AFTER UPDATE ON milestones BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_milestones_delete AFTER DELETE ON milestones BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_municipalities_insert AFTER INSERT ON municipalities BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_municipalities_update AFTER UPDATE ON municipalities BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_municipalities_delete AFTER DELETE ON municipalities BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_topics_insert AFTER INSERT ON topics BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_topics_update AFTER UPDATE ON topics BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_topics_delete AFTER DELETE ON topics BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_partnerships_insert AFTER INSERT ON partnerships BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_partnerships_update AFTER UPDATE ON partnerships BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_partnerships_delete AFTER DELETE ON partnerships BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_partnership_topics_insert AFTER INSERT ON partnership_topics BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_partnership_topics_update AFTER UPDATE ON partnership_topics BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_partnership_topics_delete AFTER DELETE ON partnership_topics BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_events_insert AFTER INSERT ON events BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_events_update AFTER UPDATE ON events BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_events_delete AFTER DELETE ON events BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_meeting_series_insert AFTER INSERT ON meeting_series BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_meeting_series_update AFTER UPDATE ON meeting_series BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_meeting_series_delete AFTER DELETE ON meeting_series BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_meeting_changes_insert AFTER INSERT ON meeting_changes BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_meeting_changes_update AFTER UPDATE ON meeting_changes BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_meeting_changes_delete AFTER DELETE ON meeting_changes BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_meta_insert AFTER INSERT ON meta BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_meta_update AFTER UPDATE ON meta BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;
CREATE TRIGGER cache_meta_delete AFTER DELETE ON meta BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'network';
END;

-- Settings of users and chats, and what chats follow: the row's party, old and new.
-- DELETE then INSERT, not INSERT OR REPLACE: an outer statement's conflict clause (an
-- upsert, UPDATE OR IGNORE) would override the trigger's.
CREATE TRIGGER cache_users_insert AFTER INSERT ON users BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'parties';
    DELETE FROM cache_touched_parties WHERE id = NEW.id;
    INSERT INTO cache_touched_parties (id, generation)
        SELECT NEW.id, value FROM cache_generations WHERE domain = 'parties';
END;
CREATE TRIGGER cache_users_update AFTER UPDATE ON users BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'parties';
    DELETE FROM cache_touched_parties WHERE id = OLD.id;
    INSERT INTO cache_touched_parties (id, generation)
        SELECT OLD.id, value FROM cache_generations WHERE domain = 'parties';
    DELETE FROM cache_touched_parties WHERE id = NEW.id;
    INSERT INTO cache_touched_parties (id, generation)
        SELECT NEW.id, value FROM cache_generations WHERE domain = 'parties';
END;
CREATE TRIGGER cache_users_delete AFTER DELETE ON users BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'parties';
    DELETE FROM cache_touched_parties WHERE id = OLD.id;
    INSERT INTO cache_touched_parties (id, generation)
        SELECT OLD.id, value FROM cache_generations WHERE domain = 'parties';
END;
CREATE TRIGGER cache_chats_insert AFTER INSERT ON chats BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'parties';
    DELETE FROM cache_touched_parties WHERE id = NEW.id;
    INSERT INTO cache_touched_parties (id, generation)
        SELECT NEW.id, value FROM cache_generations WHERE domain = 'parties';
END;
CREATE TRIGGER cache_chats_update AFTER UPDATE ON chats BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'parties';
    DELETE FROM cache_touched_parties WHERE id = OLD.id;
    INSERT INTO cache_touched_parties (id, generation)
        SELECT OLD.id, value FROM cache_generations WHERE domain = 'parties';
    DELETE FROM cache_touched_parties WHERE id = NEW.id;
    INSERT INTO cache_touched_parties (id, generation)
        SELECT NEW.id, value FROM cache_generations WHERE domain = 'parties';
END;
CREATE TRIGGER cache_chats_delete AFTER DELETE ON chats BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'parties';
    DELETE FROM cache_touched_parties WHERE id = OLD.id;
    INSERT INTO cache_touched_parties (id, generation)
        SELECT OLD.id, value FROM cache_generations WHERE domain = 'parties';
END;
CREATE TRIGGER cache_subscriptions_insert AFTER INSERT ON subscriptions BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'parties';
    DELETE FROM cache_touched_parties WHERE id = NEW.chat_id;
    INSERT INTO cache_touched_parties (id, generation)
        SELECT NEW.chat_id, value FROM cache_generations WHERE domain = 'parties';
END;
CREATE TRIGGER cache_subscriptions_update AFTER UPDATE ON subscriptions BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'parties';
    DELETE FROM cache_touched_parties WHERE id = OLD.chat_id;
    INSERT INTO cache_touched_parties (id, generation)
        SELECT OLD.chat_id, value FROM cache_generations WHERE domain = 'parties';
    DELETE FROM cache_touched_parties WHERE id = NEW.chat_id;
    INSERT INTO cache_touched_parties (id, generation)
        SELECT NEW.chat_id, value FROM cache_generations WHERE domain = 'parties';
END;
CREATE TRIGGER cache_subscriptions_delete AFTER DELETE ON subscriptions BEGIN
    UPDATE cache_generations SET value = value + 1 WHERE domain = 'parties';
    DELETE FROM cache_touched_parties WHERE id = OLD.chat_id;
    INSERT INTO cache_touched_parties (id, generation)
        SELECT OLD.chat_id, value FROM cache_generations WHERE domain = 'parties';
END;
