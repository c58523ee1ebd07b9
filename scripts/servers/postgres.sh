#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the integration tests.
#
# Usage: scripts/servers/postgres.sh start|stop|restart|status|env|reset
#   start    init a private cluster (first time), start it on 127.0.0.1:$CTEM_PG_PORT,
#            create roles ctem/ctem and databases ctem, ctem_test; waits until it answers
#   stop     fast shutdown (immediate after 30 s)
#   status   exit 0 when running, 3 when not
#   env      prints `export CTEM_TEST_POSTGRES_DSN=...` lines for eval
#   reset    stop and delete the cluster's files
#
# Environment: CTEM_PG_PORT (default 55432), CTEM_VAR_DIR (default <repo>/var),
# CTEM_PG_BINDIR (default /usr/lib/postgresql/15/bin).
# Roles: ctem (password ctem, LOGIN, owns databases ctem and ctem_test) and the superuser
# postgres (password postgres). TCP logins from 127.0.0.1 use scram-sha-256; the Unix
# socket (private directory) trusts the local OS user that runs the server.
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user.
# Idempotent; survives a crash (stale postmaster.pid) and a half-finished initdb.
set -euo pipefail
# shellcheck disable=SC2034 # read by common.sh
CTEM_SERVER_NAME=postgres
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "$0")/common.sh"

PG_PORT="${CTEM_PG_PORT:-55432}"
PG_BINDIR="${CTEM_PG_BINDIR:-}"
if [[ -z "$PG_BINDIR" ]]; then
  for v in 15 16 17 14; do
    if [[ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ]]; then
      PG_BINDIR="/usr/lib/postgresql/$v/bin"
      break
    fi
  done
fi
PG_USER=ctem
PG_PASSWORD=ctem
PG_ADMIN_USER=postgres
PG_ADMIN_PASSWORD=postgres

dsn() { echo "postgresql://$1:$2@127.0.0.1:$PG_PORT/$3"; }

print_env() {
  echo "export CTEM_TEST_POSTGRES_DSN=$(dsn "$PG_USER" "$PG_PASSWORD" ctem_test)"
  echo "export CTEM_TEST_POSTGRES_ADMIN_DSN=$(dsn "$PG_ADMIN_USER" "$PG_ADMIN_PASSWORD" ctem_test)"
  echo "export CTEM_TEST_POSTGRES_APP_DSN=$(dsn "$PG_USER" "$PG_PASSWORD" ctem)"
}

# --- who runs the server, and where its files live -------------------------------------
if [[ $(id -u) -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || die "no 'postgres' OS user: apt-get install -y postgresql"
  RUN_AS=postgres
  as_pg() { runuser -u postgres -- "$@"; }
else
  RUN_AS="$(id -un)"
  as_pg() { "$@"; }
fi

# The cluster lives in $CTEM_VAR_DIR/pg when the server's OS user can reach that folder
# (every parent must be traversable); otherwise under /tmp, keyed by the var dir, so that
# no permission outside the repo has to change.
pick_base() {
  if as_pg test -x "$CTEM_VAR_DIR" 2>/dev/null; then
    echo "$CTEM_VAR_DIR/pg"
  else
    local key
    key="$(echo -n "$CTEM_VAR_DIR" | cksum | cut -d' ' -f1)"
    echo "/tmp/ctem-pg-$(id -u)-$key"
  fi
}
PG_BASE="$(pick_base)"
PG_DATA="$PG_BASE/data"
PG_LOG="$PG_BASE/postgres.log"
PG_SOCK="$PG_BASE/sock"
# A Unix socket path is limited to ~107 bytes; fall back to a short directory.
if ((${#PG_SOCK} > 80)); then PG_SOCK="/tmp/ctem-pg-sock-$(id -u)-$PG_PORT"; fi

need_binaries() {
  [[ -n "$PG_BINDIR" && -x "$PG_BINDIR/pg_ctl" && -x "$PG_BINDIR/initdb" ]] ||
    die "PostgreSQL server binaries not found (set CTEM_PG_BINDIR or apt-get install -y postgresql)"
}

# running_pid: prints the postmaster's pid when our cluster is running.
running_pid() {
  local pidfile="$PG_DATA/postmaster.pid" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(head -n1 "$pidfile" 2>/dev/null || true)"
  if pid_alive "$pid" postgres; then
    echo "$pid"
    return 0
  fi
  return 1
}

running_port() { sed -n 4p "$PG_DATA/postmaster.pid" 2>/dev/null || true; }

psql_admin() {
  as_pg "$PG_BINDIR/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" \
    -U "$PG_ADMIN_USER" -d postgres
}

# cluster_pids: every live process of this cluster (postmaster, backends, orphans of a
# killed postmaster). Postgres processes keep the data directory as their working directory.
cluster_pids() {
  local d real
  real="$(readlink -f "$PG_DATA" 2>/dev/null || echo "$PG_DATA")"
  for d in /proc/[0-9]*; do
    [[ "$(readlink "$d/cwd" 2>/dev/null)" == "$real" ]] && echo "${d#/proc/}"
  done
  return 0
}

# clean_stale: after a crash, kill orphaned backends and remove lock files whose owner is
# gone, so that the next start does not trip over them.
clean_stale() {
  local pids
  pids="$(cluster_pids)"
  if [[ -n "$pids" ]]; then
    log "killing orphaned processes of a crashed server: ${pids//$'\n'/ }"
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    local deadline=$(($(now_s) + 15))
    while [[ -n "$(cluster_pids)" ]] && (($(now_s) < deadline)); do sleep 0.2; done
  fi
  local f
  for f in "$PG_DATA/postmaster.pid" "$PG_SOCK"/.s.PGSQL.*.lock; do
    [[ -f "$f" ]] || continue
    log "removing stale $(basename "$f") (left by a crash)"
    rm -f "$f"
  done
  rm -f "$PG_SOCK"/.s.PGSQL.* 2>/dev/null || true
}

prepare_dirs() {
  mkdir -p "$PG_BASE" "$PG_SOCK"
  if [[ "$RUN_AS" == postgres ]]; then chown postgres:postgres "$PG_BASE" "$PG_SOCK"; fi
  chmod 700 "$PG_BASE"
  chmod 700 "$PG_SOCK"
}

init_cluster() {
  if [[ -f "$PG_DATA/PG_VERSION" && -f "$PG_BASE/.initialised" ]]; then return 0; fi
  # A partial cluster (interrupted initdb) is useless: start over.
  rm -rf "$PG_DATA" "$PG_BASE/.initialised"
  log "initdb in $PG_DATA (as $RUN_AS)"
  local pwfile="$PG_BASE/.pwfile"
  echo "$PG_ADMIN_PASSWORD" >"$pwfile"
  if [[ "$RUN_AS" == postgres ]]; then chown postgres:postgres "$pwfile"; fi
  chmod 600 "$pwfile"
  if ! as_pg "$PG_BINDIR/initdb" -D "$PG_DATA" -U "$PG_ADMIN_USER" --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C \
    --no-instructions >"$PG_BASE/initdb.log" 2>&1; then
    cat "$PG_BASE/initdb.log" >&2
    rm -f "$pwfile"
    die "initdb failed"
  fi
  rm -f "$pwfile"
  # Our settings live in their own file, rewritten on every start (port may change).
  echo "include_if_exists = 'ctem.conf'" | as_pg tee -a "$PG_DATA/postgresql.conf" >/dev/null
  touch "$PG_BASE/.initialised"
}

write_conf() {
  as_pg tee "$PG_DATA/ctem.conf" >/dev/null <<EOF
# Written by scripts/servers/postgres.sh on every start; edits are lost.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK'
max_connections = 50
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
log_min_messages = warning
log_timezone = 'UTC'
timezone = 'UTC'
EOF
}

bootstrap_roles() {
  psql_admin <<EOF
ALTER ROLE $PG_ADMIN_USER WITH PASSWORD '$PG_ADMIN_PASSWORD';
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER;
  END IF;
END
\$\$;
ALTER ROLE $PG_USER WITH LOGIN NOSUPERUSER NOCREATEROLE PASSWORD '$PG_PASSWORD';
SELECT 'CREATE DATABASE ctem OWNER $PG_USER'
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'ctem') \gexec
SELECT 'CREATE DATABASE ctem_test OWNER $PG_USER'
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'ctem_test') \gexec
ALTER DATABASE ctem OWNER TO $PG_USER;
ALTER DATABASE ctem_test OWNER TO $PG_USER;
EOF
}

wait_ready() {
  local deadline=$(($(now_s) + 60))
  until "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -d postgres; do
    if (($(now_s) > deadline)); then
      tail -n 30 "$PG_LOG" >&2 || true
      die "server did not answer on 127.0.0.1:$PG_PORT within 60 s (log: $PG_LOG)"
    fi
    sleep 0.2
  done
}

do_stop() {
  need_binaries
  local pid
  if ! pid="$(running_pid)"; then
    clean_stale
    log "not running"
    return 0
  fi
  log "stopping (pid $pid)"
  if ! as_pg "$PG_BINDIR/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 30 >/dev/null 2>&1; then
    log "fast shutdown timed out; immediate shutdown"
    as_pg "$PG_BINDIR/pg_ctl" stop -D "$PG_DATA" -m immediate -w -t 30 >/dev/null 2>&1 ||
      kill -KILL "$pid" 2>/dev/null || true
  fi
  clean_stale
  log "stopped"
}

do_start() {
  need_binaries
  local pid
  if pid="$(running_pid)"; then
    if [[ "$(running_port)" == "$PG_PORT" ]]; then
      wait_ready
      bootstrap_roles
      log "already running (pid $pid) on 127.0.0.1:$PG_PORT"
      return 0
    fi
    log "running on port $(running_port), wanted $PG_PORT: restarting"
    do_stop
  fi
  prepare_dirs
  init_cluster
  clean_stale
  if port_in_use "$PG_PORT"; then
    die "port $PG_PORT is taken by another process; set CTEM_PG_PORT to a free port"
  fi
  write_conf
  local t0
  t0="$(now_s)"
  if ! as_pg "$PG_BINDIR/pg_ctl" start -D "$PG_DATA" -l "$PG_LOG" -w -t 60 >/dev/null 2>&1; then
    tail -n 30 "$PG_LOG" >&2 || true
    die "pg_ctl start failed (log: $PG_LOG)"
  fi
  wait_ready
  bootstrap_roles
  log "started on 127.0.0.1:$PG_PORT in $(($(now_s) - t0)) s (data: $PG_DATA)"
}

do_status() {
  local pid
  if pid="$(running_pid)"; then
    echo "postgres: running (pid $pid, port $(running_port), data $PG_DATA)"
    return 0
  fi
  echo "postgres: stopped (data $PG_DATA)"
  return 3
}

case "${1:-}" in
  start) do_start ;;
  stop) do_stop ;;
  restart) do_stop && do_start ;;
  status) do_status ;;
  env) print_env ;;
  reset)
    do_stop
    rm -rf "$PG_BASE"
    log "removed $PG_BASE"
    ;;
  *) usage_exit ;;
esac
