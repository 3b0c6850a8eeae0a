#!/usr/bin/env bash
# Start (or reuse) a local PostgreSQL cluster for development and tests.
#
#   scripts/start-postgres.sh DATA_DIR PORT
#
# Idempotent: initialises the cluster on first use, starts it if it is not running, creates the
# database "controlplane" if missing. Prints ONE line on stdout, the Npgsql connection string:
#   Host=127.0.0.1;Port=PORT;Username=controlplane;Database=controlplane
# Everything else (progress, where the cluster lives, how to stop it) goes to stderr, so
#   CS="$(scripts/start-postgres.sh .data/postgres 5433)"   works.
#
# Binaries: initdb/pg_ctl from PATH, else the newest /usr/lib/postgresql/*/bin; if none and we are root,
# `apt-get install -y postgresql`. Authentication is "trust" and the server listens on 127.0.0.1 only:
# a developer/test cluster, never a production one.
#
# Running as root: initdb refuses root, so the cluster is owned by the `postgres` user and every server
# command runs through `runuser -u postgres --`. That user must be able to reach DATA_DIR; a directory
# under a root-only path (e.g. /root/...) is not reachable. In that case (and when DATA_DIR is so long
# that the Unix socket path would exceed the kernel's 107-byte limit) the cluster lives in
# /tmp/controlplane-pg-<sha256(DATA_DIR) prefix> instead, and DATA_DIR/CLUSTER_LOCATION records where.
# Nothing outside DATA_DIR and that /tmp directory has its permissions changed.
#
# Stop it with:  pg_ctl -D <cluster dir> stop   (as postgres when root; the script prints the command).
set -euo pipefail

log() { printf 'start-postgres: %s\n' "$*" >&2; }
die() { printf 'start-postgres: error: %s\n' "$*" >&2; exit 1; }

[[ $# -eq 2 ]] || die "usage: $0 DATA_DIR PORT"
DATA_DIR="$(realpath -m -- "$1")"
PORT="$2"
if ! [[ "$PORT" =~ ^[0-9]+$ ]] || (( PORT < 1 || PORT > 65535 )); then
  die "PORT must be a TCP port number, got '$PORT'"
fi

DB_USER=controlplane
DB_NAME=controlplane
IS_ROOT=0
[[ "$(id -u)" -eq 0 ]] && IS_ROOT=1

# ---------------------------------------------------------------------------------------------------
# 1. Locate (or install) the server binaries.
# ---------------------------------------------------------------------------------------------------
find_pg_bin() {
  local d
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return 0
  fi
  # Newest major version first.
  for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k4 -V -r); do
    if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

if ! PG_BIN="$(find_pg_bin)"; then
  if [[ $IS_ROOT -eq 1 ]] && command -v apt-get >/dev/null 2>&1; then
    log "no PostgreSQL server binaries found; installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y --no-install-recommends postgresql >&2
    PG_BIN="$(find_pg_bin)" || die "postgresql was installed but initdb/pg_ctl are still not found"
  else
    die "PostgreSQL server binaries (initdb, pg_ctl) not found in PATH or /usr/lib/postgresql/*/bin.
       Install them (Debian: sudo apt-get install -y postgresql) or run this script as root."
  fi
fi
INITDB="$PG_BIN/initdb"; [[ -x "$INITDB" ]] || INITDB="$(command -v initdb)"
PG_CTL="$PG_BIN/pg_ctl"
PSQL=""
if [[ -x "$PG_BIN/psql" ]]; then PSQL="$PG_BIN/psql"
elif command -v psql >/dev/null 2>&1; then PSQL="$(command -v psql)"
else
  for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k4 -V -r); do
    [[ -x "$d/psql" ]] && { PSQL="$d/psql"; break; }
  done
fi
[[ -n "$PSQL" ]] || die "psql not found (Debian: apt-get install -y postgresql-client)"
# "pg_ctl (PostgreSQL) 15.8 (Debian ...)" -> 15
PG_MAJOR="$("$PG_CTL" --version | awk '{print $3}' | sed -E 's/^([0-9]+).*/\1/')"

# ---------------------------------------------------------------------------------------------------
# 2. Who runs the server.
# ---------------------------------------------------------------------------------------------------
if [[ $IS_ROOT -eq 1 ]]; then
  if ! id -u postgres >/dev/null 2>&1; then
    log "creating system user 'postgres'"
    useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home \
      --shell /usr/sbin/nologin postgres >&2 || die "could not create the postgres user"
  fi
  command -v runuser >/dev/null 2>&1 || die "runuser not found (package util-linux)"
  # cd / first: the server tools fail when they cannot read the caller's working directory.
  # 9>&-: the lock descriptor below must not be inherited by the long-running server.
  as_pg() { (cd / && runuser -u postgres -- "$@") 9>&-; }
else
  as_pg() { "$@" 9>&-; }
fi

# ---------------------------------------------------------------------------------------------------
# 3. Where the cluster lives.
# ---------------------------------------------------------------------------------------------------
HASH="$(printf '%s' "$DATA_DIR" | sha256sum | cut -c1-12)"
FALLBACK_DIR="/tmp/controlplane-pg-$HASH"
SOCKET_MAX=100   # sun_path is 108 bytes; "/.s.PGSQL.NNNNN" needs 15 of them

# Serialise concurrent invocations for the same DATA_DIR.
if command -v flock >/dev/null 2>&1; then
  exec 9>"/tmp/controlplane-pg-$HASH.lock"
  flock -w 120 9 || die "timed out waiting for another start-postgres.sh on $DATA_DIR"
fi

usable_in_place() {
  # Can DATA_DIR itself be the cluster directory?
  (( ${#DATA_DIR} + 15 <= SOCKET_MAX )) || return 1
  if [[ $IS_ROOT -eq 1 ]]; then
    mkdir -p "$DATA_DIR" || return 1
    # Must be empty (initdb) or already a cluster.
    if [[ ! -f "$DATA_DIR/PG_VERSION" ]] && [[ -n "$(ls -A "$DATA_DIR" 2>/dev/null)" ]]; then return 1; fi
    chown postgres:postgres "$DATA_DIR" && chmod 700 "$DATA_DIR" || return 1
    # Fails when any ancestor is not searchable by postgres.
    if as_pg test -r "$DATA_DIR" -a -w "$DATA_DIR" -a -x "$DATA_DIR"; then return 0; fi
    # Not reachable: give the (empty) directory back to root and use the fallback.
    chown root:root "$DATA_DIR"; chmod 755 "$DATA_DIR"
    return 1
  fi
  mkdir -p "$DATA_DIR" || return 1
  [[ -f "$DATA_DIR/PG_VERSION" || -z "$(ls -A "$DATA_DIR" 2>/dev/null)" ]]
}

if [[ -f "$DATA_DIR/PG_VERSION" ]]; then
  CLUSTER_DIR="$DATA_DIR"
elif [[ -f "$DATA_DIR/CLUSTER_LOCATION" ]]; then
  CLUSTER_DIR="$(head -n1 "$DATA_DIR/CLUSTER_LOCATION")"
elif usable_in_place; then
  CLUSTER_DIR="$DATA_DIR"
else
  CLUSTER_DIR="$FALLBACK_DIR"
  mkdir -p "$DATA_DIR"
  printf '%s\n# PostgreSQL cluster for this directory lives above (start-postgres.sh: %s is not usable by the server user or too long for a socket path)\n' \
    "$CLUSTER_DIR" "$DATA_DIR" > "$DATA_DIR/CLUSTER_LOCATION"
  log "cluster directory: $CLUSTER_DIR (recorded in $DATA_DIR/CLUSTER_LOCATION)"
fi

if [[ ! -d "$CLUSTER_DIR" ]]; then
  mkdir -p "$CLUSTER_DIR"
fi
if [[ $IS_ROOT -eq 1 && ! -f "$CLUSTER_DIR/PG_VERSION" ]]; then
  chown postgres:postgres "$CLUSTER_DIR"
fi
chmod 700 "$CLUSTER_DIR" 2>/dev/null || true

# ---------------------------------------------------------------------------------------------------
# 4. initdb on first use.
# ---------------------------------------------------------------------------------------------------
if [[ ! -f "$CLUSTER_DIR/PG_VERSION" ]]; then
  log "initialising PostgreSQL $PG_MAJOR cluster in $CLUSTER_DIR"
  as_pg "$INITDB" -D "$CLUSTER_DIR" -A trust -U "$DB_USER" --encoding=UTF8 --no-locale >&2 \
    || die "initdb failed for $CLUSTER_DIR"
else
  have="$(cat "$CLUSTER_DIR/PG_VERSION")"
  [[ "$have" == "$PG_MAJOR" ]] || die "$CLUSTER_DIR holds a PostgreSQL $have cluster but the binaries in $PG_BIN are $PG_MAJOR; remove the directory or install PostgreSQL $have"
fi

# ---------------------------------------------------------------------------------------------------
# 5. Start unless already running on this directory.
# ---------------------------------------------------------------------------------------------------
STOP_CMD="$PG_CTL -D $CLUSTER_DIR stop"
[[ $IS_ROOT -eq 1 ]] && STOP_CMD="runuser -u postgres -- $STOP_CMD"

if as_pg "$PG_CTL" -D "$CLUSTER_DIR" status >/dev/null 2>&1; then
  running_port="$(sed -n '4p' "$CLUSTER_DIR/postmaster.pid" 2>/dev/null || true)"
  if [[ -n "$running_port" && "$running_port" != "$PORT" ]]; then
    die "the cluster in $CLUSTER_DIR is already running on port $running_port, not $PORT; stop it first: $STOP_CMD"
  fi
  log "already running: $CLUSTER_DIR (port $PORT)"
else
  log "starting PostgreSQL on 127.0.0.1:$PORT (log: $CLUSTER_DIR/log)"
  if ! as_pg "$PG_CTL" -D "$CLUSTER_DIR" \
        -o "-p $PORT -k $CLUSTER_DIR -c listen_addresses=127.0.0.1" \
        -l "$CLUSTER_DIR/log" -w -t 60 start >&2; then
    tail -n 20 "$CLUSTER_DIR/log" >&2 2>/dev/null || true
    die "PostgreSQL did not start (is port $PORT already in use?); log: $CLUSTER_DIR/log"
  fi
fi

# ---------------------------------------------------------------------------------------------------
# 6. Database.
# ---------------------------------------------------------------------------------------------------
psql_q() { PGCONNECT_TIMEOUT=5 "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U "$DB_USER" "$@"; }
for _ in $(seq 1 50); do
  psql_q -d postgres -tAc 'SELECT 1' >/dev/null 2>&1 && break
  sleep 0.2
done
exists="$(psql_q -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" \
  || die "cannot connect to 127.0.0.1:$PORT as $DB_USER"
if [[ "$exists" != "1" ]]; then
  log "creating database $DB_NAME"
  psql_q -d postgres -c "CREATE DATABASE \"$DB_NAME\" ENCODING 'UTF8'" >&2
fi

log "ready; stop with: $STOP_CMD"
echo "Host=127.0.0.1;Port=$PORT;Username=$DB_USER;Database=$DB_NAME"
