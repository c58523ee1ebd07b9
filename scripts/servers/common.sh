# shellcheck shell=bash
# Shared helpers for scripts/servers/*.sh. Sourced, never run.
#
# Every server keeps its state under $CTEM_VAR_DIR (default <repo>/var, which .gitignore
# excludes). Scripts are idempotent: `start` on a running server and `stop` on a stopped
# one succeed and do nothing; a stale pid file left by a crash is detected and removed.

CTEM_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CTEM_VAR_DIR="${CTEM_VAR_DIR:-$CTEM_REPO_ROOT/var}"
mkdir -p "$CTEM_VAR_DIR"
CTEM_VAR_DIR="$(cd "$CTEM_VAR_DIR" && pwd)"

# The name of the calling script, for messages ("postgres", "kafka").
CTEM_SERVER_NAME="${CTEM_SERVER_NAME:-$(basename "$0" .sh)}"

log() { echo "[$CTEM_SERVER_NAME] $*" >&2; }
die() {
  echo "[$CTEM_SERVER_NAME] ERROR: $*" >&2
  exit 1
}

# now_s: seconds since the epoch, for timeouts.
now_s() { date +%s; }

# pid_alive PID [PATTERN]: true when PID is a live process (not a zombie) and, when
# PATTERN is given, its command line contains PATTERN. Guards against a stale pid file
# whose pid was reused by an unrelated process.
pid_alive() {
  local pid="$1" pattern="${2:-}"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -d "/proc/$pid" ]] || return 1
  local state
  state="$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
  [[ "$state" != "Z" && -n "$state" ]] || return 1
  if [[ -n "$pattern" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$pattern" || return 1
  fi
  return 0
}

# port_in_use PORT: true when something listens on 127.0.0.1:PORT (TCP).
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# java_home: prints a JAVA_HOME for Java 17 or newer.
# Honours CTEM_JAVA_HOME, then the Debian OpenJDK 17 location, then `java` on PATH.
java_home() {
  local candidate
  for candidate in "${CTEM_JAVA_HOME:-}" /usr/lib/jvm/java-17-openjdk-amd64 \
    /usr/lib/jvm/java-17-openjdk-arm64 /usr/lib/jvm/java-17-openjdk; do
    if [[ -n "$candidate" && -x "$candidate/bin/java" ]]; then
      echo "$candidate"
      return 0
    fi
  done
  if command -v java >/dev/null 2>&1; then
    dirname "$(dirname "$(readlink -f "$(command -v java)")")"
    return 0
  fi
  return 1
}

# usage_exit: common usage line.
usage_exit() {
  echo "usage: $0 start|stop|restart|status|env|reset" >&2
  exit 2
}
