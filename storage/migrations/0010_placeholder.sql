-- Placeholder: number 0010 belongs to another branch of issue 15; whoever merges drops this
-- file for theirs (migrations must be numbered without gaps).
SELECT 1;
