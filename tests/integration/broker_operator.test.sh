# The operator commands work on the store of a running broker (SQLite, WAL): create a user
# from a password on stdin, log in as it over HTTP, list, reset the password; mistakes are
# one `error:` line and a non-zero exit.
source "$(dirname "$0")/lib.sh"

export HORIZON_DATA_DIR=$TEST_TMP/data HORIZON_ADMIN_PASSWORD=correct-horse-battery HORIZON_BCRYPT_COST=4
unset HORIZON_DATABASE_URL
port=$(free_port)
base=http://127.0.0.1:$port
start_bg "$TEST_TMP/broker.log" "$BIN/horizon-broker" serve --hostname 127.0.0.1 --port "$port"
wait_until 60 curl -fsS "$base/health" || { cat "$TEST_TMP/broker.log"; fail "broker did not answer /health"; }

login() { # login USER PASSWORD → HTTP status
  curl -sS -o /dev/null -w '%{http_code}' -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$2\"}"
}

echo 'grace-password' | "$BIN/horizon-broker" user create grace --password-stdin >"$TEST_TMP/out" 2>&1 ||
  { cat "$TEST_TMP/out"; fail "user create failed"; }
grep -q "Created user 'grace'" "$TEST_TMP/out" || fail "unexpected output: $(cat "$TEST_TMP/out")"
[ "$(login grace grace-password)" = 200 ] || fail "grace cannot log in through the running broker"

"$BIN/horizon-broker" user create heidi --admin >"$TEST_TMP/out" 2>&1 || { cat "$TEST_TMP/out"; fail "create --admin failed"; }
heidi_pw=$(sed -n 's/^Password (shown once): //p' "$TEST_TMP/out")
[ ${#heidi_pw} -eq 20 ] || fail "no generated password: $(cat "$TEST_TMP/out")"
[ "$(login heidi "$heidi_pw")" = 200 ] || fail "heidi cannot log in"

"$BIN/horizon-broker" user list >"$TEST_TMP/list" 2>&1 || { cat "$TEST_TMP/list"; fail "user list failed"; }
grep -Eq '^heidi +admin +active' "$TEST_TMP/list" || fail "list: $(cat "$TEST_TMP/list")"
grep -Eq '^grace +user +active' "$TEST_TMP/list" || fail "list: $(cat "$TEST_TMP/list")"

echo 'grace-new-password' | "$BIN/horizon-broker" user reset-password grace --password-stdin >"$TEST_TMP/out" 2>&1 ||
  { cat "$TEST_TMP/out"; fail "reset-password failed"; }
[ "$(login grace grace-password)" = 401 ] || fail "old password still works"
[ "$(login grace grace-new-password)" = 200 ] || fail "new password does not work"

note "networks"
"$BIN/horizon-broker" networks create office --cidr 10.20.0.0/24 >"$TEST_TMP/out" 2>&1 || { cat "$TEST_TMP/out"; fail "networks create failed"; }
grep -q "Created l3 network 'office': 10.20.0.0/24 fd" "$TEST_TMP/out" || fail "unexpected output: $(cat "$TEST_TMP/out")"
"$BIN/horizon-broker" networks create lan --cidr 10.21.0.0/28 --mode l2 >/dev/null || fail "networks create --mode l2 failed"
"$BIN/horizon-broker" networks list >"$TEST_TMP/list" 2>&1 || { cat "$TEST_TMP/list"; fail "networks list failed"; }
grep -Eq '^lan +l2 +10.21.0.0/28 +fd[0-9a-f:]+/64 +0/13$' "$TEST_TMP/list" || fail "list: $(cat "$TEST_TMP/list")"
grep -Eq '^office +l3 +10.20.0.0/24 +fd[0-9a-f:]+/64 +0/253$' "$TEST_TMP/list" || fail "list: $(cat "$TEST_TMP/list")"
heidi_token=$(curl -fsS -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"heidi\",\"password\":\"$heidi_pw\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
curl -fsS "$base/api/v1/networks" -H "Authorization: Bearer $heidi_token" | contains '"name":"office"' ||
  fail "the running broker does not list the network the operator created"

note "enrollment keys"
"$BIN/horizon-broker" enroll-key create --for device --user grace --reusable --expires 7d >"$TEST_TMP/out" 2>&1 ||
  { cat "$TEST_TMP/out"; fail "enroll-key create failed"; }
grep -q "^Created reusable device enrollment key .* (expires 20" "$TEST_TMP/out" || fail "unexpected output: $(cat "$TEST_TMP/out")"
grep -Eq '^Key \(shown once\): hzk_[A-Za-z0-9_-]{43}$' "$TEST_TMP/out" || fail "no key: $(cat "$TEST_TMP/out")"
key_id=$(sed -n 's/^Created .* enrollment key \([0-9A-F-]*\) .*/\1/p' "$TEST_TMP/out")
curl -fsS "$base/api/v1/enrollment-keys" -H "Authorization: Bearer $heidi_token" | contains "\"username\":\"grace\"" ||
  fail "the running broker does not list the key the operator created"
"$BIN/horizon-broker" enroll-key list >"$TEST_TMP/list" 2>&1 || { cat "$TEST_TMP/list"; fail "enroll-key list failed"; }
grep -Eq "^$key_id +device +reusable +0 +grace " "$TEST_TMP/list" || fail "list: $(cat "$TEST_TMP/list")"
"$BIN/horizon-broker" enroll-key revoke "$key_id" >/dev/null || fail "enroll-key revoke failed"
"$BIN/horizon-broker" enroll-key list | contains "$key_id" && fail "revoked key still listed"

note "mistakes"
check_error() { # check_error PATTERN CMD…: fails unless CMD exits non-zero with one `error:` line matching
  local pattern=$1; shift
  if "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err" </dev/null; then fail "$* succeeded"; fi
  [ "$(wc -l <"$TEST_TMP/err")" -eq 1 ] || fail "$*: not one line: $(cat "$TEST_TMP/err")"
  grep -q "^error: .*$pattern" "$TEST_TMP/err" || fail "$*: unclear error: $(cat "$TEST_TMP/err")"
}
check_error "already exists" "$BIN/horizon-broker" user create grace
check_error "no user named 'nobody'" "$BIN/horizon-broker" user reset-password nobody
check_error "overlaps network 'office'" "$BIN/horizon-broker" networks create inner --cidr 10.20.0.128/25
check_error "did you mean 10.30.0.0/24" "$BIN/horizon-broker" networks create bad --cidr 10.30.0.1/24
check_error "--for must be server or device" "$BIN/horizon-broker" enroll-key create --for router
check_error "--expires must be a duration" "$BIN/horizon-broker" enroll-key create --for server --expires soon
check_error "no password on standard input" "$BIN/horizon-broker" user create ivan --password-stdin
HORIZON_DATABASE_URL=mysql://x check_error "must start with postgres://" "$BIN/horizon-broker" user list
echo ok
