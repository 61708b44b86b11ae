# The README's first command: the broker on its embedded SQLite store creates the admin
# once, prints where it listens and the generated password, answers /health, and keeps its
# data across a restart.
source "$(dirname "$0")/lib.sh"

export HORIZON_DATA_DIR=$TEST_TMP/data
unset HORIZON_DATABASE_URL HORIZON_ADMIN_PASSWORD
port=$(free_port)

start_bg "$TEST_TMP/first.log" "$BIN/horizon-broker" serve --hostname 127.0.0.1 --port "$port"
wait_until 60 curl -fsS "http://127.0.0.1:$port/health" || { cat "$TEST_TMP/first.log"; fail "broker did not answer /health"; }
health=$(curl -fsS "http://127.0.0.1:$port/health")
echo "$health" | contains '"status":"ok"' || fail "unexpected health: $health"
echo "$health" | contains '"database":"sqlite"' || fail "expected the SQLite store: $health"
grep -q "Listening on http://127.0.0.1:$port" "$TEST_TMP/first.log" || fail "banner does not say where it listens"
grep -Eq "Created administrator 'admin' with password: [A-Za-z0-9]{20}$" "$TEST_TMP/first.log" ||
  { cat "$TEST_TMP/first.log"; fail "no generated admin password shown"; }
[ -s "$HORIZON_DATA_DIR/horizon.sqlite" ] || fail "no SQLite file in HORIZON_DATA_DIR"

kill -TERM "$LAST_PID"; wait "$LAST_PID" || true
start_bg "$TEST_TMP/second.log" "$BIN/horizon-broker" --port "$port"
wait_until 60 curl -fsS "http://127.0.0.1:$port/health" || { cat "$TEST_TMP/second.log"; fail "restart failed"; }
grep -q "Created administrator" "$TEST_TMP/second.log" && fail "admin created twice"

"$BIN/horizon-broker" serve --port 70000 >"$TEST_TMP/bad.log" 2>&1 && fail "port 70000 accepted"
grep -q "port must be between 1 and 65535" "$TEST_TMP/bad.log" || { cat "$TEST_TMP/bad.log"; fail "unclear error for a bad port"; }
echo ok
