-- v8: tenant isolation in the database (issue 9; docs/tenancy.md).
--
-- * ctem_tenants: the directory of tenants, names only (no tenant data, so not under RLS). A
--   statement-level trigger on every tenant table adds the tenants of inserted rows; the jobs
--   and the outbox relay list it to act for each tenant in turn.
-- * Row-level security on every tenant table, ENABLEd and FORCEd (the owner is subject too):
--   a row is visible, and may be written, only while the transaction's setting
--   ctem.tenant_id (set by the store with set_config(..., true), i.e. SET LOCAL) names its
--   tenant. No setting, no rows.
-- * ctem_service: the NOLOGIN group role the services log in as members of; granted DML on
--   the tables and the sequences (the grants are refreshed by every `ctem migrate`, see
--   PostgresStore::Migrate). Creating it needs CREATEROLE; without it the migration goes on
--   and an administrator creates the role (docs/tenancy.md).

CREATE TABLE ctem_tenants (
    tenant_id  TEXT PRIMARY KEY,
    first_seen TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

-- Before row-level security is forced: the owner still sees every row here.
INSERT INTO ctem_tenants (tenant_id)
SELECT tenant_id FROM ctem_exposures UNION SELECT tenant_id FROM ctem_validations
UNION SELECT tenant_id FROM ctem_remediations UNION SELECT tenant_id FROM ctem_remediation_audit
UNION SELECT tenant_id FROM ctem_alert_outbox UNION SELECT tenant_id FROM ctem_assets
UNION SELECT tenant_id FROM edge_node_telemetry UNION SELECT tenant_id FROM orbital_api_logs
UNION SELECT tenant_id FROM partner_api_logs UNION SELECT tenant_id FROM opcua_telemetry
UNION SELECT tenant_id FROM cicd_audit UNION SELECT tenant_id FROM model_registry
UNION SELECT tenant_id FROM alerts
ON CONFLICT DO NOTHING;

CREATE FUNCTION ctem_note_tenants() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ctem_tenants (tenant_id)
  SELECT DISTINCT n.tenant_id FROM ctem_new_rows n
  WHERE NOT EXISTS (SELECT 1 FROM ctem_tenants t WHERE t.tenant_id = n.tenant_id)
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

DO $$
DECLARE
  t TEXT;
BEGIN
  FOREACH t IN ARRAY ARRAY['ctem_exposures', 'ctem_validations', 'ctem_remediations',
                           'ctem_remediation_audit', 'ctem_alert_outbox', 'ctem_assets',
                           'edge_node_telemetry', 'orbital_api_logs', 'partner_api_logs',
                           'opcua_telemetry', 'cicd_audit', 'model_registry', 'alerts'] LOOP
    EXECUTE format('CREATE TRIGGER ctem_note_tenants AFTER INSERT ON %I REFERENCING NEW TABLE AS '
                   'ctem_new_rows FOR EACH STATEMENT EXECUTE FUNCTION ctem_note_tenants()', t);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY ctem_tenant_isolation ON %I '
                   'USING (tenant_id = current_setting(''ctem.tenant_id'', true)) '
                   'WITH CHECK (tenant_id = current_setting(''ctem.tenant_id'', true))', t);
  END LOOP;
END $$;

-- The outbox relay claims per tenant now.
CREATE INDEX idx_ctem_outbox_tenant ON ctem_alert_outbox (tenant_id, id) WHERE published_at IS NULL;

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ctem_service') THEN
    CREATE ROLE ctem_service NOLOGIN NOBYPASSRLS;
  END IF;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;  -- another database's migration made it
  WHEN insufficient_privilege THEN
    RAISE NOTICE 'ctem_service role not created (no CREATEROLE); see docs/tenancy.md';
END $$;
