# Schemathesis against a real broker: it reads /openapi.json, generates requests for every
# operation (valid and invalid), and checks that none answers 5xx and that every response
# matches the document. Authenticated as the admin through a personal API token in a
# header. scripts/test installs schemathesis into a venv and sets HORIZON_SCHEMATHESIS.
source "$(dirname "$0")/lib.sh"

root=$(cd "$(dirname "$0")/../.." && pwd)
st=${HORIZON_SCHEMATHESIS:-$root/.build/venv-schemathesis/bin/st}
[ -x "$st" ] || fail "schemathesis not found at $st — run scripts/test (it installs it) or set HORIZON_SCHEMATHESIS"

export HORIZON_DATA_DIR=$TEST_TMP/data HORIZON_ADMIN_PASSWORD=schemathesis-admin-pw
unset HORIZON_DATABASE_URL
port=$(free_port)
base=http://127.0.0.1:$port
start_bg "$TEST_TMP/broker.log" "$BIN/horizon-broker" serve --hostname 127.0.0.1 --port "$port" --log-level warning
wait_until 60 curl -fsS "$base/health" || { cat "$TEST_TMP/broker.log"; fail "broker did not answer /health"; }

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
session=$(curl -fsS -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$HORIZON_ADMIN_PASSWORD\"}" | json "['token']")
# A personal token survives the logout calls schemathesis makes (logout ends sessions only).
token=$(curl -fsS -X POST "$base/api/v1/tokens" -H "Authorization: Bearer $session" -H 'Content-Type: application/json' \
  -d '{"name":"schemathesis"}' | json "['token']")

note "schemathesis $("$st" --version 2>/dev/null | tail -n 1)"
status=0
timeout 540 "$st" run "$base/openapi.json" \
  --checks not_a_server_error,response_schema_conformance \
  --header "Authorization: Bearer $token" \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-40}" \
  --seed 20261125 \
  --request-timeout 15 \
  --no-color >"$TEST_TMP/st.log" 2>&1 || status=$?
tail -n 60 "$TEST_TMP/st.log"
if grep -q "Internal error\|500 Internal" "$TEST_TMP/broker.log"; then grep -m5 "error" "$TEST_TMP/broker.log"; fi
[ $status -eq 0 ] || fail "schemathesis found failures (exit $status)"
echo ok
