# `horizon daemon` and `horizon status` as separate processes: the daemon creates the node's
# identity (key file 0600) and a private socket, `status` reads it (text and --json), a second
# daemon on the same socket is refused, SIGTERM stops the daemon cleanly and removes the
# socket, and `status` without a daemon says what to do.
source "$(dirname "$0")/lib.sh"

state=$TEST_TMP/state socket=$TEST_TMP/run/horizon.sock
start_bg "$TEST_TMP/daemon.log" "$BIN/horizon" daemon --state-dir "$state" --socket "$socket"
daemon=$LAST_PID
wait_until 20 test -S "$socket" || fail "no socket after 20 s: $(cat "$TEST_TMP/daemon.log")"

note "status reads the identity the daemon created"
"$BIN/horizon" status --socket "$socket" --json >"$TEST_TMP/status.json"
python3 - "$TEST_TMP/status.json" "$state" <<'PY' || fail "status --json: $(cat "$TEST_TMP/status.json")"
import base64, json, sys
status = json.load(open(sys.argv[1]))
assert status["role"] == "none", status
assert len(base64.b64decode(status["publicKey"])) == 32, status
assert status["stateDirectory"] == sys.argv[2], status
PY
pub=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["publicKey"])' "$TEST_TMP/status.json")
[ "$("$BIN/horizon" pubkey <"$state/node.key")" = "$pub" ] || fail "status shows a key that is not the node key's"
[ "$(stat -c %a "$state/node.key")" = 600 ] || fail "node.key is $(stat -c %a "$state/node.key"), not 600"
[ "$(stat -c %a "$socket")" = 600 ] || fail "the socket is $(stat -c %a "$socket"), not 600"
"$BIN/horizon" status --socket "$socket" | contains "role: *none" || fail "status text lacks the role"

note "a second daemon does not take over the socket"
status=0
timeout 20 "$BIN/horizon" daemon --state-dir "$state" --socket "$socket" >"$TEST_TMP/second.log" 2>&1 || status=$?
[ "$status" != 0 ] && [ "$status" != 124 ] || fail "second daemon: exit $status"
grep -q "already running" "$TEST_TMP/second.log" || fail "second daemon said: $(cat "$TEST_TMP/second.log")"
"$BIN/horizon" status --socket "$socket" --json >/dev/null || fail "the first daemon stopped answering"

note "SIGTERM stops it cleanly"
kill -TERM "$daemon"
status=0; wait "$daemon" || status=$?
[ "$status" = 0 ] || fail "daemon exited $status after SIGTERM: $(cat "$TEST_TMP/daemon.log")"
[ ! -e "$socket" ] || fail "socket left behind"

note "status without a daemon is one clear line"
status=0
"$BIN/horizon" status --socket "$socket" >"$TEST_TMP/none.log" 2>&1 || status=$?
[ "$status" != 0 ] || fail "status succeeded without a daemon"
grep -q "not running" "$TEST_TMP/none.log" || fail "status said: $(cat "$TEST_TMP/none.log")"
[ "$(wc -l <"$TEST_TMP/none.log")" -le 2 ] || fail "more than one line: $(cat "$TEST_TMP/none.log")"
