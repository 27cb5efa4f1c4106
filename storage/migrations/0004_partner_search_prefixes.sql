-- The partner index again, with prefix indexes for words of one to twelve characters.
-- Every query word is a prefix ("sudort"*), and without an index FTS5 merges the lists of
-- all words it begins on each query: 0.3 ms for a word in 10,000 rows, more for "0"*
-- (10,000 numbered towns). An index 7.6 times as large (9.8 MB at 10,000 partnerships) buys
-- one list read for nearly every word people type. FTS5 options cannot be altered, so
-- the table is made anew, empty; storage/search.py refills it on start (INDEX_VERSION 2).
DROP TABLE partnership_search;
CREATE VIRTUAL TABLE partnership_search USING fts5(
    partnership_id UNINDEXED,
    towns,
    countries,
    topics,
    phase,
    programme,
    tokenize = "unicode61 remove_diacritics 2",
    prefix = '1 2 3 4 5 6 7 8 9 10 11 12'
);
