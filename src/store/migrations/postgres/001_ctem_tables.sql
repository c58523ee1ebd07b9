-- ALUSKORT CTEM schema v1 (PostgreSQL 15). The seed's section 2.1 tables with every column and
-- index, plus what the errata need:
--   * uniqueness per tenant (tenant_id, exposure_key): two tenants' identical findings are two
--     rows while the key formula stays the seed's;
--   * created_at is first seen and never changes; ts is last seen (erratum 2);
--   * escalation_level / sla_breached / escalated_at on exposures (erratum 8);
--   * redetection_count / last_redetected_at and the ctem_alert_outbox (erratum 10);
--   * zone_source: whether the zone came from rules, the static map, a file or the graph.
-- Scores are DOUBLE PRECISION rather than the seed's REAL (float4): both backends then hold
-- the same binary values and every aggregate is identical across them.

CREATE TABLE ctem_exposures (
    id                   BIGSERIAL PRIMARY KEY,
    exposure_key         TEXT NOT NULL,
    ts                   TIMESTAMPTZ NOT NULL,
    source_tool          TEXT NOT NULL,
    title                TEXT NOT NULL,
    description          TEXT,
    severity             TEXT NOT NULL,
    original_severity    TEXT NOT NULL,
    asset_id             TEXT NOT NULL,
    asset_type           TEXT NOT NULL,
    asset_zone           TEXT NOT NULL,
    exploitability_score DOUBLE PRECISION NOT NULL,
    physical_consequence TEXT NOT NULL,
    ctem_score           DOUBLE PRECISION NOT NULL,
    atlas_technique      TEXT DEFAULT '',
    attack_technique     TEXT DEFAULT '',
    threat_model_ref     TEXT DEFAULT '',
    status               TEXT NOT NULL DEFAULT 'Open',
    assigned_to          TEXT DEFAULT '',
    sla_deadline         TIMESTAMPTZ,
    remediation_guidance TEXT DEFAULT '',
    evidence_url         TEXT DEFAULT '',
    tenant_id            TEXT NOT NULL DEFAULT 'default',
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    severity_rank        INTEGER NOT NULL DEFAULT 0,
    zone_source          TEXT NOT NULL DEFAULT 'rule',
    escalation_level     TEXT NOT NULL DEFAULT '',
    sla_breached         BOOLEAN NOT NULL DEFAULT FALSE,
    escalated_at         TIMESTAMPTZ,
    redetection_count    INTEGER NOT NULL DEFAULT 0,
    last_redetected_at   TIMESTAMPTZ,
    UNIQUE (tenant_id, exposure_key)
);

CREATE INDEX idx_ctem_exp_key ON ctem_exposures (exposure_key);
CREATE INDEX idx_ctem_exp_ts ON ctem_exposures (ts);
CREATE INDEX idx_ctem_exp_status ON ctem_exposures (status, severity);
CREATE INDEX idx_ctem_exp_sla ON ctem_exposures (sla_deadline)
    WHERE status IN ('Open', 'InProgress');
CREATE INDEX idx_ctem_exp_atlas ON ctem_exposures (atlas_technique)
    WHERE atlas_technique != '';
CREATE INDEX idx_ctem_exp_asset ON ctem_exposures (asset_id, asset_zone);
CREATE INDEX idx_ctem_exp_tool ON ctem_exposures (source_tool, ts);

CREATE TABLE ctem_validations (
    id                      BIGSERIAL PRIMARY KEY,
    validation_id           TEXT NOT NULL,
    exposure_id             TEXT NOT NULL,
    campaign_id             TEXT NOT NULL,
    ts                      TIMESTAMPTZ NOT NULL,
    validation_type         TEXT NOT NULL,
    exploitable             BOOLEAN NOT NULL DEFAULT FALSE,
    exploit_complexity      TEXT NOT NULL DEFAULT 'unknown',
    attack_path             TEXT,
    physical_consequence_demonstrated BOOLEAN NOT NULL DEFAULT FALSE,
    detection_evaded        BOOLEAN NOT NULL DEFAULT FALSE,
    detection_rules_tested  JSONB DEFAULT '[]',
    detection_gaps          JSONB DEFAULT '[]',
    tester                  TEXT DEFAULT '',
    evidence_url            TEXT DEFAULT '',
    tenant_id               TEXT NOT NULL DEFAULT 'default',
    created_at              TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, validation_id)
);

CREATE INDEX idx_ctem_val_exposure ON ctem_validations (exposure_id);
CREATE INDEX idx_ctem_val_campaign ON ctem_validations (campaign_id, ts);
CREATE INDEX idx_ctem_val_evaded ON ctem_validations (detection_evaded)
    WHERE detection_evaded = TRUE;

CREATE TABLE ctem_remediations (
    id                  BIGSERIAL PRIMARY KEY,
    remediation_id      TEXT NOT NULL,
    exposure_id         TEXT NOT NULL,
    ts                  TIMESTAMPTZ NOT NULL,
    status              TEXT NOT NULL DEFAULT 'Assigned',
    assigned_to         TEXT NOT NULL,
    assigned_date       TIMESTAMPTZ NOT NULL,
    sla_deadline        TIMESTAMPTZ,
    fix_deployed_date   TIMESTAMPTZ,
    verified_date       TIMESTAMPTZ,
    verified_by         TEXT DEFAULT '',
    sla_breached        BOOLEAN NOT NULL DEFAULT FALSE,
    escalation_level    TEXT DEFAULT '',
    fix_description     TEXT DEFAULT '',
    pull_request_url    TEXT DEFAULT '',
    tenant_id           TEXT NOT NULL DEFAULT 'default',
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant_id, remediation_id)
);

CREATE INDEX idx_ctem_rem_exposure ON ctem_remediations (exposure_id);
CREATE INDEX idx_ctem_rem_status ON ctem_remediations (status, sla_deadline);
CREATE INDEX idx_ctem_rem_sla ON ctem_remediations (sla_breached)
    WHERE sla_breached = TRUE;

-- Alerts the engine raises itself (regressions now; SLA breaches, gaps and new assets later),
-- kept until a publisher has delivered them, so none is lost if the bus is down.
CREATE TABLE ctem_alert_outbox (
    id            BIGSERIAL PRIMARY KEY,
    ts            TIMESTAMPTZ NOT NULL,
    tenant_id     TEXT NOT NULL DEFAULT 'default',
    alert_type    TEXT NOT NULL,
    exposure_key  TEXT DEFAULT '',
    alert_title   TEXT NOT NULL,
    payload       JSONB NOT NULL DEFAULT '{}',
    published_at  TIMESTAMPTZ
);
CREATE INDEX idx_ctem_outbox_unpublished ON ctem_alert_outbox (id) WHERE published_at IS NULL;

-- Runtime tables the seed's analytics read (sections 3, 5, 6.2, 8), with the columns those
-- queries use.
CREATE TABLE edge_node_telemetry (
    id                BIGSERIAL PRIMARY KEY,
    ts                TIMESTAMPTZ NOT NULL,
    edge_node_id      TEXT NOT NULL,
    cpu_utilisation   DOUBLE PRECISION,
    model_weight_hash TEXT DEFAULT '',
    tenant_id         TEXT NOT NULL DEFAULT 'default'
);
CREATE INDEX idx_edge_tel_ts ON edge_node_telemetry (ts, edge_node_id);

CREATE TABLE orbital_api_logs (
    id              BIGSERIAL PRIMARY KEY,
    ts              TIMESTAMPTZ NOT NULL,
    endpoint        TEXT NOT NULL,
    caller_identity TEXT DEFAULT '',
    tenant_id       TEXT NOT NULL DEFAULT 'default'
);
CREATE INDEX idx_api_logs_ts ON orbital_api_logs (ts, endpoint);

CREATE TABLE partner_api_logs (
    id            BIGSERIAL PRIMARY KEY,
    ts            TIMESTAMPTZ NOT NULL,
    partner_id    TEXT NOT NULL,
    partner_name  TEXT DEFAULT '',
    mtls_verified BOOLEAN NOT NULL DEFAULT FALSE,
    tenant_id     TEXT NOT NULL DEFAULT 'default'
);
CREATE INDEX idx_partner_logs_ts ON partner_api_logs (ts, partner_id);

CREATE TABLE opcua_telemetry (
    id                  BIGSERIAL PRIMARY KEY,
    ts                  TIMESTAMPTZ NOT NULL,
    edge_node_id        TEXT NOT NULL,
    sensor_count        INTEGER DEFAULT 0,
    protocol_violations INTEGER DEFAULT 0,
    tenant_id           TEXT NOT NULL DEFAULT 'default'
);
CREATE INDEX idx_opcua_ts ON opcua_telemetry (ts, edge_node_id);

CREATE TABLE cicd_audit (
    id                 BIGSERIAL PRIMARY KEY,
    ts                 TIMESTAMPTZ NOT NULL,
    pipeline_id        TEXT NOT NULL,
    dependency_changes TEXT DEFAULT '',
    tenant_id          TEXT NOT NULL DEFAULT 'default'
);
CREATE INDEX idx_cicd_ts ON cicd_audit (ts, pipeline_id);

CREATE TABLE model_registry (
    id         BIGSERIAL PRIMARY KEY,
    ts         TIMESTAMPTZ NOT NULL,
    model_name TEXT NOT NULL,
    model_hash TEXT DEFAULT '',
    stage      TEXT DEFAULT '',
    tenant_id  TEXT NOT NULL DEFAULT 'default'
);
CREATE INDEX idx_model_reg_ts ON model_registry (ts, model_name);

CREATE TABLE alerts (
    id              BIGSERIAL PRIMARY KEY,
    ts              TIMESTAMPTZ NOT NULL,
    alert_title     TEXT NOT NULL,
    severity        TEXT DEFAULT '',
    atlas_technique TEXT DEFAULT '',
    tenant_id       TEXT NOT NULL DEFAULT 'default'
);
CREATE INDEX idx_alerts_ts ON alerts (ts);
CREATE INDEX idx_alerts_atlas ON alerts (atlas_technique, ts) WHERE atlas_technique != '';
