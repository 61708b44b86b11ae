#!/usr/bin/env bash
# broker.sh - the broker under load, on SQLite and on PostgreSQL, one run. Not a test.
#
# For each store: start a release horizon-broker on loopback, seed 25,000 nodes straight into
# the store (bench/broker/seed.py: SQL, because enrolling them through the API would take
# longer than the benchmark), then measure
#   - heartbeats/s: wrk, 64 connections, POST /api/v1/node/heartbeat, every request with the
#     next of the 25,000 credentials;
#   - netmap fetch latency p50/p99: wrk, one connection, bench-server-0 (1,000 device peers);
#   - fan-out: 1,000 WebSocket watchers (devices) wait, an admin approves bench-server-new
#     through the API, time until each watcher has the new map: p50/p99/max
#     (HorizonBrokerBench). On PostgreSQL two brokers run: the watchers are on the second,
#     the approval goes to the first, so the change travels by LISTEN/NOTIFY.
# Prints one table. Everything listens on and talks to 127.0.0.1 only.
#
# Servers count as online for the whole run (HORIZON_SERVER_OFFLINE_AFTER=86400), so no
# presence change lands in the middle of a measurement.
#
# Usage:  bench/broker.sh            Env: STORES ("sqlite postgres"), NODES (25000), DURATION (10),
#         HEARTBEAT_PATH/HEARTBEAT_METHOD/HEARTBEAT_BODY (another node call to load), OUTDIR,
#         BIN_DIR (horizon-broker, its Horizon_HorizonBroker.resources and HorizonBrokerBench already built
#         there: no build; to compare two builds back to back).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STORES=${STORES:-"sqlite postgres"}
NODES=${NODES:-25000}
DURATION=${DURATION:-10}
HEARTBEAT_METHOD=${HEARTBEAT_METHOD:-POST}
HEARTBEAT_PATH=${HEARTBEAT_PATH:-/api/v1/node/heartbeat}
HEARTBEAT_BODY=${HEARTBEAT_BODY:-'{"load": 0.3, "peerCount": 5, "rxBytes": 1000, "txBytes": 2000, "health": "ok"}'}
OUTDIR=${OUTDIR:-$(mktemp -d /tmp/hz-broker-bench.XXXXXX)}
mkdir -p "$OUTDIR"
ADMIN_PASSWORD=bench-admin-password

die() { echo "broker.sh: $*" >&2; exit 1; }
# 1,000 WebSockets need more descriptors than the usual 1,024 (the broker inherits this limit).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
for tool in wrk python3 psql curl; do
  command -v "$tool" >/dev/null || die "missing $tool (apt-get install wrk python3 postgresql-client curl)"
done

if [ -n "${BIN_DIR:-}" ]; then
  BIN=$BIN_DIR
else
  echo "building release binaries (horizon-broker, HorizonBrokerBench)..." >&2
  (cd "$ROOT" && swift build -c release --product horizon-broker >&2 && swift build -c release --product HorizonBrokerBench >&2)
  BIN=$(cd "$ROOT" && swift build -c release --show-bin-path)
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

PIDS=() PG_STOP=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ ${#PG_STOP[@]} -gt 0 ]; then "${PG_STOP[@]}" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

# A throwaway PostgreSQL in $OUTDIR/pg, on a free loopback port.
start_postgres() {
  local bin as=() port
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$bin/initdb" ] || die "PostgreSQL server binaries not found (apt-get install postgresql)"
  port=$(free_port)
  mkdir -p "$OUTDIR/pg"
  if [ "$(id -u)" = 0 ]; then chown postgres "$OUTDIR/pg"; as=(runuser -u postgres --); fi
  "${as[@]}" "$bin/initdb" -D "$OUTDIR/pg/data" -U postgres --auth=trust -E UTF8 >"$OUTDIR/pg-initdb.log" 2>&1
  "${as[@]}" "$bin/pg_ctl" -D "$OUTDIR/pg/data" -l "$OUTDIR/pg/server.log" -w -t 60 start \
    -o "-p $port -k $OUTDIR/pg -c listen_addresses=127.0.0.1 -c max_connections=200" >/dev/null
  PG_STOP=("${as[@]}" "$bin/pg_ctl" -D "$OUTDIR/pg/data" -m fast -w stop)
  "${as[@]}" "$bin/psql" -qAt -h 127.0.0.1 -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE horizon LOGIN SUPERUSER PASSWORD 'horizon'" -c "CREATE DATABASE horizon OWNER horizon" >/dev/null
  PG_URL="postgres://horizon:horizon@127.0.0.1:$port/horizon?sslmode=disable"
}

# Starts the broker for store $1 and waits for /health; sets PORT and BROKER_PID.
start_broker() {
  local store=$1 env=(HORIZON_ADMIN_PASSWORD=$ADMIN_PASSWORD HORIZON_SERVER_OFFLINE_AFTER=86400)
  PORT=$(free_port)
  if [ "$store" = sqlite ]; then env+=(HORIZON_DATA_DIR=$OUTDIR/sqlite); else env+=(HORIZON_DATABASE_URL=$PG_URL); fi
  env "${env[@]}" "$BIN/horizon-broker" serve --hostname 127.0.0.1 --port "$PORT" >>"$OUTDIR/broker-$store.log" 2>&1 &
  BROKER_PID=$!
  PIDS+=("$BROKER_PID")
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && return 0
    kill -0 "$BROKER_PID" 2>/dev/null || die "broker ($store) exited; see $OUTDIR/broker-$store.log"
    sleep 0.1
  done
  die "broker ($store) did not answer /health within 30 s"
}

admin_token() {
  curl -fsS -X POST "http://127.0.0.1:$1/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\": \"admin\", \"password\": \"$ADMIN_PASSWORD\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

# wrk's latency line for a percentile, in ms.
percentile_ms() {
  awk -v p="$1%" '$1 == p { v=$2; u=v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
    if (u=="us") v/=1000; else if (u=="s") v*=1000; else if (u=="m") v*=60000; printf "%.2f", v }' "$2"
}

ROWS=()
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
for store in $STORES; do
  echo "== $store" >&2
  [ "$store" = postgres ] && start_postgres
  start_broker "$store"
  BROKERS=("$BROKER_PID") API_PORT=$PORT WATCH_PORT=$PORT
  if [ "$store" = postgres ]; then start_broker "$store"; BROKERS+=("$BROKER_PID"); WATCH_PORT=$PORT; fi
  PORT=$API_PORT
  mkdir -p "$OUTDIR/$store-creds"
  python3 "$ROOT/bench/broker/seed.py" "$store" "$( [ "$store" = sqlite ] && echo "$OUTDIR/sqlite/horizon.sqlite" || echo "$PG_URL")" \
    "$OUTDIR/$store-creds" "$NODES" >&2
  creds=$OUTDIR/$store-creds

  HZ_CREDENTIALS=$creds/server.txt wrk -t1 -c1 -d"${DURATION}s" --latency -s "$ROOT/bench/broker/rotate-credentials.lua" \
    "http://127.0.0.1:$PORT/api/v1/node/netmap" >"$OUTDIR/$store-netmap.txt"
  netmap_p50=$(percentile_ms 50 "$OUTDIR/$store-netmap.txt"); netmap_p99=$(percentile_ms 99 "$OUTDIR/$store-netmap.txt")

  token=$(admin_token "$API_PORT")
  trigger="curl -fsS -o /dev/null -X POST http://127.0.0.1:$API_PORT/api/v1/servers/$(cat "$creds/new-server-id.txt")/approve -H 'Authorization: Bearer $token'"
  "$BIN/HorizonBrokerBench" --url "ws://127.0.0.1:$WATCH_PORT" --credentials "$creds/devices.txt" --watchers 1000 \
    --trigger "$trigger" >"$OUTDIR/$store-fanout.txt"
  fanout=$(awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } }
    END { printf "%s / %s / %s (%s of %s)", f["p50_ms"], f["p99_ms"], f["max_ms"], f["received"], f["watchers"] }' "$OUTDIR/$store-fanout.txt")

  HZ_CREDENTIALS=$creds/all.txt HZ_METHOD=$HEARTBEAT_METHOD HZ_BODY=$HEARTBEAT_BODY \
    wrk -t2 -c64 -d"${DURATION}s" -s "$ROOT/bench/broker/rotate-credentials.lua" \
    "http://127.0.0.1:$PORT$HEARTBEAT_PATH" >"$OUTDIR/$store-heartbeat.txt"
  rps=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$OUTDIR/$store-heartbeat.txt")
  non2xx=$(awk '/Non-2xx/ { print $NF }' "$OUTDIR/$store-heartbeat.txt")

  ROWS+=("$(printf '| %-8s | %8s%s | %8s | %8s | %-32s |' "$store" "$rps" "${non2xx:+ ($non2xx non-2xx)}" "$netmap_p50" "$netmap_p99" "$fanout")")
  for pid in "${BROKERS[@]}"; do kill "$pid"; wait "$pid" 2>/dev/null || true; done
done

echo
echo "broker benchmark: $NODES nodes, calls = $HEARTBEAT_METHOD $HEARTBEAT_PATH, $(nproc) CPUs, raw output in $OUTDIR"
echo "load average (1/5/15 min): $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
printf '| %-8s | %8s | %8s | %8s | %-32s |\n' store "calls/s" "netmap p50 ms" "p99 ms" "fan-out p50 / p99 / max ms"
for row in "${ROWS[@]}"; do echo "$row"; done
