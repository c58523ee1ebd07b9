-- v5: state of the scheduled jobs (issue 7: SLA enforcer, remediation checker, scope
-- discovery, detection-gap feedback, outbox relay). Timestamps are the same UTC text as
-- everywhere in this schema.

-- The outbox carries every message the engine raises itself, not only alerts: `topic` is
-- where the relay publishes the row (ctem.alerts, or ctem.rescan for re-scan requests).
-- `dedup_key` names what the row is about (e.g. SLA_BREACH:<tenant>:<key>:<level>), so two
-- job runs racing each other write one row, not two; NULL for rows that may repeat
-- (regressions). `lease_until` is how long a relay has claimed an unpublished row.
ALTER TABLE ctem_alert_outbox ADD COLUMN topic TEXT NOT NULL DEFAULT 'ctem.alerts';
ALTER TABLE ctem_alert_outbox ADD COLUMN dedup_key TEXT;
ALTER TABLE ctem_alert_outbox ADD COLUMN lease_until TEXT;
CREATE UNIQUE INDEX idx_ctem_outbox_dedup ON ctem_alert_outbox (dedup_key);

-- SLA at-risk warnings are sent once per exposure per deadline: the deadline last warned for.
ALTER TABLE ctem_exposures ADD COLUMN sla_warned_deadline TEXT;

-- Detection-gap alerts (FEEDBACK-001) are raised once per validation, in the upsert.
ALTER TABLE ctem_validations ADD COLUMN gap_alerted_at TEXT;

-- Re-scan requests are sent once per deployed fix: when, and for which fix_deployed_date.
ALTER TABLE ctem_remediations ADD COLUMN rescan_requested_at TEXT;
ALTER TABLE ctem_remediations ADD COLUMN rescan_requested_for TEXT;

-- The asset inventory scope discovery keeps (erratum 14): every asset type, first and last
-- seen in telemetry. `new_alert_first_seen` is the first sighting of the appearance last
-- alerted as new (SCOPE-002), so one appearance alerts once however often discovery runs.
CREATE TABLE ctem_assets (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id            TEXT NOT NULL DEFAULT 'default',
    asset_id             TEXT NOT NULL,
    asset_type           TEXT NOT NULL,
    asset_zone           TEXT NOT NULL,
    risk_category        TEXT NOT NULL DEFAULT '',
    ctem_scope           TEXT NOT NULL DEFAULT '',
    zone_source          TEXT NOT NULL DEFAULT 'rule',
    first_seen           TEXT NOT NULL,
    last_seen            TEXT NOT NULL,
    new_alert_first_seen TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    UNIQUE (tenant_id, asset_type, asset_id)
);
CREATE INDEX idx_ctem_assets_last_seen ON ctem_assets (tenant_id, last_seen);

-- The last run of each scheduled job: a restarted scheduler runs a job it missed at once, and
-- operators see when each job last ran and what it did.
CREATE TABLE ctem_job_runs (
    job          TEXT PRIMARY KEY,
    last_run_at  TEXT NOT NULL,
    last_status  TEXT NOT NULL,
    last_summary TEXT NOT NULL DEFAULT '{}',
    runs         INTEGER NOT NULL DEFAULT 0,
    updated_at   TEXT NOT NULL
);
