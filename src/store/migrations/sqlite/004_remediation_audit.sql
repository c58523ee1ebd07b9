-- v4: the remediation lifecycle (DESIGN.md erratum 12, src/jobs/lifecycle.h).
--   * ctem_remediation_audit keeps every lifecycle move: who (actor), when (at), from which
--     state to which, by which action, and the move's fields as a JSON object (detail). It is
--     written in the same transaction as the move itself.
--   * ctem_remediations.lifecycle_version counts the moves of a remediation; a move updates
--     the row only if the version it read is still there, so of two concurrent moves from the
--     same state only one succeeds.
CREATE TABLE ctem_remediation_audit (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id      TEXT NOT NULL DEFAULT 'default',
    exposure_key   TEXT NOT NULL,
    remediation_id TEXT NOT NULL,
    actor          TEXT NOT NULL,
    at             TEXT NOT NULL,
    from_status    TEXT NOT NULL,
    to_status      TEXT NOT NULL,
    action         TEXT NOT NULL,
    detail         TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX idx_ctem_rem_audit_exposure ON ctem_remediation_audit (tenant_id, exposure_key, id);

ALTER TABLE ctem_remediations ADD COLUMN lifecycle_version INTEGER NOT NULL DEFAULT 0;
CREATE INDEX idx_ctem_rem_tenant_exposure ON ctem_remediations (tenant_id, exposure_id, id);
