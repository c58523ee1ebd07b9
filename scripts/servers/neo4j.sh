#!/usr/bin/env bash
# A throwaway Neo4j 5.26 LTS Community server for the integration tests: the real server
# (CommunityBootstrapper, the class bin/neo4j runs, with its HTTP API, Query API and Bolt),
# started in-process by a tiny launcher (neo4j/src/main/java/ctem/neo4j/Launcher.java).
# The jars come from Maven Central (neo4j/pom.xml, org.neo4j:neo4j) and are cached in
# $CTEM_VAR_DIR/neo4j/libs; no Neo4j distribution is needed. See neo4j/README.md for the
# HTTP response shapes.
#
# Usage: scripts/servers/neo4j.sh start|stop|restart|status|env|fetch|reset
#   start    fetch jars and compile the launcher (first time), start the server and wait
#            until an authenticated Cypher query over HTTP succeeds (180 s at most)
#   stop     SIGTERM (clean shutdown with checkpoint), then SIGKILL after 20 s
#   status   exit 0 when running, 3 when not
#   env      prints `export CTEM_TEST_NEO4J_URI=...` and `export CTEM_TEST_NEO4J_AUTH=...`
#   fetch    only download the jars and compile the launcher
#   reset    stop and delete the server's data, config and logs (keeps the jars)
#
# Environment: CTEM_NEO4J_HTTP_PORT (default 57474), CTEM_NEO4J_BOLT_PORT (default 57687),
# CTEM_NEO4J_PASSWORD (default ctem-test-password; set at the first start only: change it
# with `reset`), CTEM_NEO4J_VERSION (default: the pom's), CTEM_VAR_DIR, CTEM_JAVA_HOME.
# User: neo4j. Database: neo4j. Everything listens on 127.0.0.1 only.
# Idempotent; a stale pid file left by a crash is detected and removed.
set -euo pipefail
CTEM_SERVER_NAME=neo4j
# shellcheck source=common.sh
source "$(dirname "$0")/common.sh"

HERE="$(cd "$(dirname "$0")" && pwd)"
PROJECT="$HERE/neo4j"
POM="$PROJECT/pom.xml"
LAUNCHER_SRC="$PROJECT/src/main/java/ctem/neo4j/Launcher.java"
HTTP_PORT="${CTEM_NEO4J_HTTP_PORT:-57474}"
BOLT_PORT="${CTEM_NEO4J_BOLT_PORT:-57687}"
PASSWORD="${CTEM_NEO4J_PASSWORD:-ctem-test-password}"
NEO4J_VERSION="${CTEM_NEO4J_VERSION:-$(sed -n 's:.*<neo4j.version>\(.*\)</neo4j.version>.*:\1:p' "$POM")}"
START_TIMEOUT=180
STOP_TIMEOUT=20

BASE="$CTEM_VAR_DIR/neo4j"
LIBS="$BASE/libs"
CLASSES="$BASE/classes"
HOME_DIR="$BASE/home" # conf/neo4j.conf, data/, logs/ (debug.log, http.log, ...)
LOG="$BASE/neo4j.log" # the JVM's stdout/stderr (neo4j.log's content + launcher lines)
PIDFILE="$BASE/neo4j.pid"
MAIN_CLASS=ctem.neo4j.Launcher
# What a live server's command line contains: tells it apart from other processes that
# merely mention the directory.
PATTERN="$MAIN_CLASS $HOME_DIR"
URI="http://127.0.0.1:$HTTP_PORT"

print_env() {
  echo "export CTEM_TEST_NEO4J_URI=$URI"
  echo "export CTEM_TEST_NEO4J_AUTH=neo4j/$PASSWORD"
}

JAVA_HOME="$(java_home)" || die "no Java 17+ found (apt-get install -y openjdk-17-jdk-headless)"
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"

# --- jars and launcher -----------------------------------------------------------------
libs_stamp() { echo "neo4j=$NEO4J_VERSION pom=$(cksum <"$POM" | cut -d' ' -f1)"; }
classes_stamp() { echo "$(libs_stamp) launcher=$(cksum <"$LAUNCHER_SRC" | cut -d' ' -f1)"; }

fetch_libs() {
  if [[ -f "$LIBS/.complete" && "$(cat "$LIBS/.complete")" == "$(libs_stamp)" ]]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found (apt-get install -y maven)"
  log "downloading Neo4j $NEO4J_VERSION jars from Maven Central into $LIBS"
  local t0 tmp
  t0="$(now_s)"
  mkdir -p "$BASE"
  tmp="$(mktemp -d "$BASE/libs.tmp.XXXXXX")"
  if ! (cd "$tmp" && mvn -q -B -f "$POM" \
    -Dmaven.wagon.http.retryHandler.count=3 \
    -Dneo4j.version="$NEO4J_VERSION" \
    org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" >"$BASE/fetch.log" 2>&1); then
    tail -n 40 "$BASE/fetch.log" >&2
    rm -rf "$tmp"
    die "could not download the Neo4j jars (log: $BASE/fetch.log)"
  fi
  local jar
  for jar in "neo4j-$NEO4J_VERSION.jar" "neo4j-server-$NEO4J_VERSION.jar" \
    "neo4j-security-$NEO4J_VERSION.jar" "neo4j-bolt-$NEO4J_VERSION.jar" picocli- jetty-server-; do
    compgen -G "$tmp/$jar*" >/dev/null || {
      rm -rf "$tmp"
      die "download incomplete: no $jar in the copied dependencies"
    }
  done
  libs_stamp >"$tmp/.complete"
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  log "jars ready ($(find "$LIBS" -name '*.jar' | wc -l) jars, $(du -sh "$LIBS" | cut -f1)) in $(($(now_s) - t0)) s"
}

compile_launcher() {
  if [[ -f "$CLASSES/.complete" && "$(cat "$CLASSES/.complete")" == "$(classes_stamp)" ]]; then
    return 0
  fi
  [[ -x "$JAVA_HOME/bin/javac" ]] || die "no javac in $JAVA_HOME (apt-get install -y openjdk-17-jdk-headless)"
  local tmp
  tmp="$(mktemp -d "$BASE/classes.tmp.XXXXXX")"
  if ! "$JAVA_HOME/bin/javac" --release 17 -nowarn -encoding UTF-8 -d "$tmp" \
    -cp "$LIBS/*" "$LAUNCHER_SRC" >"$BASE/compile.log" 2>&1; then
    cat "$BASE/compile.log" >&2
    rm -rf "$tmp"
    die "compiling $LAUNCHER_SRC failed"
  fi
  classes_stamp >"$tmp/.complete"
  rm -rf "$CLASSES"
  mv "$tmp" "$CLASSES"
  log "launcher compiled into $CLASSES"
}

do_fetch() {
  fetch_libs
  compile_launcher
}

# --- process ---------------------------------------------------------------------------
# find_pids: live servers started on our home directory (pid file or not).
find_pids() {
  local d
  for d in /proc/[0-9]*; do
    pid_alive "${d#/proc/}" "$PATTERN" 2>/dev/null && echo "${d#/proc/}"
  done
  return 0
}

# running_pid: prints the server's pid when it runs; removes a stale pid file and adopts a
# server whose pid file was lost.
running_pid() {
  local pid=""
  [[ -f "$PIDFILE" ]] && pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  if [[ -n "$pid" ]] && pid_alive "$pid" "$PATTERN"; then
    echo "$pid"
    return 0
  fi
  if [[ -f "$PIDFILE" ]]; then
    log "removing stale pid file (pid ${pid:-?} is gone)"
    rm -f "$PIDFILE"
  fi
  pid="$(find_pids | head -n1)"
  if [[ -n "$pid" ]]; then
    echo "$pid" >"$PIDFILE"
    echo "$pid"
    return 0
  fi
  return 1
}

# probe: prints the HTTP status of an authenticated `RETURN 1` through the transactional
# endpoint ("200" once the server, the neo4j database and the password all work; "000"
# while nothing listens).
probe() {
  curl -s -o "$BASE/probe.json" -w '%{http_code}' --max-time 10 \
    -u "neo4j:$PASSWORD" -H 'Content-Type: application/json' -H 'Accept: application/json' \
    -d '{"statements":[{"statement":"RETURN 1 AS ok"}]}' \
    "$URI/db/neo4j/tx/commit" 2>/dev/null || true
}

ready() {
  [[ "$(probe)" == "200" ]] && grep -qF '"errors":[]' "$BASE/probe.json" 2>/dev/null
}

JVM_OPTS=(-Xmx512m -Xms128m -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError
  -XX:-OmitStackTraceInFastThrow -XX:+DisableExplicitGC
  -Djava.awt.headless=true -Dfile.encoding=UTF-8 -Djdk.nio.maxCachedBufferSize=1024
  -Dio.netty.tryReflectionSetAccessible=true -Dlog4j2.disable.jmx=true
  # as bin/neo4j does: lets the page cache and Netty use direct buffers efficiently
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED)

do_start() {
  command -v curl >/dev/null 2>&1 || die "curl not found (apt-get install -y curl)"
  local pid
  if pid="$(running_pid)"; then
    if ready; then
      log "already running (pid $pid) on $URI"
      return 0
    fi
    [[ "$(probe)" == "401" ]] &&
      die "running (pid $pid) but it rejects password '$PASSWORD' for neo4j: its data was created with another one; run '$0 reset' (it deletes the data)"
    # Perhaps still starting (another `start` is waiting on it): give it the time left.
    log "pid $pid runs but $URI does not answer yet: waiting"
    wait_ready "$pid" "$(now_s)"
    return 0
  fi
  local p
  for p in "$HTTP_PORT" "$BOLT_PORT"; do
    port_in_use "$p" && die "port $p is taken by another process; set CTEM_NEO4J_HTTP_PORT / CTEM_NEO4J_BOLT_PORT"
  done
  do_fetch
  mkdir -p "$HOME_DIR"
  [[ -f "$LOG" ]] && mv -f "$LOG" "$LOG.1"
  local t0
  t0="$(now_s)"
  # nohup: survives the end of the calling shell; stdin from /dev/null so it never waits
  # on a terminal. $! is java itself (nohup execs it). The launcher writes
  # $HOME_DIR/conf/neo4j.conf on every start and sets the password on the first.
  CTEM_NEO4J_HTTP_PORT="$HTTP_PORT" CTEM_NEO4J_BOLT_PORT="$BOLT_PORT" \
    CTEM_NEO4J_PASSWORD="$PASSWORD" \
    nohup "$JAVA" "${JVM_OPTS[@]}" -cp "$CLASSES:$LIBS/*" $MAIN_CLASS "$HOME_DIR" \
    >"$LOG" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$PIDFILE"
  wait_ready "$pid" "$t0"
  log "started Neo4j $NEO4J_VERSION (pid $pid) on $URI (bolt://127.0.0.1:$BOLT_PORT) in $(($(now_s) - t0)) s"
}

# wait_ready PID T0: waits until the server answers an authenticated query, at most
# START_TIMEOUT seconds after T0; dies (stopping the server) if it does not.
wait_ready() {
  local pid="$1" deadline=$(($2 + START_TIMEOUT)) code
  while :; do
    code="$(probe)"
    if [[ "$code" == "200" ]] && grep -qF '"errors":[]' "$BASE/probe.json" 2>/dev/null; then
      return 0
    fi
    if [[ "$code" == "401" ]]; then
      do_stop
      die "the server rejects password '$PASSWORD' for neo4j: its data was created with another one; run '$0 reset' (it deletes the data)"
    fi
    if ! pid_alive "$pid"; then
      rm -f "$PIDFILE"
      tail -n 40 "$LOG" >&2 || true
      die "server exited during startup (log: $LOG, $HOME_DIR/logs/debug.log)"
    fi
    if (($(now_s) > deadline)); then
      tail -n 40 "$LOG" >&2 || true
      do_stop
      die "server did not answer on $URI within $START_TIMEOUT s (last HTTP status $code; log: $LOG)"
    fi
    sleep 0.5
  done
}

do_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    log "not running"
    return 0
  fi
  log "stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$(($(now_s) + STOP_TIMEOUT))
  while pid_alive "$pid"; do
    if (($(now_s) > deadline)); then
      log "no exit after ${STOP_TIMEOUT} s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      local kdeadline=$(($(now_s) + 10))
      while pid_alive "$pid" && (($(now_s) < kdeadline)); do sleep 0.2; done
      break
    fi
    sleep 0.2
  done
  pid_alive "$pid" && die "pid $pid is still alive"
  rm -f "$PIDFILE"
  log "stopped"
}

do_status() {
  local pid
  if pid="$(running_pid)"; then
    if ready; then
      echo "neo4j: running (pid $pid, $URI, bolt://127.0.0.1:$BOLT_PORT, data $HOME_DIR/data)"
    else
      echo "neo4j: running (pid $pid) but $URI does not answer an authenticated query (yet)"
    fi
    return 0
  fi
  echo "neo4j: stopped (data $HOME_DIR/data)"
  return 3
}

# One start/stop/reset/fetch at a time per $CTEM_VAR_DIR (two concurrent `start`s would
# otherwise both launch a JVM on the same store).
lock() {
  mkdir -p "$BASE"
  exec 9>"$BASE/.lock"
  flock -w $((START_TIMEOUT + 60)) 9 || die "another neo4j.sh holds $BASE/.lock"
}

cmd="${1:-}"
shift || true
case "$cmd" in
  start | stop | restart | fetch | reset) lock ;;
esac
case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  restart) do_stop && do_start ;;
  status) do_status ;;
  env) print_env ;;
  fetch) do_fetch ;;
  reset)
    do_stop
    rm -rf "$HOME_DIR" "$LOG" "$LOG.1" "$BASE/probe.json"
    log "removed $HOME_DIR"
    ;;
  *)
    echo "usage: $0 start|stop|restart|status|env|fetch|reset" >&2
    exit 2
    ;;
esac
