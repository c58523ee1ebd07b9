-- v7: API tokens and webhook deliveries (issue 9, docs/security.md).
-- A token is shown once when created; only the hex SHA-256 of it is kept here, with a short
-- non-secret prefix to recognise it in `ctem token list`. The tenant of every request comes
-- from its token. This table is looked up by hash before the tenant is known, so it is not
-- tenant-scoped (the same on PostgreSQL, where it has no row-level security).
CREATE TABLE ctem_api_tokens (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id     TEXT NOT NULL,
    scope         TEXT NOT NULL CHECK (scope IN ('ingest', 'read', 'admin')),
    name          TEXT NOT NULL UNIQUE,
    token_hash    TEXT NOT NULL UNIQUE,   -- hex SHA-256 of the token
    token_prefix  TEXT NOT NULL,          -- the first characters, for display only
    created_at    TEXT NOT NULL,
    revoked_at    TEXT,
    last_used_at  TEXT             -- refreshed at most once per auth cache TTL
);

-- Signed webhook deliveries seen recently, so a replayed delivery id is refused by every
-- gateway replica. Rows older than the replay window are deleted as new ones arrive.
CREATE TABLE ctem_webhook_deliveries (
    source       TEXT NOT NULL,
    delivery_id  TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (source, delivery_id)
);
CREATE INDEX ctem_webhook_deliveries_received ON ctem_webhook_deliveries (received_at);
