# The README's API walkthrough over real HTTP: log in with curl, use the bearer token,
# create a personal token, see bad input answered with the JSON error envelope (never a
# 500), and find /openapi.json and /metrics served.
source "$(dirname "$0")/lib.sh"

export HORIZON_DATA_DIR=$TEST_TMP/data HORIZON_ADMIN_PASSWORD=correct-horse-battery HORIZON_BCRYPT_COST=4
unset HORIZON_DATABASE_URL
port=$(free_port)
base=http://127.0.0.1:$port
start_bg "$TEST_TMP/broker.log" "$BIN/horizon-broker" serve --hostname 127.0.0.1 --port "$port"
wait_until 60 curl -fsS "$base/health" || { cat "$TEST_TMP/broker.log"; fail "broker did not answer /health"; }

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
# status METHOD PATH [curl args…]: prints the HTTP status, leaves the body in $TEST_TMP/body
status() {
  local method=$1 path=$2; shift 2
  curl -sS -o "$TEST_TMP/body" -w '%{http_code}' -X "$method" "$base$path" "$@"
}
expect_error() { # expect_error STATUS CODE METHOD PATH [curl args…]
  local want=$1 code=$2; shift 2
  local got; got=$(status "$@")
  [ "$got" = "$want" ] || fail "$* → $got (want $want): $(cat "$TEST_TMP/body")"
  [ "$(json "['error']['code']" <"$TEST_TMP/body")" = "$code" ] || fail "$* → wrong error: $(cat "$TEST_TMP/body")"
}

note "log in with curl"
token=$(curl -fsS -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"correct-horse-battery"}' | json "['token']")
[ -n "$token" ] || fail "no token"
auth=(-H "Authorization: Bearer $token")
[ "$(curl -fsS "$base/api/v1/me" "${auth[@]}" | json "['username']")" = admin ] || fail "/me is not admin"

note "personal token"
pat=$(curl -fsS -X POST "$base/api/v1/tokens" "${auth[@]}" -H 'Content-Type: application/json' -d '{"name":"it"}' | json "['token']")
[ "$(curl -fsS "$base/api/v1/me" -H "Authorization: Bearer $pat" | json "['role']")" = admin ] || fail "personal token does not work"

note "bad input is a 4xx JSON error"
expect_error 401 unauthorized GET /api/v1/me
expect_error 401 invalid_credentials POST /api/v1/auth/login -H 'Content-Type: application/json' -d '{"username":"admin","password":"nope"}'
expect_error 400 invalid_body POST /api/v1/auth/login -H 'Content-Type: application/json' -d '{"username":'
expect_error 400 invalid_body POST /api/v1/users "${auth[@]}" -H 'Content-Type: application/json' -d '{"username":1,"password":"x"}'
expect_error 400 invalid_body POST /api/v1/users "${auth[@]}" -H 'Content-Type: application/json' -d '{"username":"u","password":"long-enough","extra":1}'
expect_error 400 invalid_id GET /api/v1/users/not-a-uuid "${auth[@]}"
expect_error 404 not_found GET /nowhere
head -c 200000 /dev/zero | tr '\0' 'a' >"$TEST_TMP/big"
expect_error 413 payload_too_large POST /api/v1/auth/login -H 'Content-Type: application/json' --data-binary @"$TEST_TMP/big"
got=$(status POST /api/v1/auth/login -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' --data-binary @"$TEST_TMP/big")
[ "$got" = 413 ] || fail "chunked oversize body → $got"

note "documents and metrics"
curl -fsS "$base/openapi.json" | json "['paths']['/api/v1/auth/login']['post']['operationId']" | contains -x login ||
  fail "/openapi.json does not describe login"
# Read the whole page first: with pipefail, grep -q quitting early would fail curl (SIGPIPE).
metrics=$(curl -fsS "$base/metrics")
grep -q '^horizon_http_requests_total{method="POST",route="/api/v1/auth/login",status="200"}' <<<"$metrics" ||
  fail "/metrics has no request counter for login"
grep -q "Authorization" "$TEST_TMP/broker.log" && fail "the log mentions an Authorization header"
grep -q "$token" "$TEST_TMP/broker.log" && fail "the log contains a token"
echo ok
