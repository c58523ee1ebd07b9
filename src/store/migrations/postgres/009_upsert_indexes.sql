-- v9: two fewer indexes for every exposure written (issue 10, upsert throughput). Each index
-- of ctem_exposures is one more B-tree insertion (and WAL record) per new row, and one more
-- per update that cannot be HOT; these two are keyed by nearly random text, so each insertion
-- lands on its own page:
--   * idx_ctem_exp_key (exposure_key) duplicates the unique (tenant_id, exposure_key): every
--     read of an exposure by key names its tenant (row-level security adds the tenant to
--     every read as well), so the unique index serves them all;
--   * idx_ctem_exp_asset (asset_id, asset_zone) serves no query: nothing in the store, the
--     reports, the jobs or the API filters or joins exposures on asset_id (the zone filter of
--     the exposure listing names asset_zone alone, which this index cannot lead with).
DROP INDEX IF EXISTS idx_ctem_exp_key;
DROP INDEX IF EXISTS idx_ctem_exp_asset;
