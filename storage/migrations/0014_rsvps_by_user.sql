-- A user's answers, found without scanning every group's: planning a private chat reads
-- the meetings its user answered ✅ to (and whether a later answer elsewhere replaced
-- it), and the 👥 link offer reads the user's latest answer, for every press.
CREATE INDEX rsvps_by_user ON rsvps(user_id, series_id, occurrence);
