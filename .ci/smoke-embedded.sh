#!/usr/bin/env bash
# The newcomer's path: no DATABASE_URL, so the service starts its embedded PostgreSQL; then readyz,
# one authenticated GraphQL call, the CLI beside the running server, and a clean stop.
set -euo pipefail
cd "$(dirname "$0")/.."
data_dir="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
key="trb_admin_smoke_$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)"
env -u DATABASE_URL -u TEST_DATABASE_URL TRIBUTARY_DATA_DIR="$data_dir" PORT="$port" TRIBUTARY_EMBEDDED_PORT=$((port + 1)) \
  TRIBUTARY_BOOTSTRAP_ADMIN_KEY="$key" pnpm serve > "$data_dir/server.log" 2>&1 &
server=$!
stop() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data_dir"; }
trap stop EXIT
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 1
done
curl -sf "http://127.0.0.1:$port/readyz" || { cat "$data_dir/server.log"; exit 1; }
echo
answer=$(curl -sf -H "Authorization: Bearer $key" -H 'content-type: application/json' \
  -d '{"query":"mutation { createTenant(input: { id: \"smoke\", name: \"Smoke\" }) { id } }"}' "http://127.0.0.1:$port/graphql")
echo "$answer"
echo "$answer" | grep -q '"id":"smoke"'
new_key=$(env -u DATABASE_URL TRIBUTARY_DATA_DIR="$data_dir" TRIBUTARY_EMBEDDED_PORT=$((port + 1)) pnpm --silent tributary admin-key create --name smoke-cli)
curl -sf -H "Authorization: Bearer $new_key" -H 'content-type: application/json' -d '{"query":"{ tenants { totalCount } }"}' "http://127.0.0.1:$port/graphql" | grep -q '"totalCount":1'
kill -TERM "$server"
wait "$server" || true
echo "embedded smoke test passed"
