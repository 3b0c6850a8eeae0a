#!/usr/bin/env bash
# Run ControlPlane locally for development.
#
#   scripts/run.sh            # Docker engine available -> docker compose up --build
#                             # otherwise                -> local PostgreSQL + s3rver + dotnet run
#   CONTROLPLANE_NO_DOCKER=1 scripts/run.sh    # force the local-process mode
#
# Local mode needs only the .NET SDK: PostgreSQL (Debian package) and Node.js/npm (for s3rver) are
# installed with apt-get when missing and running as root. State lives in <repo>/.data (gitignored):
#   .data/postgres  PostgreSQL cluster, 127.0.0.1:${CONTROLPLANE_PG_PORT:-5433}
#                   (if the server user cannot reach it, the cluster goes to /tmp; see start-postgres.sh)
#   .data/s3        s3rver objects, http://127.0.0.1:${CONTROLPLANE_S3_PORT:-4569}, bucket "models"
#   .data/tools     s3rver installation
#   .data/local-cluster  the local Kubernetes cluster (tools/ControlPlane.LocalCluster: the API emulator with
#                   GPU nodes), http://127.0.0.1:${CONTROLPLANE_LOCAL_CLUSTER_PORT:-6480}; its token and cluster.env
# All three keep running after the API stops (rerunning this script reuses them). Once the API is ready,
# scripts/register-local-cluster.sh registers the local cluster as cluster "local" with its node pools and
# service-account issuer (idempotent). CONTROLPLANE_LOCAL_CLUSTER=0 skips it: register a real cluster instead.
#
# Overridable: CONTROLPLANE_OPERATOR_CLIENT_ID, CONTROLPLANE_OPERATOR_CLIENT_SECRET (seeded platform
# operator OAuth client; dev defaults below), CONTROLPLANE_HTTP_PORT (8080), CONTROLPLANE_PG_PORT,
# CONTROLPLANE_S3_PORT, CONTROLPLANE_LOCAL_CLUSTER (1), CONTROLPLANE_LOCAL_CLUSTER_PORT (6480; its
# TokenRequest endpoint takes the next port), OTEL_EXPORTER_OTLP_ENDPOINT (traces exported when set).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

OPERATOR_CLIENT_ID="${CONTROLPLANE_OPERATOR_CLIENT_ID:-operator}"
OPERATOR_CLIENT_SECRET="${CONTROLPLANE_OPERATOR_CLIENT_SECRET:-operator-dev-secret-change-me-0123456789}"
HTTP_PORT="${CONTROLPLANE_HTTP_PORT:-8080}"
PG_PORT="${CONTROLPLANE_PG_PORT:-5433}"
S3_PORT="${CONTROLPLANE_S3_PORT:-4569}"
LOCAL_CLUSTER_PORT="${CONTROLPLANE_LOCAL_CLUSTER_PORT:-6480}"
BASE_URL="http://127.0.0.1:$HTTP_PORT"

banner() {
  cat >&2 <<EOF

  ControlPlane (Development)
    API            $BASE_URL
    Swagger UI     $BASE_URL/swagger
    OpenAPI        $BASE_URL/openapi/v1.json
    Health         $BASE_URL/healthz   $BASE_URL/readyz
    Metrics        $BASE_URL/metrics
    Operator OAuth client (client credentials):
      client_id      $OPERATOR_CLIENT_ID
      client_secret  $OPERATOR_CLIENT_SECRET

EOF
}

# ---------------------------------------------------------------------------------------------------
# Docker mode
# ---------------------------------------------------------------------------------------------------
if [[ "${CONTROLPLANE_NO_DOCKER:-0}" != "1" ]] && command -v docker >/dev/null 2>&1 \
   && timeout 15 docker info >/dev/null 2>&1; then
  export CONTROLPLANE_OPERATOR_CLIENT_ID="$OPERATOR_CLIENT_ID"
  export CONTROLPLANE_OPERATOR_CLIENT_SECRET="$OPERATOR_CLIENT_SECRET"
  if [[ "$HTTP_PORT" != "8080" ]]; then
    echo "run.sh: note: docker compose publishes the API on 127.0.0.1:8080 (CONTROLPLANE_HTTP_PORT is ignored)" >&2
    BASE_URL="http://127.0.0.1:8080"
  fi
  COMPOSE=()
  if docker compose version >/dev/null 2>&1; then COMPOSE=(docker compose)
  elif command -v docker-compose >/dev/null 2>&1; then COMPOSE=(docker-compose)
  fi
  if (( ${#COMPOSE[@]} > 0 )); then
    banner
    echo "run.sh: Docker engine found: ${COMPOSE[*]} up --build" >&2
    if [[ "${CONTROLPLANE_LOCAL_CLUSTER:-1}" != "0" ]]; then
      # The compose service local-cluster: published on 127.0.0.1:6480/6481, http://local-cluster:6480 for the API.
      export CONTROLPLANE_LOCAL_CLUSTER_TOKEN="${CONTROLPLANE_LOCAL_CLUSTER_TOKEN:-local-cluster-dev-token-change-me}"
      mkdir -p "$REPO_ROOT/.data/local-cluster"
      cat > "$REPO_ROOT/.data/local-cluster/cluster.env" <<ENV
LOCAL_CLUSTER_URL=http://127.0.0.1:6480
LOCAL_CLUSTER_URL_FROM_API=http://local-cluster:6480
LOCAL_CLUSTER_TOKEN=$CONTROLPLANE_LOCAL_CLUSTER_TOKEN
LOCAL_CLUSTER_ISSUER=https://oidc.local-cluster.invalid
LOCAL_CLUSTER_TOKEN_REQUEST_URL=http://127.0.0.1:6481
ENV
      # In the background: it waits for the API, then registers (or re-registers) the cluster.
      "$REPO_ROOT/scripts/register-local-cluster.sh" "$BASE_URL" "$REPO_ROOT/.data/local-cluster/cluster.env" &
    fi
    exec "${COMPOSE[@]}" up --build
  fi
  echo "run.sh: the Docker engine answers but neither 'docker compose' nor 'docker-compose' exists; using local processes" >&2
fi

# ---------------------------------------------------------------------------------------------------
# Local-process mode
# ---------------------------------------------------------------------------------------------------
echo "run.sh: no usable Docker engine; starting PostgreSQL, s3rver and the API as local processes" >&2
command -v dotnet >/dev/null 2>&1 || {
  echo "run.sh: error: the .NET SDK (dotnet) is required; see global.json for the version" >&2
  exit 1
}

mkdir -p "$REPO_ROOT/.data"
CONNECTION_STRING="$("$REPO_ROOT/scripts/start-postgres.sh" "$REPO_ROOT/.data/postgres" "$PG_PORT")"
S3_URL="$("$REPO_ROOT/scripts/start-s3.sh" "$REPO_ROOT/.data/s3" "$S3_PORT")"
CLUSTER_ENV=""
if [[ "${CONTROLPLANE_LOCAL_CLUSTER:-1}" != "0" ]]; then
  CLUSTER_ENV="$("$REPO_ROOT/scripts/start-local-cluster.sh" "$REPO_ROOT/.data/local-cluster" "$LOCAL_CLUSTER_PORT")"
fi

export ASPNETCORE_ENVIRONMENT=Development
export ConnectionStrings__ControlPlane="$CONNECTION_STRING"
export Database__MigrateOnStartup=true
export Bootstrap__OperatorClientId="$OPERATOR_CLIENT_ID"
export Bootstrap__OperatorClientSecret="$OPERATOR_CLIENT_SECRET"
export ObjectStore__ServiceUrl="$S3_URL"
export ObjectStore__Bucket=models
export ObjectStore__AccessKey=S3RVER
export ObjectStore__SecretKey=S3RVER
export ObjectStore__ForcePathStyle=true
# Pods of the local cluster are simulated on this machine: they reach the token endpoint where the API listens.
export Reconciler__WorkloadTokenEndpoint="$BASE_URL/connect/token"
# GPU-seconds show up in costs within a minute of a placement running, not two.
export Metering__Interval=00:00:15
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "run.sh: database     $CONNECTION_STRING" >&2
echo "run.sh: object store $S3_URL (bucket models, key S3RVER/S3RVER)" >&2
if [[ -n "$CLUSTER_ENV" ]]; then
  echo "run.sh: local cluster http://127.0.0.1:$LOCAL_CLUSTER_PORT (variables in $CLUSTER_ENV); registered as \"local\" once the API is ready" >&2
  # In the background: it waits for the API started below, then registers (or re-registers) the cluster.
  "$REPO_ROOT/scripts/register-local-cluster.sh" "$BASE_URL" "$CLUSTER_ENV" &
fi
banner
# --no-launch-profile: the environment above, not Properties/launchSettings.json, configures the app.
exec dotnet run --project "$REPO_ROOT/src/ControlPlane.Api" --no-launch-profile -- --urls "$BASE_URL"
