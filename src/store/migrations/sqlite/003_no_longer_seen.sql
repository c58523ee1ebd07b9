-- v3: when the tool reported an exposure gone (Snyk's removedIssues), in the same UTC text
-- form as every other timestamp here. NULL while the exposure is still reported; marking
-- keeps the first report, and the next sighting (upsert) clears it.
ALTER TABLE ctem_exposures ADD COLUMN no_longer_seen_at TEXT;
