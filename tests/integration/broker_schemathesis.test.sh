# Schemathesis against a real broker: it reads /openapi.json, generates requests for every
# operation (valid and invalid), and checks that none answers 5xx and that every response
# matches the document. Authenticated as the admin through a personal API token in a
# header. Runs on SQLite, and on PostgreSQL too when HORIZON_TEST_POSTGRES_URL is set
# (scripts/test sets it), since each store refuses different odd input.
# scripts/test installs schemathesis into a venv and sets HORIZON_SCHEMATHESIS.
source "$(dirname "$0")/lib.sh"

root=$(cd "$(dirname "$0")/../.." && pwd)
st=${HORIZON_SCHEMATHESIS:-$root/.build/venv-schemathesis/bin/st}
[ -x "$st" ] || fail "schemathesis not found at $st — run scripts/test (it installs it) or set HORIZON_SCHEMATHESIS"
note "$("$st" --version 2>/dev/null | tail -n 1)"

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
export HORIZON_ADMIN_PASSWORD=schemathesis-admin-pw

# fuzz_store NAME: starts a broker on the store the environment selects and fuzzes it.
fuzz_store() {
  local name=$1 port base session token status=0
  port=$(free_port)
  base=http://127.0.0.1:$port
  start_bg "$TEST_TMP/broker-$name.log" "$BIN/horizon-broker" serve --hostname 127.0.0.1 --port "$port" --log-level warning
  local pid=$LAST_PID
  wait_until 60 curl -fsS "$base/health" || { cat "$TEST_TMP/broker-$name.log"; fail "broker ($name) did not answer /health"; }
  session=$(curl -fsS -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$HORIZON_ADMIN_PASSWORD\"}" | json "['token']")
  # A personal token survives the logout calls schemathesis makes (logout ends sessions only).
  token=$(curl -fsS -X POST "$base/api/v1/tokens" -H "Authorization: Bearer $session" -H 'Content-Type: application/json' \
    -d '{"name":"schemathesis"}' | json "['token']")

  note "schemathesis on $name"
  # From the scratch directory: schemathesis keeps a .schemathesis/ cache in its cwd.
  (cd "$TEST_TMP" && timeout 420 "$st" run "$base/openapi.json" \
    --checks not_a_server_error,response_schema_conformance \
    --header "Authorization: Bearer $token" \
    --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-40}" \
    --seed 20261125 \
    --request-timeout 15 \
    --no-color) >"$TEST_TMP/st-$name.log" 2>&1 || status=$?
  sed -n '/SUMMARY/,$p' "$TEST_TMP/st-$name.log"
  if [ $status -ne 0 ]; then
    tail -n 80 "$TEST_TMP/st-$name.log"
    grep -m5 -i "error" "$TEST_TMP/broker-$name.log" || true
    fail "schemathesis found failures on $name (exit $status)"
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

HORIZON_DATA_DIR=$TEST_TMP/data HORIZON_DATABASE_URL='' fuzz_store sqlite

if [ -n "${HORIZON_TEST_POSTGRES_URL:-}" ]; then
  db="hz_schemathesis_$$"
  psql -qAt "$HORIZON_TEST_POSTGRES_URL" -c "CREATE DATABASE $db" >/dev/null || fail "cannot create database $db"
  pg_url=$(python3 -c "import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path='/$db')))" "$HORIZON_TEST_POSTGRES_URL")
  HORIZON_DATABASE_URL=$pg_url fuzz_store postgres
  psql -qAt "$HORIZON_TEST_POSTGRES_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true
else
  note "HORIZON_TEST_POSTGRES_URL is not set: PostgreSQL not fuzzed"
fi
echo ok
