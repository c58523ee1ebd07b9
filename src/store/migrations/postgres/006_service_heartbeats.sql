-- v6: liveness of the engine's services for `ctem verify` (seed section 10.5 checks services
-- with `docker ps`; ours may run under Docker, systemd, Kubernetes or one `ctem serve`). Each
-- running service beats every few seconds; not tenant data.
CREATE TABLE ctem_service_heartbeats (
    service       TEXT NOT NULL,   -- gateway, normaliser, persister, sla-enforcer, ...
    instance      TEXT NOT NULL,   -- host:pid
    started_at    TIMESTAMPTZ NOT NULL,
    last_beat_at  TIMESTAMPTZ NOT NULL,
    detail        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (service, instance)
);
