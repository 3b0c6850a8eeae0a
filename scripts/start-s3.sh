#!/usr/bin/env bash
# Start (or reuse) a local S3-compatible server (s3rver) for development and tests.
#
#   scripts/start-s3.sh DIR PORT
#
# Serves DIR on http://127.0.0.1:PORT in the background and waits until it answers (s3rver with S3's multipart checks,
# scripts/s3rver-strict.js). Idempotent: when
# an S3 server already answers on PORT it is reused. Bucket "models" is created (at startup with
# --configure-bucket, or with a PUT when reusing a server that lacks it).
# Credentials: access key S3RVER, secret key S3RVER (s3rver's fixed pair). Use path-style addressing.
#
# s3rver@3.7.1 (npm) is installed, only if missing, into $S3RVER_TOOLS_DIR (default <repo>/.data/tools)
# with `npm install --prefix`. Node.js/npm come from Debian (apt-get) when missing and we are root.
# Files beside DIR: DIR.s3rver.pid (the process group) and DIR.s3rver.log. Stop with: kill -- -"$(cat DIR.s3rver.pid)".
# With S3RVER_OWNER_PID set (the tests), the server also stops by itself once that process has exited.
# Prints ONE line on stdout: the endpoint URL, e.g. http://127.0.0.1:4569 (progress goes to stderr).
set -euo pipefail

log() { printf 'start-s3: %s\n' "$*" >&2; }
die() { printf 'start-s3: error: %s\n' "$*" >&2; exit 1; }

[[ $# -eq 2 ]] || die "usage: $0 DIR PORT"
DIR="$(realpath -m -- "$1")"
PORT="$2"
if ! [[ "$PORT" =~ ^[0-9]+$ ]] || (( PORT < 1 || PORT > 65535 )); then
  die "PORT must be a TCP port number, got '$PORT'"
fi
BUCKET="${S3_BUCKET:-models}"
S3RVER_VERSION=3.7.1
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$(realpath -m -- "${S3RVER_TOOLS_DIR:-$REPO_ROOT/.data/tools}")"
S3RVER="$TOOLS_DIR/node_modules/.bin/s3rver"
PID_FILE="${DIR%/}.s3rver.pid"
LOG_FILE="${DIR%/}.s3rver.log"
URL="http://127.0.0.1:$PORT"

command -v curl >/dev/null 2>&1 || {
  if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl >&2 \
      || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl >&2; }
  else
    die "curl is required"
  fi
}

# HTTP status of a GET (000 when nothing answers).
http_status() { curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" 2>/dev/null || true; }
# Does an S3 server answer on the port? (ListBuckets answers 200 with ListAllMyBucketsResult.)
s3_answers() { curl -s -m 2 "$URL/" 2>/dev/null | grep -q 'ListAllMyBucketsResult'; }

ensure_bucket() {
  local code
  code="$(http_status "$URL/$BUCKET")"
  if [[ "$code" == "404" ]]; then
    log "creating bucket $BUCKET"
    curl -s -f -o /dev/null -m 5 -X PUT "$URL/$BUCKET" || die "could not create bucket $BUCKET on $URL"
  elif [[ "$code" != "200" ]]; then
    die "unexpected HTTP $code for bucket $BUCKET on $URL"
  fi
}

# ---------------------------------------------------------------------------------------------------
# Already running?
# ---------------------------------------------------------------------------------------------------
if s3_answers; then
  if [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    log "already running on $URL (pid $(cat "$PID_FILE"), dir $DIR)"
  else
    log "an S3 server already answers on $URL (not started by this script for $DIR); reusing it"
  fi
  ensure_bucket
  echo "$URL"
  exit 0
fi
if [[ "$(http_status "$URL/")" != "000" ]]; then
  die "something that is not an S3 server answers on $URL; choose another port"
fi

# ---------------------------------------------------------------------------------------------------
# Install Node.js/npm and s3rver if missing.
# ---------------------------------------------------------------------------------------------------
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing Node.js and npm from Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y --no-install-recommends nodejs npm >&2
  else
    die "node and npm are required (Debian: sudo apt-get install -y nodejs npm)"
  fi
fi
if [[ ! -x "$S3RVER" ]]; then
  log "installing s3rver@$S3RVER_VERSION into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --loglevel=error "s3rver@$S3RVER_VERSION" >&2 \
    || die "npm install s3rver@$S3RVER_VERSION failed"
  [[ -x "$S3RVER" ]] || die "s3rver not found at $S3RVER after npm install"
fi

# ---------------------------------------------------------------------------------------------------
# Start in the background (own session, no inherited stdout so $(...) callers do not hang).
# ---------------------------------------------------------------------------------------------------
mkdir -p "$DIR"
log "starting s3rver on $URL (dir $DIR, log $LOG_FILE)"
# s3rver behind scripts/s3rver-strict.js: the multipart checks real S3 makes (ListParts, InvalidPart, EntityTooSmall, …).
SERVER=(env NODE_PATH="$TOOLS_DIR/node_modules" node "$REPO_ROOT/scripts/s3rver-strict.js" "$DIR" 127.0.0.1 "$PORT" "$BUCKET")
if [[ -n "${S3RVER_OWNER_PID:-}" ]]; then
  # Tests: the server lives only as long as the process that asked for it, however that process ends (a killed test
  # host runs no exit handler). A watcher in the same process group stops it once the owner is gone.
  setsid nohup bash -c 'owner=$1; shift; "$@" & server=$!
    while kill -0 "$owner" 2>/dev/null && kill -0 "$server" 2>/dev/null; do sleep 1; done
    kill "$server" 2>/dev/null; wait' s3rver-owner-watch "$S3RVER_OWNER_PID" "${SERVER[@]}" </dev/null >"$LOG_FILE" 2>&1 &
else
  setsid nohup "${SERVER[@]}" </dev/null >"$LOG_FILE" 2>&1 &
fi
# The process group leader (setsid): stop everything with kill -- -PID.
echo $! > "$PID_FILE"

for _ in $(seq 1 100); do
  if s3_answers; then
    ensure_bucket
    log "ready: $URL (access key S3RVER, secret S3RVER, bucket $BUCKET); stop with: kill -- -\$(cat $PID_FILE)"
    echo "$URL"
    exit 0
  fi
  if ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    tail -n 20 "$LOG_FILE" >&2 || true
    die "s3rver exited; log: $LOG_FILE"
  fi
  sleep 0.2
done
tail -n 20 "$LOG_FILE" >&2 || true
die "s3rver did not answer on $URL within 20 s; log: $LOG_FILE"
