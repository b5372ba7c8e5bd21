#!/usr/bin/env bash
# Smoke test of the compose deployment: build and start the stack, wait until every service is
# healthy, drive real orders through the gateway to Finished, check that every service's spans
# reached the dashboard (its telemetry API) in one trace, scale payments to 2 and repeat,
# restart the stack and check the data survived, tear everything down (volumes included).
# deploy/.env is not committed: when it is missing, the publisher generates it (and needs the .NET SDK).
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

# The secrets: the publisher writes .env only when it is missing, and never touches an existing one's values.
if [[ ! -f .env ]]; then
  log "no deploy/.env: generating it with the publisher"
  (cd ../Gozon.AppHost && dotnet run -c Release -- --publisher manifest --output-path ../deploy) >/dev/null || fail "publishing deploy/.env"
fi
for key in GOZON_GATEWAY_KEY GOZON_IDENTITY_SIGNING_KEY; do
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

# place_order USER AMOUNT -> prints the order id once the order is Finished
place_order() {
  local user=$1 amount=$2 id status=""
  id=$(curl -sf -X POST "$gw/api/orders" -H "X-User-Id: $user" -H 'Content-Type: application/json' \
        -d "{\"amount\": $amount, \"description\": \"smoke\"}" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
  [[ -n "$id" ]] || fail "POST /api/orders for $user returned no id"
  for _ in $(seq 1 60); do
    status=$(curl -sf "$gw/api/orders/$id" -H "X-User-Id: $user" | sed -n 's/.*"status":"\([^"]*\)".*/\1/p')
    [[ "$status" == Finished ]] && { echo "$id"; return 0; }
    sleep 0.5
  done
  fail "order $id of $user is '$status', not Finished, after 30 s"
}

new_account() { # new_account USER TOPUP
  curl -sf -X POST "$gw/api/payments/accounts" -H "X-User-Id: $1" >/dev/null || fail "create account $1"
  curl -sf -X POST "$gw/api/payments/accounts/topup" -H "X-User-Id: $1" -H 'Content-Type: application/json' \
    -d "{\"amount\": $2}" >/dev/null || fail "top up $1"
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

balance() { curl -sf "$gw/api/payments/accounts/balance" -H "X-User-Id: $1" | sed -n 's/.*"balance":\([0-9.]*\).*/\1/p'; }

log "compose: $COMPOSE; clean state"
c down -v --remove-orphans >/dev/null 2>&1 || true
log "build"
c build >/dev/null || fail "build"
log "up"
c up -d >/dev/null || fail "up"
wait_healthy 300
log "healthy; web: $(curl -s -o /dev/null -w '%{http_code}' localhost:5081/), dashboard: $(curl -s -o /dev/null -w '%{http_code}' localhost:18888/)"
script=$(curl -sf localhost:5081/ | grep -o '_framework/blazor\.web[^"]*\.js' | head -1)
[[ -n "$script" ]] && curl -sf -o /dev/null "localhost:5081/$script" || fail "the shop page or its Blazor script is not served by web"
curl -sf -o /dev/null -X POST "$gw/hubs/orders/negotiate?negotiateVersion=1&userId=smoke" || fail "the live status hub is not reachable through the gateway"
log "the shop and its script are served; the live status hub answers through the gateway"

u1=smoke-a-$RANDOM
new_account "$u1" 100
o1=$(place_order "$u1" 60)
[[ "$(balance "$u1")" == 40* ]] || fail "balance of $u1 is $(balance "$u1"), expected 40"
log "order $o1 Finished, balance 40"
check_spans

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
new_account "$u2" 100
for _ in 1 2 3 4; do place_order "$u2" 10 >/dev/null; done
[[ "$(balance "$u2")" == 60* ]] || fail "balance of $u2 is $(balance "$u2"), expected 60"
log "2 payments replicas, 2 consumers; 4 more orders Finished, balance 60"

log "restart (down, keeping volumes; up)"
c down >/dev/null || fail "down"
c up -d >/dev/null || fail "up after down"
wait_healthy 300
curl -sf "$gw/api/orders/$o1" -H "X-User-Id: $u1" | grep -q '"status":"Finished"' || fail "order $o1 lost after restart"
[[ "$(balance "$u1")" == 40* && "$(balance "$u2")" == 60* ]] || fail "balances lost after restart"
place_order "$u1" 40 >/dev/null
log "data survived the restart; a new order Finished"

log "PASS in $(( $(date +%s) - start )) s"
