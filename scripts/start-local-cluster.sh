#!/usr/bin/env bash
# Start (or reuse) the local development cluster: the project's Kubernetes API emulator as a process
# (tools/ControlPlane.LocalCluster) with GPU Nodes from tools/ControlPlane.LocalCluster/node-pools.json.
#
#   scripts/start-local-cluster.sh DIR PORT
#
# Serves the Kubernetes API on http://127.0.0.1:PORT and the dev-only TokenRequest endpoint on PORT+1
# (mints projected service-account tokens, as the kubelet mounts them into pods). Idempotent: when the
# cluster already answers on PORT with this DIR's token it is reused.
# Files in DIR: token (the bearer token, generated once, kept across restarts), cluster.env (shell variables
# LOCAL_CLUSTER_URL, LOCAL_CLUSTER_TOKEN, LOCAL_CLUSTER_ISSUER, LOCAL_CLUSTER_TOKEN_REQUEST_URL), kubeconfig,
# pid, log. Objects live in memory: a restart keeps the URL, token and issuer but loses what was applied.
# Stop with: kill "$(cat DIR/pid)".
# Prints ONE line on stdout: the path of cluster.env (progress goes to stderr).
set -euo pipefail

log() { printf 'start-local-cluster: %s\n' "$*" >&2; }
die() { printf 'start-local-cluster: error: %s\n' "$*" >&2; exit 1; }

[[ $# -eq 2 ]] || die "usage: $0 DIR PORT"
DIR="$(realpath -m -- "$1")"
PORT="$2"
if ! [[ "$PORT" =~ ^[0-9]+$ ]] || (( PORT < 1 || PORT > 65534 )); then
  die "PORT must be a TCP port number below 65535, got '$PORT'"
fi
TOKEN_PORT=$((PORT + 1))
ISSUER="${LOCAL_CLUSTER_ISSUER:-https://oidc.local-cluster.invalid}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT="$REPO_ROOT/tools/ControlPlane.LocalCluster"
URL="http://127.0.0.1:$PORT"

mkdir -p "$DIR"
if [[ ! -s "$DIR/token" ]]; then
  (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' > "$DIR/token")
fi
TOKEN="$(cat "$DIR/token")"

# HTTP status of an authenticated GET of the API's discovery root (000 when nothing answers).
api_status() { curl -s -o /dev/null -m 2 -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL/api" 2>/dev/null || true; }

write_env() {
  cat > "$DIR/cluster.env" <<ENV
LOCAL_CLUSTER_URL=$URL
LOCAL_CLUSTER_TOKEN=$TOKEN
LOCAL_CLUSTER_ISSUER=$ISSUER
LOCAL_CLUSTER_TOKEN_REQUEST_URL=http://127.0.0.1:$TOKEN_PORT
ENV
  echo "$DIR/cluster.env"
}

case "$(api_status)" in
  200)
    log "already running on $URL (pid $(cat "$DIR/pid" 2>/dev/null || echo '?'))"
    write_env
    exit 0 ;;
  000) ;;
  401) die "another cluster (with another token) answers on $URL; stop it or choose another port" ;;
  *) die "something that is not the local cluster answers on $URL; choose another port" ;;
esac

log "building $PROJECT"
dotnet build "$PROJECT" -nologo -v quiet >"$DIR/build.log" 2>&1 \
  || { tail -n 30 "$DIR/build.log" >&2; die "build of $PROJECT failed; log: $DIR/build.log"; }
DLL="$PROJECT/bin/Debug/net10.0/ControlPlane.LocalCluster.dll"
[[ -f "$DLL" ]] || die "$DLL not found after the build"

log "starting on $URL (TokenRequest on :$TOKEN_PORT, log $DIR/log)"
# Own session, no inherited stdout, so $(...) callers do not hang.
setsid nohup dotnet "$DLL" --port "$PORT" --token-port "$TOKEN_PORT" --token "$TOKEN" --issuer "$ISSUER" \
  --kubeconfig "$DIR/kubeconfig" </dev/null >"$DIR/log" 2>&1 &
echo $! > "$DIR/pid"

for _ in $(seq 1 150); do
  if [[ "$(api_status)" == "200" ]]; then
    log "ready: $URL; stop with: kill \$(cat $DIR/pid)"
    write_env
    exit 0
  fi
  if ! kill -0 "$(cat "$DIR/pid")" 2>/dev/null; then
    tail -n 20 "$DIR/log" >&2 || true
    die "the local cluster exited; log: $DIR/log"
  fi
  sleep 0.2
done
tail -n 20 "$DIR/log" >&2 || true
die "the local cluster did not answer on $URL within 30 s; log: $DIR/log"
