-- v8: tenant isolation (issue 9; docs/tenancy.md). SQLite has no row-level security: each
-- connection scopes the tenant tables itself (TEMP views and triggers, sqlite_store.cc).
-- Stored here is the directory of tenants, names only, which the jobs and the outbox relay
-- list to act for each tenant in turn, kept by triggers on every tenant table.
CREATE TABLE ctem_tenants (
    tenant_id  TEXT PRIMARY KEY,
    first_seen TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

INSERT OR IGNORE INTO ctem_tenants (tenant_id)
SELECT tenant_id FROM ctem_exposures UNION SELECT tenant_id FROM ctem_validations
UNION SELECT tenant_id FROM ctem_remediations UNION SELECT tenant_id FROM ctem_remediation_audit
UNION SELECT tenant_id FROM ctem_alert_outbox UNION SELECT tenant_id FROM ctem_assets
UNION SELECT tenant_id FROM edge_node_telemetry UNION SELECT tenant_id FROM orbital_api_logs
UNION SELECT tenant_id FROM partner_api_logs UNION SELECT tenant_id FROM opcua_telemetry
UNION SELECT tenant_id FROM cicd_audit UNION SELECT tenant_id FROM model_registry
UNION SELECT tenant_id FROM alerts;

CREATE TRIGGER ctem_note_tenants_ctem_exposures AFTER INSERT ON ctem_exposures
BEGIN INSERT OR IGNORE INTO ctem_tenants (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER ctem_note_tenants_ctem_validations AFTER INSERT ON ctem_validations
BEGIN INSERT OR IGNORE INTO ctem_tenants (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER ctem_note_tenants_ctem_remediations AFTER INSERT ON ctem_remediations
BEGIN INSERT OR IGNORE INTO ctem_tenants (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER ctem_note_tenants_ctem_remediation_audit AFTER INSERT ON ctem_remediation_audit
BEGIN INSERT OR IGNORE INTO ctem_tenants (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER ctem_note_tenants_ctem_alert_outbox AFTER INSERT ON ctem_alert_outbox
BEGIN INSERT OR IGNORE INTO ctem_tenants (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER ctem_note_tenants_ctem_assets AFTER INSERT ON ctem_assets
BEGIN INSERT OR IGNORE INTO ctem_tenants (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER ctem_note_tenants_edge_node_telemetry AFTER INSERT ON edge_node_telemetry
BEGIN INSERT OR IGNORE INTO ctem_tenants (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER ctem_note_tenants_orbital_api_logs AFTER INSERT ON orbital_api_logs
BEGIN INSERT OR IGNORE INTO ctem_tenants (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER ctem_note_tenants_partner_api_logs AFTER INSERT ON partner_api_logs
BEGIN INSERT OR IGNORE INTO ctem_tenants (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER ctem_note_tenants_opcua_telemetry AFTER INSERT ON opcua_telemetry
BEGIN INSERT OR IGNORE INTO ctem_tenants (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER ctem_note_tenants_cicd_audit AFTER INSERT ON cicd_audit
BEGIN INSERT OR IGNORE INTO ctem_tenants (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER ctem_note_tenants_model_registry AFTER INSERT ON model_registry
BEGIN INSERT OR IGNORE INTO ctem_tenants (tenant_id) VALUES (NEW.tenant_id); END;
CREATE TRIGGER ctem_note_tenants_alerts AFTER INSERT ON alerts
BEGIN INSERT OR IGNORE INTO ctem_tenants (tenant_id) VALUES (NEW.tenant_id); END;
CREATE INDEX idx_ctem_outbox_tenant ON ctem_alert_outbox (tenant_id, id) WHERE published_at IS NULL;
