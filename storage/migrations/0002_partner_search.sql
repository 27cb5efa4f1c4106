-- Full-text index over partnerships: towns, countries (in every language), topics, phase
-- and programme names. Texts are folded (NFKD, no accents, casefold: ß -> ss) before they
-- are written here and before a query, so "giessen" finds "Gießen"; unicode61 with
-- remove_diacritics 2 folds what is left. Kept in step by storage/network.py on every save.
CREATE VIRTUAL TABLE partnership_search USING fts5(
    partnership_id UNINDEXED,
    towns,
    countries,
    topics,
    phase,
    programme,
    tokenize = "unicode61 remove_diacritics 2"
);
