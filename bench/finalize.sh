#!/usr/bin/env bash
# Finalize benchmark (issue 13): a 10 GiB version of five files (one of 6 GiB, uploaded by multipart) against s3rver.
#
#   bench/finalize.sh            # the service from its current Debug build (dotnet build first); ~10 minutes, ~30 GB of disk
#   FINALIZE_BENCH_SCALE=0.01 bench/finalize.sh   # the same at 1/100 size, a quick check
#
# Starts a throwaway PostgreSQL, s3rver (scripts/start-s3.sh) and the service in a fresh /tmp folder, writes the files,
# times `sha256sum` over them (wall and CPU), registers the version, uploads it through the presigned URLs, and times
# POST …:finalize (which completes the multipart upload and streams every file through SHA-256) with the CPU of the
# service, s3rver and the machine from /proc. Prints a Markdown row; stops everything it started and removes the folder.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d /tmp/controlplane-finalize-bench.XXXXXX)"
chmod 755 "$WORK"
API_DIR="$REPO_ROOT/src/ControlPlane.Api/bin/Debug/net10.0"
PG_PORT="${FINALIZE_BENCH_PG_PORT:-55571}"; S3_PORT="${FINALIZE_BENCH_S3_PORT:-55572}"; API="http://127.0.0.1:${FINALIZE_BENCH_API_PORT:-55573}"
OPERATOR_SECRET="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
API_PID=""
log() { printf 'finalize-bench: %s\n' "$*" >&2; }
cleanup() {
  [[ -n "$API_PID" ]] && kill "$API_PID" 2>/dev/null && wait "$API_PID" 2>/dev/null || true
  [[ -f "$WORK/s3.s3rver.pid" ]] && kill -- -"$(cat "$WORK/s3.s3rver.pid")" 2>/dev/null || true
  local cluster="$WORK/pg"; [[ -f "$WORK/pg/CLUSTER_LOCATION" ]] && cluster="$(head -n1 "$WORK/pg/CLUSTER_LOCATION")"
  if [[ "$(id -u)" -eq 0 ]]; then (cd / && runuser -u postgres -- pg_ctl -D "$cluster" -m fast stop >/dev/null 2>&1) || true
  else pg_ctl -D "$cluster" -m fast stop >/dev/null 2>&1 || true; fi
  [[ -n "${FINALIZE_BENCH_KEEP:-}" ]] || rm -rf "$WORK"
}
trap cleanup EXIT
[[ -f "$API_DIR/ControlPlane.Api.dll" ]] || { log "build first: dotnet build ControlPlane.sln"; exit 1; }
# A copy: a build during the run must not replace the assemblies the service has loaded.
cp -r "$API_DIR" "$WORK/api"; API_DIR="$WORK/api"

CS="$(bash "$REPO_ROOT/scripts/start-postgres.sh" "$WORK/pg" "$PG_PORT" 2>"$WORK/postgres.log")"
S3_URL="$(bash "$REPO_ROOT/scripts/start-s3.sh" "$WORK/s3" "$S3_PORT" 2>"$WORK/s3-start.log")"
ASPNETCORE_ENVIRONMENT=Development ConnectionStrings__ControlPlane="$CS" Database__MigrateOnStartup=true \
Bootstrap__OperatorClientId=operator Bootstrap__OperatorClientSecret="$OPERATOR_SECRET" \
RateLimiting__PermitsPerSecond=1000000 RateLimiting__Burst=1000000 Serilog__MinimumLevel__Default=Warning \
ObjectStore__ServiceUrl="$S3_URL" ObjectStore__AccessKey=S3RVER ObjectStore__SecretKey=S3RVER \
  dotnet exec "$API_DIR/ControlPlane.Api.dll" --urls "$API" --contentRoot "$API_DIR" >"$WORK/api.log" 2>&1 &
API_PID=$!
for _ in $(seq 1 240); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$API/readyz")" == "200" ]] && break
  kill -0 "$API_PID" || { tail -n 30 "$WORK/api.log" >&2; exit 1; }
  sleep 0.5
done
S3_PID="$(pgrep -g "$(cat "$WORK/s3.s3rver.pid")" -f s3rver-strict.js | head -n1)"
python3 "$REPO_ROOT/bench/finalize_bench.py" --api "$API" --operator-secret "$OPERATOR_SECRET" --dir "$WORK/files" \
  --api-pid "$API_PID" --s3-pid "$S3_PID" --scale "${FINALIZE_BENCH_SCALE:-1}"
