#!/usr/bin/env bash
# Smoke test of the compose deployment: build and start the stack, wait until every service is
# healthy, register and sign in users at the gateway and drive real orders with their bearer tokens
# to Finished, check that nothing gets in without a token or the gateway key and that the gateway's
# database role reaches its own database only, check that every service's spans reached the
# dashboard (its telemetry API) in one trace, flip GOZON_TRUST_USER_ID_HEADER on and off, scale
# payments to 2 and repeat, restart the stack and check the data (users included) survived, tear
# everything down (volumes included). deploy/.env is not committed: when it is missing, the
# publisher generates it (and needs the .NET SDK).
# Runs under its own project name (gozon-smoke) so it never touches the volumes of a `gozon` stack,
# but it needs the published host ports (5080, 5081, 15672, 18888) to be free.
# Usage: deploy/smoke.sh     (COMPOSE="docker compose" to force Compose v2)
set -euo pipefail
cd "$(dirname "$0")"
start=$(date +%s)
export COMPOSE_PROJECT_NAME=gozon-smoke
if [[ -z "${COMPOSE:-}" ]]; then
  if docker compose version >/dev/null 2>&1; then COMPOSE="docker compose"; else COMPOSE=docker-compose; fi
fi
c() { $COMPOSE "$@"; }
gw=http://localhost:5080
log() { printf '[smoke %3ds] %s\n' "$(( $(date +%s) - start ))" "$*"; }
fail() { log "FAIL: $*"; c ps || true; c logs --tail 40 || true; exit 1; }
cleanup() { log "tearing down"; c down -v --remove-orphans >/dev/null 2>&1 || true; }
trap cleanup EXIT

for port in 5080 5081 15672 18888; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then fail "port $port is taken (a running AppHost or gozon stack?)"; fi
done

# The secrets: deploy/.env is never committed, so a fresh clone (CI) has none. The publisher makes one in a scratch
# folder and only its .env is taken: the smoke never rewrites the committed files (Gozon.Tests/Deploy checks those).
# A Release build that is already there (./test.sh made one) is used as it is; the key check below catches a stale one.
if [[ ! -f .env ]]; then
  log "no deploy/.env: generating one with the publisher"
  scratch=$(mktemp -d)
  build=(); [[ -f ../Gozon.AppHost/bin/Release/net10.0/Gozon.AppHost.dll ]] && build=(--no-build)
  (cd ../Gozon.AppHost && dotnet run -c Release "${build[@]}" -- --publisher manifest --output-path "$scratch") >/dev/null \
    && cp "$scratch/.env" .env || fail "generating deploy/.env with the publisher"
  rm -rf "$scratch"
fi
for key in GOZON_GATEWAY_KEY GOZON_IDENTITY_SIGNING_KEY GOZON_FRONT_END_KEY; do
  grep -q "^$key=" .env || fail "deploy/.env has no $key: regenerate it (see deploy/README.md, Secrets)"
done

# Every container of the project that has a health check is healthy (and none has exited).
wait_healthy() {
  local deadline=$(( $(date +%s) + ${1:-300} )) ids states
  while :; do
    ids=$(c ps -q)
    states=$(docker inspect -f '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' $ids)
    if ! grep -qv -e ' running healthy$' -e ' running none$' <<<"$states"; then return 0; fi
    (( $(date +%s) < deadline )) || { echo "$states"; fail "not healthy in time"; }
    sleep 2
  done
}

# Every user of the smoke has this password (the policy: 8+ characters, a lowercase and an uppercase letter, a digit).
password=Smoke-pass-1
declare -A token   # user -> access token
credentials() { printf '{"userName":"%s","password":"%s"}' "$1" "$password"; }

register() { # register USER
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$gw/api/identity/register" -H 'Content-Type: application/json' -d "$(credentials "$1")")
  [[ "$code" == 201 ]] || fail "POST /api/identity/register for $1 answered $code, expected 201"
}

login() { # login USER -> prints the access token
  local answer access
  answer=$(curl -sf -X POST "$gw/api/identity/login" -H 'Content-Type: application/json' -d "$(credentials "$1")") || fail "POST /api/identity/login for $1 failed"
  access=$(sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p' <<<"$answer")
  [[ -n "$access" && "$answer" == *'"tokenType":"Bearer"'* ]] || fail "login of $1 returned no bearer token: $answer"
  echo "$access"
}

# api USER curl-args... : a call through the gateway as USER, with the user's token
api() { local user=$1; shift; curl -sf -H "Authorization: Bearer ${token[$user]}" "$@"; }
status_of() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

# place_order USER AMOUNT -> prints the order id once the order is Finished
place_order() {
  local user=$1 amount=$2 id status=""
  id=$(api "$user" -X POST "$gw/api/orders" -H 'Content-Type: application/json' \
        -d "{\"amount\": $amount, \"description\": \"smoke\"}" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
  [[ -n "$id" ]] || fail "POST /api/orders for $user returned no id"
  for _ in $(seq 1 60); do
    status=$(api "$user" "$gw/api/orders/$id" | sed -n 's/.*"status":"\([^"]*\)".*/\1/p')
    [[ "$status" == Finished ]] && { echo "$id"; return 0; }
    sleep 0.5
  done
  fail "order $id of $user is '$status', not Finished, after 30 s"
}

new_user() { # new_user USER TOPUP: registered, signed in, with an account and a balance
  register "$1"
  token[$1]=$(login "$1")
  api "$1" -X POST "$gw/api/payments/accounts" >/dev/null || fail "create account $1"
  api "$1" -X POST "$gw/api/payments/accounts/topup" -H 'Content-Type: application/json' \
    -d "{\"amount\": $2}" >/dev/null || fail "top up $1"
}

# Without a token nothing gets through; with GOZON_TRUST_USER_ID_HEADER off, X-User-Id alone is no sign-in either.
check_refused_without_token() {
  local code
  code=$(status_of "$gw/api/orders")
  [[ "$code" == 401 ]] || fail "GET /api/orders without a token answered $code, expected 401"
  code=$(status_of "$gw/api/payments/accounts/balance" -H "X-User-Id: $1")
  [[ "$code" == 401 ]] || fail "X-User-Id without a token answered $code, expected 401 (GOZON_TRUST_USER_ID_HEADER is off)"
  code=$(status_of "$gw/api/orders" -H 'Authorization: Bearer not-a-token')
  [[ "$code" == 401 ]] || fail "a bad token answered $code, expected 401"
}

# Inside the network, a call to Orders that skips the gateway lacks the gateway key: refused.
check_gateway_key_required() {
  local line
  line=$(c exec -T gateway bash -c "exec 3<>/dev/tcp/orders/8080 && printf 'GET /api/orders HTTP/1.0\r\nHost: orders\r\nX-User-Id: $1\r\n\r\n' >&3 && head -n1 <&3") \
    || fail "could not reach orders:8080 from the gateway's container"
  [[ "$line" == *" 401 "* ]] || fail "Orders answered '$line' to a call without the gateway key, expected 401"
}

# What PostgreSQL grants the gateway's role: its own database, and no other (deploy/README.md, "Accounts").
check_gateway_role() {
  local db out
  c exec -T postgres psql -U gateway -d identity_db -tAc 'select 1' | grep -qx 1 || fail "role gateway cannot connect to identity_db"
  for db in orders_db payments_db postgres; do
    out=$(c exec -T postgres psql -U gateway -d "$db" -tAc 'select 1' 2>&1) && fail "role gateway can connect to $db"
    [[ "$out" == *"permission denied"* ]] || fail "role gateway and $db: expected 'permission denied', got: $out"
  done
  out=$(c exec -T postgres psql -U orders -d identity_db -tAc 'select 1' 2>&1) && fail "role orders can connect to identity_db"
  [[ "$out" == *"permission denied"* ]] || fail "role orders and identity_db: expected 'permission denied', got: $out"
}

dash=http://localhost:18888/api/telemetry
# span_count RESOURCE -> how many spans the dashboard holds for that service
span_count() { curl -sf "$dash/spans?resource=$1" | sed -n 's/.*"totalCount":\([0-9]*\).*/\1/p'; }
trace_ids() { curl -sf "$dash/spans?resource=$1" | grep -o '"traceId":"[0-9a-f]*"' | sort -u; }

# The services export every second (OTEL_BSP_SCHEDULE_DELAY); allow 30 s for all four to show up.
check_spans() {
  local counts missing shared n r
  for _ in $(seq 1 30); do
    counts="" missing=""
    for r in gateway orders payments web; do
      n=$(span_count "$r" || true); counts+="$r=${n:-0} "
      (( ${n:-0} > 0 )) || missing+="$r "
    done
    [[ -z "$missing" ]] && break
    sleep 1
  done
  [[ -z "$missing" ]] || fail "the dashboard has no spans of: ${missing% } ($dash/spans)"
  # The order's POST went gateway -> orders: the same trace id on both sides means the context propagated.
  shared=$(comm -12 <(trace_ids gateway) <(trace_ids orders) | wc -l)
  (( shared > 0 )) || fail "no trace has spans of both gateway and orders"
  log "spans in the dashboard: ${counts% }; $shared traces span gateway and orders"
}

balance() { api "$1" "$gw/api/payments/accounts/balance" | sed -n 's/.*"balance":\([0-9.]*\).*/\1/p'; }

log "compose: $COMPOSE; clean state"
c down -v --remove-orphans >/dev/null 2>&1 || true
log "build"
c build >/dev/null || fail "build"
log "up"
c up -d >/dev/null || fail "up"
wait_healthy 300
log "healthy; web: $(curl -sL -o /dev/null -w '%{http_code}' localhost:5081/), dashboard: $(curl -s -o /dev/null -w '%{http_code}' localhost:18888/)"
script=$(curl -sfL localhost:5081/ | grep -o '_framework/blazor\.web[^"]*\.js' | head -1)
[[ -n "$script" ]] && curl -sf -o /dev/null "localhost:5081/$script" || fail "the shop page or its Blazor script is not served by web"
log "the shop and its script are served"

u1=smoke-a-$RANDOM
new_user "$u1" 100
log "$u1 registered and signed in (bearer token, ${#token[$u1]} characters)"
check_refused_without_token "$u1"
check_gateway_key_required "$u1"
log "401 without a token, with X-User-Id alone, with a bad token, and at Orders without the gateway key"
check_gateway_role
log "role gateway connects to identity_db only (orders_db, payments_db, postgres: permission denied)"
# The hub: negotiate with the header, as SignalR's clients do; the WebSocket itself with ?access_token= (browsers
# cannot set headers on it). A 101 is the gateway and Orders accepting the upgrade.
[[ "$(status_of -X POST "$gw/hubs/orders/negotiate?negotiateVersion=1")" == 401 ]] || fail "the live status hub negotiated without a token"
api "$u1" -o /dev/null -X POST "$gw/hubs/orders/negotiate?negotiateVersion=1" || fail "the live status hub refused the token through the gateway"
upgrade() { curl -si --http1.1 --max-time 3 -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
  -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "$gw/hubs/orders$1" | head -n1 || true; }
[[ "$(upgrade "?access_token=${token[$u1]}")" == *" 101 "* ]] || fail "the hub's WebSocket with ?access_token= was not accepted: $(upgrade "?access_token=${token[$u1]}")"
[[ "$(upgrade "")" == *" 401 "* ]] || fail "the hub's WebSocket without a token answered: $(upgrade "")"
log "the live status hub through the gateway: negotiate with the bearer header, WebSocket with ?access_token= (101), 401 without"
o1=$(place_order "$u1" 60)
[[ "$(balance "$u1")" == 40* ]] || fail "balance of $u1 is $(balance "$u1"), expected 40"
log "order $o1 Finished, balance 40"
check_spans

# The insecure switch: .env's GOZON_TRUST_USER_ID_HEADER (here from the environment, which wins over .env).
log "GOZON_TRUST_USER_ID_HEADER=true: the gateway takes X-User-Id without a token"
GOZON_TRUST_USER_ID_HEADER=true c up -d --no-deps gateway >/dev/null || fail "recreate the gateway with the switch on"
wait_healthy 180
curl -sf "$gw/api/payments/accounts/balance" -H "X-User-Id: $u1" | grep -q '"balance":40' || fail "with the switch on, X-User-Id did not name $u1"
c up -d --no-deps gateway >/dev/null || fail "recreate the gateway with the switch off"
wait_healthy 180
check_refused_without_token "$u1"
log "switch on: X-User-Id names the user; off again: 401"

log "scale payments=2"
c up -d --scale payments=2 >/dev/null || fail "scale"
wait_healthy 180
n=$(c ps -q payments | wc -l)
[[ $n -eq 2 ]] || fail "$n payments containers, expected 2"
# /health says the broker is reachable; the consumer subscribes a moment later, so wait for it (30 s at most).
for _ in $(seq 1 30); do
  consumers=$(c exec -T rabbitmq rabbitmqctl -q list_queues name consumers | awk '$1 == "payments.pay-order" {print $2}')
  [[ "$consumers" == 2 ]] && break
  sleep 1
done
[[ "$consumers" == 2 ]] || fail "payments.pay-order has '$consumers' consumers, expected 2"
u2=smoke-b-$RANDOM
new_user "$u2" 100
for _ in 1 2 3 4; do place_order "$u2" 10 >/dev/null; done
[[ "$(balance "$u2")" == 60* ]] || fail "balance of $u2 is $(balance "$u2"), expected 60"
log "2 payments replicas, 2 consumers; 4 more orders Finished, balance 60"

log "restart (down, keeping volumes; up)"
c down >/dev/null || fail "down"
c up -d >/dev/null || fail "up after down"
wait_healthy 300
# The tokens from before still work (the signing key is .env's), and the users can sign in again (identity_db survived).
api "$u1" "$gw/api/orders/$o1" | grep -q '"status":"Finished"' || fail "order $o1 lost after restart (or the old token refused)"
token[$u1]=$(login "$u1")
token[$u2]=$(login "$u2")
[[ "$(balance "$u1")" == 40* && "$(balance "$u2")" == 60* ]] || fail "balances lost after restart"
place_order "$u1" 40 >/dev/null
log "data and users survived the restart; old tokens still valid; a new order Finished"

log "PASS in $(( $(date +%s) - start )) s"
