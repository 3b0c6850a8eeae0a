#!/usr/bin/env bash
# Register the local development cluster with a running control plane, as an operator would (curl + the API).
#
#   scripts/register-local-cluster.sh BASE_URL CLUSTER_ENV
#
# CLUSTER_ENV is the cluster.env written by start-local-cluster.sh (or by run.sh for Docker Compose, where it adds
# LOCAL_CLUSTER_URL_FROM_API: the cluster's URL as the API container reaches it). Idempotent: cluster "local" (region
# ${CONTROLPLANE_LOCAL_CLUSTER_REGION:-local}) is created, or updated to the cluster's current URL, token and
# service-account issuer; every pool of tools/ControlPlane.LocalCluster/node-pools.json is created or updated;
# then capacity is synced from the cluster's Nodes. Waits up to 10 minutes for the API (it may still be building).
# Operator credentials: CONTROLPLANE_OPERATOR_CLIENT_ID / CONTROLPLANE_OPERATOR_CLIENT_SECRET (dev defaults).
set -euo pipefail

log() { printf 'register-local-cluster: %s\n' "$*" >&2; }
die() { printf 'register-local-cluster: error: %s\n' "$*" >&2; exit 1; }

[[ $# -eq 2 ]] || die "usage: $0 BASE_URL CLUSTER_ENV"
B="$1"
# shellcheck disable=SC1090
. "$2"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
POOLS="$REPO_ROOT/tools/ControlPlane.LocalCluster/node-pools.json"
NAME=local
REGION="${CONTROLPLANE_LOCAL_CLUSTER_REGION:-local}"
CLIENT_ID="${CONTROLPLANE_OPERATOR_CLIENT_ID:-operator}"
CLIENT_SECRET="${CONTROLPLANE_OPERATOR_CLIENT_SECRET:-operator-dev-secret-change-me-0123456789}"
command -v jq >/dev/null 2>&1 || die "jq is required (Debian: apt-get install -y jq)"

for i in $(seq 1 600); do
  [[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$B/readyz" 2>/dev/null || true)" == "200" ]] && break
  (( i == 600 )) && die "the API did not become ready on $B within 10 minutes"
  sleep 1
done

OP="$(curl -s -f "$B/connect/token" -d grant_type=client_credentials -d client_id="$CLIENT_ID" \
      --data-urlencode client_secret="$CLIENT_SECRET" | jq -r .access_token)" || die "the operator could not get a token"

# call METHOD PATH [JSON] -> prints the HTTP status; the body goes to $BODY_FILE.
BODY_FILE="$(mktemp)"; trap 'rm -f "$BODY_FILE"' EXIT
call() {
  local args=(-s -o "$BODY_FILE" -w '%{http_code}' -X "$1" "$B$2" -H "Authorization: Bearer $OP")
  [[ $# -ge 3 ]] && args+=(-H 'Content-Type: application/json' -d "$3")
  curl "${args[@]}"
}
expect() { # expect CODE... -- METHOD PATH [JSON]
  local ok=() code
  while [[ "$1" != "--" ]]; do ok+=("$1"); shift; done; shift
  code="$(call "$@")"
  [[ " ${ok[*]} " == *" $code "* ]] || die "$1 $2 answered $code: $(cat "$BODY_FILE")"
}

CONNECTION="$(jq -n --arg url "${LOCAL_CLUSTER_URL_FROM_API:-$LOCAL_CLUSTER_URL}" --arg token "$LOCAL_CLUSTER_TOKEN" --arg issuer "$LOCAL_CLUSTER_ISSUER" \
  '{apiServerUrl: $url, bearerToken: $token, serviceAccountIssuer: $issuer}')"
case "$(call GET "/v1/clusters/$NAME")" in
  404) expect 201 -- POST /v1/clusters "$(jq --arg name "$NAME" --arg region "$REGION" '. + {name: $name, region: $region}' <<<"$CONNECTION")"
       log "registered cluster $NAME (${LOCAL_CLUSTER_URL_FROM_API:-$LOCAL_CLUSTER_URL}, region $REGION, issuer $LOCAL_CLUSTER_ISSUER)" ;;
  200) expect 200 -- PATCH "/v1/clusters/$NAME" "$CONNECTION"
       log "updated cluster $NAME (${LOCAL_CLUSTER_URL_FROM_API:-$LOCAL_CLUSTER_URL}, issuer $LOCAL_CLUSTER_ISSUER)" ;;
  *)   die "GET /v1/clusters/$NAME answered $(cat "$BODY_FILE")" ;;
esac

while read -r pool; do
  name="$(jq -r .name <<<"$pool")"
  case "$(call GET "/v1/clusters/$NAME/node-pools/$name")" in
    404) expect 201 -- POST "/v1/clusters/$NAME/node-pools" "$pool"; log "created node pool $name" ;;
    # What a pool may change; model, memory and capacity type are fixed at creation.
    200) expect 200 -- PATCH "/v1/clusters/$NAME/node-pools/$name" "$(jq -c 'del(.name, .gpuModel, .gpuMemoryGiB, .capacityType)' <<<"$pool")"
         log "updated node pool $name" ;;
    *)   die "GET /v1/clusters/$NAME/node-pools/$name answered $(cat "$BODY_FILE")" ;;
  esac
done < <(jq -c '.[]' "$POOLS")

expect 200 -- POST "/v1/clusters/$NAME/sync"
jq -e '.status.reachable' "$BODY_FILE" >/dev/null || die "cluster $NAME is not reachable: $(cat "$BODY_FILE")"
log "cluster $NAME ready: $(jq -r '.[].name' "$POOLS" | paste -sd, -) synced from its Nodes"
