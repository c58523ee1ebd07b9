-- v7: API tokens and webhook deliveries (issue 9, docs/security.md).
-- A token is shown once when created; only the hex SHA-256 of it is kept here, with a short
-- non-secret prefix to recognise it in `ctem token list`. The tenant of every request comes
-- from its token. This table is looked up by hash before the tenant is known, so it is not
-- tenant-scoped (no row-level security on it).
CREATE TABLE ctem_api_tokens (
    id            BIGSERIAL PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    scope         TEXT NOT NULL CHECK (scope IN ('ingest', 'read', 'admin')),
    name          TEXT NOT NULL UNIQUE,
    token_hash    TEXT NOT NULL UNIQUE,   -- hex SHA-256 of the token
    token_prefix  TEXT NOT NULL,          -- the first characters, for display only
    created_at    TIMESTAMPTZ NOT NULL,
    revoked_at    TIMESTAMPTZ,
    last_used_at  TIMESTAMPTZ             -- refreshed at most once per auth cache TTL
);

-- Signed webhook deliveries seen recently, so a replayed delivery id is refused by every
-- gateway replica. Rows older than the replay window are deleted as new ones arrive.
CREATE TABLE ctem_webhook_deliveries (
    source       TEXT NOT NULL,
    delivery_id  TEXT NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, delivery_id)
);
CREATE INDEX ctem_webhook_deliveries_received ON ctem_webhook_deliveries (received_at);
