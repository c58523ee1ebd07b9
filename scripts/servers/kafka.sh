#!/usr/bin/env bash
# A throwaway single-node Apache Kafka (KRaft: combined broker + controller) for the
# integration tests. The broker's jars come from Maven Central (kafka/pom.xml) and are
# cached in $CTEM_VAR_DIR/kafka/libs; no Kafka distribution or ZooKeeper is needed.
#
# Usage: scripts/servers/kafka.sh start|stop|restart|status|env|fetch|reset|topics ARGS...
#   start    fetch jars (first time), format storage (first time), start the broker and
#            wait until it logs "Kafka Server started" (120 s at most)
#   stop     SIGTERM, then SIGKILL after 20 s
#   status   exit 0 when running, 3 when not
#   env      prints `export CTEM_TEST_KAFKA_BROKERS=...` for eval
#   fetch    only download the jars (scripts/test runs it while the build runs)
#   reset    stop and delete the broker's data (keeps the jars)
#   topics   runs kafka-topics against the broker, e.g.
#              scripts/servers/kafka.sh topics --create --topic t --partitions 1
#
# Environment: CTEM_KAFKA_PORT (broker, default 59092), CTEM_KAFKA_CONTROLLER_PORT
# (default broker port + 1), CTEM_KAFKA_VERSION (default: the pom's), CTEM_VAR_DIR,
# CTEM_JAVA_HOME. Topics are never auto-created: tests create the ones they use.
# Idempotent; a stale pid file left by a crash is detected and removed.
set -euo pipefail
# shellcheck disable=SC2034 # read by common.sh
CTEM_SERVER_NAME=kafka
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "$0")/common.sh"

HERE="$(cd "$(dirname "$0")" && pwd)"
POM="$HERE/kafka/pom.xml"
KAFKA_PORT="${CTEM_KAFKA_PORT:-59092}"
CONTROLLER_PORT="${CTEM_KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
KAFKA_VERSION="${CTEM_KAFKA_VERSION:-$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM")}"
# A fixed KRaft cluster id (22 characters of URL-safe base64, 16 bytes), so that the data
# directory stays valid across restarts and config rewrites.
CLUSTER_ID="Y3RlbS10ZXN0LWthZmthMQ"
STARTED_PATTERN="Kafka Server started"
START_TIMEOUT=120
STOP_TIMEOUT=20

BASE="$CTEM_VAR_DIR/kafka"
LIBS="$BASE/libs"
DATA="$BASE/data"
CONF_DIR="$BASE/config"
PROPS="$CONF_DIR/server.properties"
LOG4J="$CONF_DIR/log4j2.properties"
TOOLS_LOG4J="$CONF_DIR/tools-log4j2.properties"
LOG="$BASE/kafka.log"
PIDFILE="$BASE/kafka.pid"

print_env() {
  echo "export CTEM_TEST_KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT"
}

JAVA_HOME="$(java_home)" || die "no Java 17+ found (apt-get install -y openjdk-17-jdk-headless)"
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"

# --- jars ------------------------------------------------------------------------------
libs_stamp() { echo "kafka=$KAFKA_VERSION pom=$(cksum <"$POM" | cut -d' ' -f1)"; }

do_fetch() {
  if [[ -f "$LIBS/.complete" && "$(cat "$LIBS/.complete")" == "$(libs_stamp)" ]]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found (apt-get install -y maven)"
  log "downloading Kafka $KAFKA_VERSION jars from Maven Central into $LIBS"
  local t0 tmp
  t0="$(now_s)"
  mkdir -p "$BASE"
  tmp="$(mktemp -d "$BASE/libs.tmp.XXXXXX")"
  if ! (cd "$tmp" && mvn -q -B -f "$POM" \
    -Dmaven.wagon.http.retryHandler.count=3 \
    -Dkafka.version="$KAFKA_VERSION" \
    org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" >"$BASE/fetch.log" 2>&1); then
    tail -n 40 "$BASE/fetch.log" >&2
    rm -rf "$tmp"
    die "could not download the Kafka jars (log: $BASE/fetch.log)"
  fi
  local jar
  for jar in "kafka_2.13-$KAFKA_VERSION.jar" "kafka-clients-$KAFKA_VERSION.jar" \
    "log4j-slf4j-impl-" "log4j-core-" "slf4j-api-"; do
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

# --- process ---------------------------------------------------------------------------
# find_pids: live broker processes started with our server.properties (pid file or not).
find_pids() {
  local d
  for d in /proc/[0-9]*; do
    pid_alive "${d#/proc/}" "$PROPS" 2>/dev/null && echo "${d#/proc/}"
  done
  return 0
}

# running_pid: prints the broker's pid when it runs; removes a stale pid file and adopts a
# broker whose pid file was lost.
running_pid() {
  local pid=""
  [[ -f "$PIDFILE" ]] && pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  if [[ -n "$pid" ]] && pid_alive "$pid" "$PROPS"; then
    echo "$pid"
    return 0
  fi
  if [[ -f "$PIDFILE" ]]; then
    log "removing stale pid file (pid ${pid:-?} is not our broker)"
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

write_config() {
  mkdir -p "$CONF_DIR" "$DATA"
  cat >"$PROPS" <<EOF
# Written by scripts/servers/kafka.sh on every start; edits are lost.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA
num.network.threads=2
num.io.threads=2
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=false
delete.topic.enable=true
group.initial.rebalance.delay.ms=0
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
log.retention.hours=24
log.segment.bytes=16777216
EOF
  cat >"$LOG4J" <<'EOF'
# Written by scripts/servers/kafka.sh. The broker logs to stdout, which kafka.sh sends
# to $CTEM_VAR_DIR/kafka/kafka.log.
status = warn
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.stdout.ref = STDOUT
logger.state.name = state.change.logger
logger.state.level = warn
logger.request.name = kafka.request.logger
logger.request.level = warn
logger.clients.name = org.apache.kafka.clients
logger.clients.level = warn
EOF
  cat >"$TOOLS_LOG4J" <<'EOF'
status = warn
appender.stderr.type = Console
appender.stderr.name = STDERR
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = STDERR
EOF
}

BROKER_JVM_OPTS=(-Xmx512m -Xms256m -XX:+UseG1GC -XX:MaxGCPauseMillis=20
  -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true)

# tool_cmd CLASS ARGS...: runs a Kafka command-line tool (storage format, topics) quietly.
tool_cmd() {
  "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$TOOLS_LOG4J" -cp "$LIBS/*" "$@"
}

format_storage() {
  [[ -f "$DATA/meta.properties" ]] && return 0
  log "formatting KRaft storage in $DATA (cluster id $CLUSTER_ID)"
  rm -rf "$DATA"
  mkdir -p "$DATA"
  if ! tool_cmd kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$PROPS" --ignore-formatted \
    >"$BASE/format.log" 2>&1; then
    cat "$BASE/format.log" >&2
    rm -rf "$DATA"
    die "formatting storage failed (log: $BASE/format.log)"
  fi
}

do_start() {
  local pid
  if pid="$(running_pid)"; then
    if port_in_use "$KAFKA_PORT"; then
      log "already running (pid $pid) on 127.0.0.1:$KAFKA_PORT"
      return 0
    fi
    log "pid $pid runs but 127.0.0.1:$KAFKA_PORT does not answer: restarting"
    do_stop
  fi
  local p
  for p in "$KAFKA_PORT" "$CONTROLLER_PORT"; do
    port_in_use "$p" && die "port $p is taken by another process; set CTEM_KAFKA_PORT / CTEM_KAFKA_CONTROLLER_PORT"
  done
  do_fetch
  write_config
  format_storage
  [[ -f "$LOG" ]] && mv -f "$LOG" "$LOG.1"
  local t0
  t0="$(now_s)"
  # nohup: survives the end of the calling shell; stdin from /dev/null so it never waits
  # on a terminal. $! is java itself (nohup execs it).
  nohup "$JAVA" "${BROKER_JVM_OPTS[@]}" \
    -Dlog4j2.configurationFile="$LOG4J" -Dkafka.logs.dir="$BASE" \
    -cp "$LIBS/*" kafka.Kafka "$PROPS" >"$LOG" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PIDFILE"
  local deadline=$((t0 + START_TIMEOUT))
  until grep -qF "$STARTED_PATTERN" "$LOG" 2>/dev/null; do
    if ! pid_alive "$pid"; then
      rm -f "$PIDFILE"
      tail -n 40 "$LOG" >&2 || true
      die "broker exited during startup (log: $LOG)"
    fi
    if (($(now_s) > deadline)); then
      tail -n 40 "$LOG" >&2 || true
      do_stop
      die "broker did not log '$STARTED_PATTERN' within $START_TIMEOUT s (log: $LOG)"
    fi
    sleep 0.25
  done
  port_in_use "$KAFKA_PORT" || die "broker says it started but 127.0.0.1:$KAFKA_PORT does not answer"
  log "started Kafka $KAFKA_VERSION (pid $pid) on 127.0.0.1:$KAFKA_PORT in $(($(now_s) - t0)) s"
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
    echo "kafka: running (pid $pid, 127.0.0.1:$KAFKA_PORT, data $DATA)"
    return 0
  fi
  echo "kafka: stopped (data $DATA)"
  return 3
}

do_topics() {
  do_fetch
  [[ -f "$TOOLS_LOG4J" ]] || write_config
  tool_cmd org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" "$@"
}

cmd="${1:-}"
shift || true
case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  restart) do_stop && do_start ;;
  status) do_status ;;
  env) print_env ;;
  fetch) do_fetch ;;
  topics) do_topics "$@" ;;
  reset)
    do_stop
    rm -rf "$DATA" "$CONF_DIR" "$LOG" "$LOG.1"
    log "removed $DATA"
    ;;
  *)
    echo "usage: $0 start|stop|restart|status|env|fetch|reset|topics ARGS..." >&2
    exit 2
    ;;
esac
