#!/usr/bin/env bash
# Load benchmark of ControlPlane: the service against a bare ASP.NET Core + Npgsql baseline, same machine, same run.
#
#   bench/run.sh
#
# Starts a throwaway PostgreSQL, publishes (Release, into a temporary folder: the repo's bin/obj are never touched)
# and starts the service and the baseline on loopback, creates a tenant and a service account, then measures
#   - max throughput and latency distribution with wrk (closed loop, -t2 -c64),
#   - p50/p99 at a fixed offered rate below saturation with bench/FixedRate (open loop),
# prints a Markdown table and writes it to bench/results/latest.md. Everything it started is stopped on exit.
# Exit status: 0 when every measurement is valid (no errors, no non-2xx), 3 when some is not, 1 on a setup failure.
#
# Overridable (environment): BENCH_DURATION (15, seconds per wrk run), BENCH_THREADS (2), BENCH_CONNECTIONS (64),
# BENCH_WARMUP (5), BENCH_FIXED_DURATION (15), BENCH_JIT_WARMUP (30, per app at -c8 before measuring), BENCH_GET_RATE / BENCH_TOKEN_RATE (fixed offered rates; default half
# of the service's measured maximum, rounded down to 100), BENCH_PG_PORT (55432), BENCH_API_PORT (58080),
# BENCH_BASELINE_PORT (58081), BENCH_KEEP=1 (keep the temporary folder with logs and builds), BENCH_ADMISSION_WARMUP (120:
# at most this many seconds of admissions before the admission runs, until the JIT takes < 5% of the service's CPU),
# BENCH_SERVICE_ENV ("VAR=value …", more environment for the service).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$BENCH_DIR/.." && pwd)"
DURATION="${BENCH_DURATION:-15}"
THREADS="${BENCH_THREADS:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
WARMUP="${BENCH_WARMUP:-5}"
FIXED_DURATION="${BENCH_FIXED_DURATION:-15}"
PG_PORT="${BENCH_PG_PORT:-55432}"
API_PORT="${BENCH_API_PORT:-58080}"
BASE_PORT="${BENCH_BASELINE_PORT:-58081}"
API="http://127.0.0.1:$API_PORT"
BASE="http://127.0.0.1:$BASE_PORT"
OPERATOR_ID=operator
OPERATOR_SECRET="bench-operator-secret-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
TARGET_GET_RATIO=0.6
# Setup requests (tenant, account, tokens) on a loaded machine can take far longer than on an idle one.
SETUP_TIMEOUT="${BENCH_SETUP_TIMEOUT:-60}"
TARGET_GET_P99_MS=10
TARGET_TOKEN_RPS=2000

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------------------------------
# Cleanup: stop exactly what this script started (by pid / by data directory), even on failure.
# ---------------------------------------------------------------------------------------------------------------------
WORK="$(mktemp -d /tmp/controlplane-bench.XXXXXX)"
chmod 755 "$WORK"
API_PID=""; BASE_PID=""; PG_DATA=""; LOAD_PID=""; STATUS_OK=0
cleanup() {
  local rc=$?
  set +e
  [[ -n "$LOAD_PID" ]] && kill "$LOAD_PID" 2>/dev/null
  for pid in $API_PID $BASE_PID; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null
    fi
  done
  [[ -n "${S3_DIR:-}" && -f "$S3_DIR.s3rver.pid" ]] && kill "$(cat "$S3_DIR.s3rver.pid")" 2>/dev/null
  if [[ -n "$PG_DATA" ]]; then
    local cluster="$PG_DATA"
    [[ -f "$PG_DATA/CLUSTER_LOCATION" ]] && cluster="$(head -n1 "$PG_DATA/CLUSTER_LOCATION")"
    if [[ -f "$cluster/postmaster.pid" ]]; then
      if [[ "$(id -u)" -eq 0 ]]; then
        (cd / && runuser -u postgres -- pg_ctl -D "$cluster" -m fast -w -t 30 stop >/dev/null 2>&1)
      else
        pg_ctl -D "$cluster" -m fast -w -t 30 stop >/dev/null 2>&1
      fi
    fi
    [[ "$cluster" != "$PG_DATA" && "$cluster" == /tmp/controlplane-pg-* ]] && rm -rf "$cluster"
    rm -f "/tmp/controlplane-pg-$(printf '%s' "$(realpath -m -- "$PG_DATA")" | sha256sum | cut -c1-12).lock"
  fi
  if [[ "${BENCH_KEEP:-0}" == "1" || $rc -ne 0 && $rc -ne 3 ]]; then
    log "logs and builds kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------------------------------
# (a) Tools.
# ---------------------------------------------------------------------------------------------------------------------
need_apt=()
command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if (( ${#need_apt[@]} )); then
  [[ "$(id -u)" -eq 0 ]] || die "missing ${need_apt[*]}; install them (apt-get install -y ${need_apt[*]})"
  log "installing ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  timeout 300 apt-get install -y --no-install-recommends "${need_apt[@]}" >"$WORK/apt.log" 2>&1 \
    || { timeout 300 apt-get update >>"$WORK/apt.log" 2>&1; timeout 300 apt-get install -y --no-install-recommends "${need_apt[@]}" >>"$WORK/apt.log" 2>&1; } \
    || die "apt-get install ${need_apt[*]} failed (see $WORK/apt.log)"
fi
command -v dotnet >/dev/null 2>&1 || die "the .NET SDK (dotnet) is required"
for port in "$PG_PORT" "$API_PORT" "$BASE_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is already in use on 127.0.0.1 (override with BENCH_*_PORT)"; fi
done

# ---------------------------------------------------------------------------------------------------------------------
# (c, first half) Publish: Release, into $WORK; --artifacts-path keeps every project's obj/bin out of the repo.
# ---------------------------------------------------------------------------------------------------------------------
publish() { # project-dir out-dir [extra args]
  local project="$1" out="$2"; shift 2
  timeout 600 dotnet publish "$project" -c Release -o "$out" --artifacts-path "$WORK/artifacts" --nologo "$@" \
    >"$WORK/publish-$(basename "$out").log" 2>&1
}
if [[ -n "${BENCH_PUBLISHED:-}" ]]; then
  # A loaded machine can take longer to publish than to measure: reuse the out/ folder of a kept run (BENCH_KEEP=1).
  log "reusing the published apps in $BENCH_PUBLISHED"
  mkdir -p "$WORK/out" && cp -r "$BENCH_PUBLISHED"/. "$WORK/out/"
else
  log "publishing the service (Release)"
  for attempt in 1 2 3 4 5; do
    publish "$REPO_ROOT/src/ControlPlane.Api" "$WORK/out/api" -p:OpenApiGenerateDocuments=false && break
    (( attempt < 5 )) || { tail -n 30 "$WORK/publish-api.log" >&2; die "the service does not build"; }
    log "publish failed (attempt $attempt; the source may be mid-edit), retrying in 60 s:"
    grep -E ' error ' "$WORK/publish-api.log" | sort -u | head -n 5 >&2 || true
    sleep 60
  done
  log "publishing the baseline and the fixed-rate generator"
  publish "$BENCH_DIR/Baseline" "$WORK/out/baseline" || { tail -n 30 "$WORK/publish-baseline.log" >&2; die "the baseline does not build"; }
  publish "$BENCH_DIR/FixedRate" "$WORK/out/fixedrate" || { tail -n 30 "$WORK/publish-fixedrate.log" >&2; die "FixedRate does not build"; }
  if [[ "${BENCH_ONLY:-}" != "http" ]]; then
    publish "$BENCH_DIR/PlacementBench" "$WORK/out/placementbench" || { tail -n 30 "$WORK/publish-placementbench.log" >&2; die "PlacementBench does not build"; }
    publish "$BENCH_DIR/BillingBench" "$WORK/out/billingbench" || { tail -n 30 "$WORK/publish-billingbench.log" >&2; die "BillingBench does not build"; }
  fi
fi

# ---------------------------------------------------------------------------------------------------------------------
# (b) PostgreSQL, throwaway.
# ---------------------------------------------------------------------------------------------------------------------
PG_DATA="$WORK/pg"
log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
CS="$(bash "$REPO_ROOT/scripts/start-postgres.sh" "$PG_DATA" "$PG_PORT" 2>"$WORK/postgres-start.log")" \
  || { cat "$WORK/postgres-start.log" >&2; die "PostgreSQL did not start"; }
# Two apps with Npgsql's default pool (100 each) may together want more than PostgreSQL's default 100 backends.
psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U controlplane -d postgres -c "ALTER SYSTEM SET max_connections = 300" >/dev/null
# BENCH_PROFILE=1 (admissions, billing): PostgreSQL counts every statement (pg_stat_statements) and perf samples the machine.
if [[ -n "${BENCH_PROFILE:-}" ]]; then
  psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U controlplane -d postgres -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" >/dev/null
fi
PG_CLUSTER="$PG_DATA"; [[ -f "$PG_DATA/CLUSTER_LOCATION" ]] && PG_CLUSTER="$(head -n1 "$PG_DATA/CLUSTER_LOCATION")"
if [[ "$(id -u)" -eq 0 ]]; then
  (cd / && runuser -u postgres -- pg_ctl -D "$PG_CLUSTER" -w -t 60 restart >/dev/null)
else
  pg_ctl -D "$PG_CLUSTER" -w -t 60 restart >/dev/null
fi
# PostgreSQL CPU is this cluster's only (its postmaster and backends): other engineers' test databases are "other".
export PG_POSTMASTER_PID; PG_POSTMASTER_PID="$(head -n1 "$PG_CLUSTER/postmaster.pid")"

# The object store (s3rver): the service's readiness includes it.
S3_DIR="$WORK/s3"
S3_URL="$(bash "$REPO_ROOT/scripts/start-s3.sh" "$S3_DIR" "${BENCH_S3_PORT:-55469}" 2>"$WORK/s3-start.log")" \
  || { cat "$WORK/s3-start.log" >&2; die "s3rver did not start"; }

# ---------------------------------------------------------------------------------------------------------------------
# (c) Start the service and the baseline.
# ---------------------------------------------------------------------------------------------------------------------
wait_http() { # url seconds pid
  local deadline=$((SECONDS + $2))
  while (( SECONDS < deadline )); do
    kill -0 "$3" 2>/dev/null || return 1
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1")" == "200" ]] && return 0
    sleep 0.5
  done
  return 1
}
# --contentRoot: appsettings*.json are read from the content root, which is otherwise the current directory.
start_service() { # [VAR=value …]: extra environment (runtime settings measured in BENCH_RUNTIME_VARIANTS)
  log "starting the service on $API${*:+ with $*}"
  env ASPNETCORE_ENVIRONMENT=Development \
    ConnectionStrings__ControlPlane="$CS" \
    Database__MigrateOnStartup=true \
    Bootstrap__OperatorClientId="$OPERATOR_ID" \
    Bootstrap__OperatorClientSecret="$OPERATOR_SECRET" \
    RateLimiting__PermitsPerSecond=1000000 \
    RateLimiting__Burst=1000000 \
    Serilog__MinimumLevel__Default=Warning \
    ObjectStore__ServiceUrl="$S3_URL" ObjectStore__AccessKey=S3RVER ObjectStore__SecretKey=S3RVER "$@" \
    dotnet exec "$WORK/out/api/ControlPlane.Api.dll" --urls "$API" --contentRoot "$WORK/out/api" >>"$WORK/api.log" 2>&1 &
  API_PID=$!
  wait_http "$API/readyz" "${BENCH_READY_TIMEOUT:-120}" "$API_PID" || { tail -n 40 "$WORK/api.log" >&2; die "the service did not become ready"; }
}
stop_service() {
  kill -TERM "$API_PID" 2>/dev/null
  for _ in $(seq 1 100); do kill -0 "$API_PID" 2>/dev/null || break; sleep 0.1; done
}
# BENCH_PROFILE: the runtime writes /tmp/perf-<pid>.map so that perf names JIT-compiled methods; with W^X on (the
# default) the code runs from a double-mapped memfd, which perf attributes to that file instead of the map.
# BENCH_SERVICE_ENV: more of the service's environment, e.g. "Reconciler__Enabled=false" measures admissions on a replica
# that leaves reconciling and observing to others.
# shellcheck disable=SC2086 # word splitting intended: VAR=value pairs
start_service ${BENCH_PROFILE:+DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0} ${BENCH_SERVICE_ENV:-}

log "starting the baseline on $BASE"
ASPNETCORE_ENVIRONMENT=Production ConnectionStrings__ControlPlane="$CS" \
  dotnet exec "$WORK/out/baseline/Baseline.dll" --urls "$BASE" --contentRoot "$WORK/out/baseline" >"$WORK/baseline.log" 2>&1 &
BASE_PID=$!
wait_http "$BASE/healthz" 60 "$BASE_PID" || { tail -n 40 "$WORK/baseline.log" >&2; die "the baseline did not start"; }

# ---------------------------------------------------------------------------------------------------------------------
# (d) Tenant and service account.
# ---------------------------------------------------------------------------------------------------------------------
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
token_for() { # client-id secret -> access token (3 attempts)
  local attempt body
  for attempt in 1 2 3; do
    body="$(curl -s --max-time "$SETUP_TIMEOUT" "$API/connect/token" --data-urlencode grant_type=client_credentials \
      --data-urlencode "client_id=$1" --data-urlencode "client_secret=$2" -w '\n%{http_code}')" || true
    if [[ "${body##*$'\n'}" == "200" ]]; then json_field access_token <<<"${body%$'\n'*}"; return 0; fi
    log "token request failed (attempt $attempt): $(tr '\n' ' ' <<<"$body" | cut -c1-300)"
    sleep 2
  done
  return 1
}
expect_status() { # expected method url token [json-body] -> body on stdout
  local expected="$1" method="$2" url="$3" token="$4" body="${5:-}" out="$WORK/response.json" code
  if [[ -n "$body" ]]; then
    code="$(curl -s -o "$out" -w '%{http_code}' --max-time "$SETUP_TIMEOUT" -X "$method" -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' --data "$body" "$url")"
  else
    code="$(curl -s -o "$out" -w '%{http_code}' --max-time "$SETUP_TIMEOUT" -X "$method" -H "Authorization: Bearer $token" "$url")"
  fi
  [[ "$code" == "$expected" ]] || { cat "$out" >&2; echo >&2; die "$method $url returned $code, expected $expected"; }
  cat "$out"
}
log "creating tenant 'bench' and service account 'ci' (developer)"
OP_TOKEN="$(token_for "$OPERATOR_ID" "$OPERATOR_SECRET")" || die "no operator token"
expect_status 201 POST "$API/v1/tenants" "$OP_TOKEN" '{"name":"bench"}' >/dev/null
SA_JSON="$(expect_status 201 POST "$API/v1/tenants/bench/service-accounts" "$OP_TOKEN" '{"name":"ci","role":"developer"}')"
export BENCH_CLIENT_ID BENCH_CLIENT_SECRET
BENCH_CLIENT_ID="$(json_field clientId <<<"$SA_JSON")"
BENCH_CLIENT_SECRET="$(json_field clientSecret <<<"$SA_JSON")"
SA_TOKEN="$(token_for "$BENCH_CLIENT_ID" "$BENCH_CLIENT_SECRET")" || die "no service-account token"
expect_status 200 GET "$API/v1/tenants/bench" "$SA_TOKEN" >/dev/null
[[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time "$SETUP_TIMEOUT" "$BASE/tenants/bench")" == "200" ]] || die "the baseline does not find tenant 'bench'"

# BENCH_PROFILE=1 (admissions, billing): from profile_start to profile_stop, perf samples the whole machine by CPU clock —
# the service (its JIT-compiled frames named through the perf map it writes with DOTNET_PerfMapEnabled), PostgreSQL's
# backends and the load generator, each by process — and pg_stat_statements counts every statement.
TRACE_PID=""
profile_start() {
  [[ -n "${BENCH_PROFILE:-}" ]] || return 0
  psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U controlplane -d controlplane -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
  perf record -F 499 -a -g -e cpu-clock -o "$WORK/perf.data" >"$WORK/perf.log" 2>&1 &
  TRACE_PID=$!
}
profile_stop() {
  [[ -n "$TRACE_PID" ]] || return 0
  kill -INT "$TRACE_PID"; wait "$TRACE_PID" || true
  psql -X -h 127.0.0.1 -p "$PG_PORT" -U controlplane -d controlplane -c "SELECT calls, round(total_exec_time::numeric, 0) AS ms, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 160) AS query FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 40" >"$WORK/pg-statements.txt"
  log "profile: $WORK/perf.data (perf report -i …) and $WORK/pg-statements.txt (BENCH_KEEP=1 keeps them)"
}

# Billing (issue 5) alone: BENCH_ONLY=billing bench/run.sh. Ingestion throughput with 10% re-sent events and a
# duplicate count in the database; a month of BENCH_BILLING_EVENTS (10,000,000) events: statement and full recompute.
if [[ "${BENCH_ONLY:-}" == "billing" ]]; then
  log "billing benchmark (bulk-loading ${BENCH_BILLING_EVENTS:-10000000} events takes a few minutes)"
  BILLING_STATUS=0
  profile_start # with a small BENCH_BILLING_EVENTS the profile is the ingestion's
  dotnet "$WORK/out/billingbench/BillingBench.dll" --api "$API" --operator-id "$OPERATOR_ID" --operator-secret "$OPERATOR_SECRET" \
    --connection "$CS" --batches "${BENCH_BILLING_BATCHES:-1500}" --events "${BENCH_BILLING_EVENTS:-10000000}" \
    --service-pid "$API_PID" --postgres-pid "$PG_POSTMASTER_PID" \
    >"$WORK/billing.md" 2>"$WORK/billing.err" || BILLING_STATUS=$?
  profile_stop
  if [[ "$BILLING_STATUS" -ne 0 && "$BILLING_STATUS" -ne 3 ]]; then tail -n 30 "$WORK/billing.err" >&2; die "BillingBench failed"; fi
  mkdir -p "$BENCH_DIR/results"
  { echo "# ControlPlane billing benchmark"; echo; echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, commit $(git -C "$REPO_ROOT" rev-parse --short HEAD)"
    echo "- Service: Release build, Serilog minimum level Warning; PostgreSQL, the service and the generator share the machine"; echo
    cat "$WORK/billing.md"; } >"$BENCH_DIR/results/billing-latest.md"
  cat "$WORK/billing.md"
  log "written to bench/results/billing-latest.md"
  exit "$BILLING_STATUS"
fi

# Admissions (issue 14) alone: BENCH_ONLY=admissions bench/run.sh. The two admission scenarios of PlacementBench with
# CPU per request of the service and of this run's PostgreSQL (postmaster + backends, from /proc), each run ending with
# the zero-overcommit check (admitted = quota use = pool allocation).
if [[ "${BENCH_ONLY:-}" == "admissions" ]]; then
  log "admission benchmarks"
  ADMISSION_STATUS=0
  profile_start
  dotnet "$WORK/out/placementbench/PlacementBench.dll" --api "$API" --operator-id "$OPERATOR_ID" --operator-secret "$OPERATOR_SECRET" \
    --seconds "${BENCH_PLACEMENT_SECONDS:-15}" --warmup-seconds "${BENCH_ADMISSION_WARMUP:-120}" --admissions-only --service-pid "$API_PID" --postgres-pid "$(head -n1 "$PG_CLUSTER/postmaster.pid")" \
    >"$WORK/admissions.md" 2>"$WORK/admissions.err" || ADMISSION_STATUS=$?
  profile_stop
  if [[ "$ADMISSION_STATUS" -ne 0 && "$ADMISSION_STATUS" -ne 3 ]]; then tail -n 30 "$WORK/admissions.err" >&2; die "PlacementBench failed"; fi
  mkdir -p "$BENCH_DIR/results"
  { echo "# ControlPlane admission benchmark"; echo
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, commit $(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- Service: Release build, Serilog minimum level Warning; PostgreSQL, the service and the generator share the machine"; echo
    cat "$WORK/admissions.md"; } >"$BENCH_DIR/results/admissions-latest.md"
  cat "$WORK/admissions.md"
  log "written to bench/results/admissions-latest.md"
  exit "$ADMISSION_STATUS"
fi

# ---------------------------------------------------------------------------------------------------------------------
# Measurement helpers. CPU use per process is taken from /proc (utime+stime) around each run.
# ---------------------------------------------------------------------------------------------------------------------
cpu_start() { python3 "$BENCH_DIR/cpustat.py" snap "$WORK/cpu.snap"; LOADGEN_BEFORE="$(awk '{print $16+$17}' /proc/$$/stat)"; }
cpu_end() { # requests -> key=value CPU shares over the interval (100 = one core), service CPU ms per request
  LOADGEN_TICKS=$(( $(awk '{print $16+$17}' /proc/$$/stat) - LOADGEN_BEFORE )) \
    python3 "$BENCH_DIR/cpustat.py" diff "$WORK/cpu.snap" "$API_PID" "$BASE_PID" "$1"
}
# Other engineers' builds and tests share this machine: wait (bounded) until it is quiet before each measurement,
# and record how much CPU everything else took during it (the "other" share).
wait_quiet() {
  local deadline=$((SECONDS + ${BENCH_QUIET_WAIT:-120})) busy
  while :; do
    busy="$(python3 -c '
import time
def m():
    v=[int(x) for x in open("/proc/stat").readline().split()[1:]]; return sum(v[:8])-v[3]-v[4], sum(v[:8])
b0,t0=m(); time.sleep(2); b1,t1=m(); print(int(100*(b1-b0)/max(1,t1-t0)))')"
    (( busy <= 20 )) && return 0
    if (( SECONDS >= deadline )); then log "  machine still ${busy}% busy before the run; measuring anyway (see the 'other' CPU share)"; return 0; fi
    log "  machine ${busy}% busy (other processes); waiting for it to quieten"
    sleep 5
  done
}

# wrk run: name url [extra wrk args]; records RPS, p50, p99 (ms), errors into result files.
RESULTS="$WORK/results"; mkdir -p "$RESULTS"
run_wrk_once() {
  local name="$1" url="$2"; shift 2
  wait_quiet
  log "wrk warm-up ${WARMUP}s: $name"
  timeout $((WARMUP + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$@" "$url" >"$RESULTS/$name.warmup.txt" 2>&1 || true
  log "wrk ${DURATION}s (-t$THREADS -c$CONNECTIONS): $name"
  local allocated_before; allocated_before="$(allocated_bytes)"
  cpu_start
  # Sample top half-way through (for the record of who eats the CPU).
  ( sleep "$((DURATION / 2))"; top -b -n2 -d2 -w 200 2>/dev/null | awk '/^top -/{n++} n==2' | head -n 20 >"$RESULTS/$name.top.txt" ) &
  local top_pid=$!
  timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$url" >"$RESULTS/$name.wrk.txt" 2>&1 &
  LOAD_PID=$!
  wait "$LOAD_PID" || log "wrk exited with status $? for $name"
  LOAD_PID=""
  wait "$top_pid" 2>/dev/null || true
  cpu_end "$(sed -nE 's/^ *([0-9]+) requests in.*/\1/p' "$RESULTS/$name.wrk.txt" | head -n1)" >"$RESULTS/$name.cpu.txt"
  bytes_per_request "$allocated_before" "$(allocated_bytes)" "$(sed -nE 's/^ *([0-9]+) requests in.*/\1/p' "$RESULTS/$name.wrk.txt" | head -n1)" \
    >"$RESULTS/$name.alloc.txt"
  python3 - "$RESULTS/$name.wrk.txt" >"$RESULTS/$name.parsed" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
def ms(v, unit):
    return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]
rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
p = {q: ms(v, u) for q, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)}
total = re.search(r"(\d+) requests in", text)
non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
errors = sum(int(x) for x in sock.groups()) if sock else 0
print(f"rps={float(rps.group(1)) if rps else 0:.0f} p50={p.get('50', 0):.2f} p99={p.get('99', 0):.2f} "
      f"requests={total.group(1) if total else 0} non2xx={non2xx.group(1) if non2xx else 0} errors={errors}")
EOF
  log "  $(cat "$RESULTS/$name.parsed") | CPU: $(cat "$RESULTS/$name.cpu.txt")"
}

# Bytes the service's GC heap allocated so far (the runtime's dotnet.gc.heap.total_allocated counter on /metrics).
allocated_bytes() { { curl -s --max-time 30 "$API/metrics" || true; } | awk '/^dotnet_gc_heap_total_allocated_bytes_total/ {print $2; exit}'; }
bytes_per_request() { python3 -c 'import sys; a, b, n = sys.argv[1:]; print(f"{(float(b) - float(a)) / max(1, int(n)):.0f}" if a and b and n else "n/a")' "$@"; }

# Measured again (at most twice) when other processes took more than BENCH_MAX_OTHER % (default 25) of a core.
noisy() { local o; o="$(sed -nE 's/.*other=([0-9]+).*/\1/p' "$RESULTS/$1.cpu.txt")"; (( ${o:-0} > ${BENCH_MAX_OTHER:-25} )); }
# measure_quietly RUN_ONCE name …: RUN_ONCE name …, repeated (up to three runs in all) while the run was noisy.
measure_quietly() {
  local once="$1" attempt; shift
  for attempt in 1 2 3; do
    "$once" "$@"
    noisy "$1" || return 0
    if (( attempt < 3 )); then log "  other processes took CPU during the run; measuring $1 again"; fi
  done
  return 0
}
run_wrk() { measure_quietly run_wrk_once "$@"; }

# Fixed-rate run: name rate url [FixedRate args]
run_fixed_once() {
  local name="$1" rate="$2" url="$3"; shift 3
  wait_quiet
  log "fixed rate ${rate}/s for ${FIXED_DURATION}s (3 s warm-up): $name"
  cpu_start
  timeout $((FIXED_DURATION + 60)) dotnet "$WORK/out/fixedrate/FixedRate.dll" --url "$url" --rate "$rate" \
    --duration "$FIXED_DURATION" --warmup 3 "$@" >"$RESULTS/$name.fixed.txt" 2>&1 &
  LOAD_PID=$!
  wait "$LOAD_PID" || log "FixedRate exited with status $? for $name"
  LOAD_PID=""
  cpu_end "$(python3 -c "print(int(float('$rate') * (float('$FIXED_DURATION') + 3)))")" >"$RESULTS/$name.cpu.txt"
  python3 - "$RESULTS/$name.fixed.txt" >"$RESULTS/$name.parsed" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
kv = dict(re.findall(r"(\w+)=([\d.]+)", text.strip().splitlines()[-1] if text.strip() else ""))
if "sent" not in kv:
    print("rps=0 p50=0 p99=0 requests=0 non2xx=0 errors=1"); sys.exit()
print(f"rps={float(kv['achieved_rps']):.0f} p50={float(kv['p50_ms']):.2f} p99={float(kv['p99_ms']):.2f} "
      f"requests={kv['sent']} non2xx={kv['non2xx']} errors={kv['errors']} svc_p50={float(kv['service_p50_ms']):.2f} "
      f"svc_p99={float(kv['service_p99_ms']):.2f}")
EOF
  log "  $(cat "$RESULTS/$name.parsed") | CPU: $(cat "$RESULTS/$name.cpu.txt")"
}
run_fixed() { measure_quietly run_fixed_once "$@"; }
field() { sed -nE "s/.*(^| )$2=([^ ]+).*/\2/p" "$RESULTS/$1.parsed"; }

# ---------------------------------------------------------------------------------------------------------------------
# (e) Measure. Fresh access token before each service GET run (tokens live 10 minutes).
# ---------------------------------------------------------------------------------------------------------------------
# JIT warm-up: tiered compilation promotes hot methods to optimised code on a background thread, which gets little
# CPU on two saturated cores; measured here, the service's CPU per GET fell by half between 15 s and 90 s of load.
# So each app first runs BENCH_JIT_WARMUP seconds (default 30) at low concurrency, before any measurement.
SA_TOKEN="$(token_for "$BENCH_CLIENT_ID" "$BENCH_CLIENT_SECRET")" || die "no service-account token"
JIT_WARMUP="${BENCH_JIT_WARMUP:-30}"
log "JIT warm-up: ${JIT_WARMUP}s service GET, ${JIT_WARMUP}s token issuance, $((JIT_WARMUP / 2))s baseline GET (wrk -c8)"
timeout $((JIT_WARMUP + 30)) wrk -t2 -c8 -d"${JIT_WARMUP}s" -H "Authorization: Bearer $SA_TOKEN" "$API/v1/tenants/bench" >"$WORK/jit-warmup.txt" 2>&1 || true
timeout $((JIT_WARMUP + 30)) wrk -t2 -c8 -d"${JIT_WARMUP}s" -s "$BENCH_DIR/token.lua" "$API/connect/token" >>"$WORK/jit-warmup.txt" 2>&1 || true
timeout $((JIT_WARMUP + 30)) wrk -t2 -c8 -d"$((JIT_WARMUP / 2))s" "$BASE/tenants/bench" >>"$WORK/jit-warmup.txt" 2>&1 || true

run_wrk baseline-get "$BASE/tenants/bench"
SA_TOKEN="$(token_for "$BENCH_CLIENT_ID" "$BENCH_CLIENT_SECRET")" || die "no service-account token"
run_wrk service-get "$API/v1/tenants/bench" -H "Authorization: Bearer $SA_TOKEN"
run_wrk service-token "$API/connect/token" -s "$BENCH_DIR/token.lua"

round_rate() { python3 -c "import sys; print(max(100, int(float(sys.argv[1]) * 0.5 // 100 * 100)))" "$1"; }
GET_RATE="${BENCH_GET_RATE:-$(round_rate "$(field service-get rps)")}"
TOKEN_RATE="${BENCH_TOKEN_RATE:-$(round_rate "$(field service-token rps)")}"
run_fixed baseline-get-fixed "$GET_RATE" "$BASE/tenants/bench"
SA_TOKEN="$(token_for "$BENCH_CLIENT_ID" "$BENCH_CLIENT_SECRET")" || die "no service-account token"
run_fixed service-get-fixed "$GET_RATE" "$API/v1/tenants/bench" --header "Authorization: Bearer $SA_TOKEN"
TOKEN_BODY="grant_type=client_credentials&client_id=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$BENCH_CLIENT_ID")&client_secret=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$BENCH_CLIENT_SECRET")"
run_fixed service-token-fixed "$TOKEN_RATE" "$API/connect/token" --method POST --body "$TOKEN_BODY" \
  --content-type application/x-www-form-urlencoded

# Pull credentials (issue 14): a ready 1 KiB version of model bench-llm, then POST …:pull-credentials under wrk.
log "pull credentials: registering and uploading a 1 KiB version"
OP_TOKEN="$(token_for "$OPERATOR_ID" "$OPERATOR_SECRET")" || die "no operator token"
SA_TOKEN="$(token_for "$BENCH_CLIENT_ID" "$BENCH_CLIENT_SECRET")" || die "no service-account token"
head -c 1024 /dev/urandom >"$WORK/artifact.bin"
ARTIFACT_DIGEST="sha256:$(sha256sum "$WORK/artifact.bin" | cut -d' ' -f1)"
expect_status 200 PUT "$API/v1/tenants/bench/quotas/storage.bytes" "$OP_TOKEN" '{"limit":1048576}' >/dev/null
expect_status 201 POST "$API/v1/tenants/bench/models" "$SA_TOKEN" '{"name":"bench-llm"}' >/dev/null
UPLOAD_URL="$(expect_status 201 POST "$API/v1/tenants/bench/models/bench-llm/versions" "$SA_TOKEN" \
  "{\"digest\":\"$ARTIFACT_DIGEST\",\"sizeBytes\":1024,\"format\":\"safetensors\",\"quantization\":\"bf16\"}" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["uploads"][0]["url"])')"
curl -sf -X PUT --data-binary @"$WORK/artifact.bin" "$UPLOAD_URL" >/dev/null || die "upload to the presigned URL failed"
expect_status 200 POST "$API/v1/tenants/bench/models/bench-llm/versions/1:finalize" "$SA_TOKEN" >/dev/null
printf 'wrk.method = "POST"\n' >"$WORK/pull.lua"
run_wrk service-pull "$API/v1/tenants/bench/models/bench-llm/versions/1:pull-credentials" -s "$WORK/pull.lua" \
  -H "Authorization: Bearer $SA_TOKEN"

# Runtime settings (issue 14): BENCH_RUNTIME_VARIANTS="name:VAR=value,VAR=value name2:…" restarts the service with each
# set of environment variables, warms it up like the first run and measures the service GET and token issuance again.
VARIANT_NAMES=()
for variant in ${BENCH_RUNTIME_VARIANTS:-}; do
  vname="${variant%%:*}"; IFS=',' read -r -a venv <<<"${variant#*:}"
  stop_service; start_service "${venv[@]}"
  SA_TOKEN="$(token_for "$BENCH_CLIENT_ID" "$BENCH_CLIENT_SECRET")" || die "no service-account token"
  timeout $((JIT_WARMUP + 30)) wrk -t2 -c8 -d"${JIT_WARMUP}s" -H "Authorization: Bearer $SA_TOKEN" "$API/v1/tenants/bench" >>"$WORK/jit-warmup.txt" 2>&1 || true
  timeout $((JIT_WARMUP + 30)) wrk -t2 -c8 -d"${JIT_WARMUP}s" -s "$BENCH_DIR/token.lua" "$API/connect/token" >>"$WORK/jit-warmup.txt" 2>&1 || true
  run_wrk "service-get-$vname" "$API/v1/tenants/bench" -H "Authorization: Bearer $SA_TOKEN"
  run_wrk "service-token-$vname" "$API/connect/token" -s "$BENCH_DIR/token.lua"
  VARIANT_NAMES+=("$vname=${variant#*:}")
done
export BENCH_VARIANTS="${VARIANT_NAMES[*]}"

# ---------------------------------------------------------------------------------------------------------------------
# (f) Report.
# ---------------------------------------------------------------------------------------------------------------------
COMMIT="$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
DIRTY=""; [[ -n "$(git -C "$REPO_ROOT" status --porcelain -- src 2>/dev/null)" ]] && DIRTY=" (src/ has uncommitted changes)"
CPU_MODEL="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
REPORT="$WORK/latest.md"
python3 - "$RESULTS" "$GET_RATE" "$TOKEN_RATE" "$TARGET_GET_RATIO" "$TARGET_GET_P99_MS" "$TARGET_TOKEN_RPS" >"$WORK/table.md" <<'EOF'
import os, sys
results, get_rate, token_rate = sys.argv[1], sys.argv[2], sys.argv[3]
t_get, t_p99, t_tok = float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
def load(name):
    d = dict(kv.split("=", 1) for kv in open(os.path.join(results, name + ".parsed")).read().split())
    cpu = dict(kv.split("=", 1) for kv in open(os.path.join(results, name + ".cpu.txt")).read().split())
    app = "baseline" if name.startswith("baseline") else "service"
    d["cpu"] = (f"{app} {cpu[app]}%, postgres {cpu['postgres']}%, load gen {cpu['loadgen']}%, "
                f"**other {cpu['other']}%**" if int(cpu["other"]) > 20 else
                f"{app} {cpu[app]}%, postgres {cpu['postgres']}%, load gen {cpu['loadgen']}%, other {cpu['other']}%")
    d["msreq"] = cpu[app + "_ms_per_req"]
    d["pgms"] = cpu["pg_ms_per_req"]
    alloc = os.path.join(results, name + ".alloc.txt")
    d["alloc"] = open(alloc).read().strip() if app == "service" and os.path.exists(alloc) else ""
    return d
r = {n: load(n) for n in ["baseline-get", "service-get", "service-token", "baseline-get-fixed", "service-get-fixed", "service-token-fixed", "service-pull"]}
invalid = [n for n, d in r.items() if int(d["non2xx"]) or int(d["errors"]) or float(d["rps"]) == 0]
def f(x): return f"{float(x):,.0f}"
def ms(x): return f"{float(x):.2f} ms"
b, bf = r["baseline-get"], r["baseline-get-fixed"]
rows = [
    ("Baseline `GET /tenants/bench` (wrk, max)", b, "1.00× req/s", ""),
    ("Service `GET /v1/tenants/bench` (wrk, max)", r["service-get"], f"{float(r['service-get']['rps'])/float(b['rps']):.2f}× req/s",
     "PASS" if float(r["service-get"]["rps"]) >= t_get * float(b["rps"]) else f"FAIL (< {t_get}× ceiling)"),
    ("Service `POST /connect/token` (wrk, max)", r["service-token"], f"{float(r['service-token']['rps'])/float(b['rps']):.2f}× req/s",
     "PASS" if float(r["service-token"]["rps"]) >= t_tok else f"FAIL (< {t_tok:,.0f}/s)"),
    ("Service `POST …/versions/1:pull-credentials` (wrk, max)", r["service-pull"], f"{float(r['service-pull']['rps'])/float(b['rps']):.2f}× req/s",
     "PASS" if float(r["service-pull"]["rps"]) >= 2500 else "FAIL (< 2,500/s)"),
] + [row for v in os.environ.get("BENCH_VARIANTS", "").split() for row in [
    (f"Service `GET /v1/tenants/bench` with {v.split('=', 1)[1]} (wrk, max)", load("service-get-" + v.split("=")[0]),
     f"{float(load('service-get-' + v.split('=')[0])['rps'])/float(b['rps']):.2f}× req/s", ""),
    (f"Service `POST /connect/token` with {v.split('=', 1)[1]} (wrk, max)", load("service-token-" + v.split("=")[0]),
     f"{float(load('service-token-' + v.split('=')[0])['rps'])/float(b['rps']):.2f}× req/s", "")]] + [
    (f"Baseline `GET /tenants/bench` (fixed {get_rate}/s)", bf, "1.00× p99", ""),
    (f"Service `GET /v1/tenants/bench` (fixed {get_rate}/s)", r["service-get-fixed"],
     f"{float(r['service-get-fixed']['p99'])/max(float(bf['p99']), 0.001):.2f}× p99",
     "PASS" if float(r["service-get-fixed"]["p99"]) <= t_p99 else f"FAIL (p99 > {t_p99:.0f} ms)"),
    (f"Service `POST /connect/token` (fixed {token_rate}/s)", r["service-token-fixed"],
     f"{float(r['service-token-fixed']['p99'])/max(float(bf['p99']), 0.001):.2f}× p99", ""),
]
print("| Scenario | Requests/s | p50 | p99 | vs baseline | Non-2xx / errors | Target | App CPU / request | PostgreSQL CPU / request | Allocated / request | CPU during run (100% = 1 core) |")
print("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---|")
for name, d, ratio, target in rows:
    bad = int(d["non2xx"]) or int(d["errors"])
    print(f"| {name} | {f(d['rps'])} | {ms(d['p50'])} | {ms(d['p99'])} | {ratio} | "
          f"{d['non2xx']} / {d['errors']}{' **INVALID**' if bad else ''} | {target} | {float(d['msreq']):.3f} ms | "
          f"{float(d['pgms']):.3f} ms | {d['alloc'] + ' B' if d['alloc'] and d['alloc'] != 'n/a' else ''} | {d['cpu']} |")
print()
print("Fixed-rate rows: latency from each request's scheduled send time (open loop, no coordinated omission); "
      "service time only (from the actual send): " + "; ".join(
          f"{n} p50 {ms(r[n]['svc_p50'])}, p99 {ms(r[n]['svc_p99'])}" for n in ["baseline-get-fixed", "service-get-fixed", "service-token-fixed"]) + ".")
print()
print("App CPU / request: CPU time of the service (or baseline) process divided by the requests served in the run; "
      "it does not depend on how busy the machine was, unlike requests/s. 'other' is CPU taken by processes that are "
      "not part of the benchmark (builds and tests of other engineers on this shared machine): above 20% the "
      "throughput figures are depressed.")
if invalid:
    print()
    print(f"**INVALID measurements (non-2xx responses or socket errors): {', '.join(invalid)}.** See the raw output.")
open(os.path.join(results, "invalid"), "w").write(" ".join(invalid))
EOF
# Placements (issue 3): scheduling over 10,000 pools, admissions (hot tenant / 100 tenants), commit → applied latency.
# BENCH_ONLY=http stops after the HTTP scenarios above.
PLACEMENT_STATUS=0
if [[ "${BENCH_ONLY:-}" == "http" ]]; then
  echo "(BENCH_ONLY=http: placement benchmarks not run)" >"$WORK/placements.md"
else
log "placement benchmarks"
dotnet "$WORK/out/placementbench/PlacementBench.dll" --api "$API" --operator-id "$OPERATOR_ID" --operator-secret "$OPERATOR_SECRET" \
  --seconds "${BENCH_PLACEMENT_SECONDS:-15}" >"$WORK/placements.md" 2>"$WORK/placements.err" || PLACEMENT_STATUS=$?
if [[ "$PLACEMENT_STATUS" -ne 0 && "$PLACEMENT_STATUS" -ne 3 ]]; then tail -n 30 "$WORK/placements.err" >&2; die "PlacementBench failed"; fi
fi
{
  echo "# ControlPlane load benchmark"
  echo
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- Machine: $(nproc) cores, $CPU_MODEL, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); service, baseline, PostgreSQL and load generator share it"
  echo "- Commit: $COMMIT$DIRTY"
  echo "- Warm-up: ${JIT_WARMUP}s per app at -c8 (JIT tiering), then per run: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s after a ${WARMUP}s warm-up; fixed rate: bench/FixedRate, ${FIXED_DURATION}s after 3 s warm-up"
  echo "- Service: Release build, ASPNETCORE_ENVIRONMENT=Development, Serilog minimum level Warning, rate limiter at 1,000,000/s"
  echo
  cat "$WORK/table.md"
  echo
  cat "$WORK/placements.md"
  echo
  echo "<details><summary>Raw load-generator output</summary>"
  echo
  for n in baseline-get service-get service-token service-pull; do
    echo "### $n (wrk)"; echo; echo '```'; cat "$RESULTS/$n.wrk.txt"; echo '```'; echo
    if [[ -s "$RESULTS/$n.top.txt" ]]; then echo "top, mid-run:"; echo; echo '```'; cat "$RESULTS/$n.top.txt"; echo '```'; echo; fi
  done
  for n in baseline-get-fixed service-get-fixed service-token-fixed; do
    echo "### $n (FixedRate)"; echo; echo '```'; cat "$RESULTS/$n.fixed.txt"; echo '```'; echo
  done
  echo "</details>"
} >"$REPORT"
mkdir -p "$BENCH_DIR/results"
RESULT_FILE=latest.md; [[ "${BENCH_ONLY:-}" == "http" ]] && RESULT_FILE=http-latest.md
cp "$REPORT" "$BENCH_DIR/results/$RESULT_FILE"
echo
cat "$WORK/table.md"
echo
cat "$WORK/placements.md"
log "written to bench/results/$RESULT_FILE"
if [[ "$PLACEMENT_STATUS" -eq 3 ]]; then
  log "INVALID: a placement benchmark had errors or overcommitted (see the table)"
  exit 3
fi
if [[ -s "$RESULTS/invalid" ]]; then
  log "INVALID: $(cat "$RESULTS/invalid") had non-2xx responses or socket errors"
  exit 3
fi
