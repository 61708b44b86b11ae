# needs: root
# horizon-wg's life as wireguard-go's: the starting command returns only once interface
# and socket exist; a name in use is refused; `ip link del` and SIGTERM each end the
# daemon and remove its socket; logs follow LOG_LEVEL in wireguard-go's format.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel_lib.sh"

make_netns a hztn-a
iface=hztn$$w
hzwg() { ip netns exec "$a" "$BIN/horizon-wg" "$@"; }

# started: the daemon's PID, registered for cleanup.
started() {
  local pid
  pid=$(pgrep -f -- "--foreground $iface\$") || fail "no daemon for $iface"
  _pids+=("$pid")
  echo "$pid"
}

note "the command returns once the interface and the socket exist"
hzwg "$iface" || fail "horizon-wg $iface exited $?"
daemon=$(started)
ip -n "$a" link show "$iface" >/dev/null || fail "no interface right after horizon-wg returned"
test -S "/var/run/wireguard/$iface.sock" || fail "no socket right after horizon-wg returned"
[ "$(stat -c %a "/var/run/wireguard/$iface.sock")" = 600 ] || fail "the socket is not 0600"
ip netns exec "$a" wg show "$iface" listen-port | contains '^[0-9]' || fail "wg cannot talk to the socket"

note "a second daemon for the same name is refused with the reason"
status=0; hzwg "$iface" 2>"$TEST_TMP/err" || status=$?
[ "$status" != 0 ] || fail "a second horizon-wg for $iface succeeded"
grep -q "already exists" "$TEST_TMP/err" || fail "unexpected error: $(cat "$TEST_TMP/err")"
kill -0 "$daemon" || fail "the first daemon died"

note "ip link del ends the daemon and removes its socket"
ip -n "$a" link del "$iface"
wait_until 5 sh -c "! kill -0 $daemon" || fail "horizon-wg still runs after ip link del"
[ ! -e "/var/run/wireguard/$iface.sock" ] || fail "the socket survived ip link del"

note "SIGTERM does the same and deletes the interface"
hzwg "$iface" || fail "restart failed"
daemon=$(started)
kill -TERM "$daemon"
wait_until 5 sh -c "! kill -0 $daemon" || fail "horizon-wg ignored SIGTERM"
[ ! -e "/var/run/wireguard/$iface.sock" ] || fail "the socket survived SIGTERM"
ip -n "$a" link show "$iface" >/dev/null 2>&1 && fail "the interface survived SIGTERM"

note "foreground with LOG_LEVEL=verbose logs like wireguard-go"
start_bg "$TEST_TMP/fg.log" ip netns exec "$a" env LOG_LEVEL=verbose "$BIN/horizon-wg" -f "$iface"
wait_until 10 test -S "/var/run/wireguard/$iface.sock" || fail "foreground daemon did not start"
kill -TERM "$LAST_PID"; wait "$LAST_PID" || fail "foreground daemon exited $? on SIGTERM"
grep -Eq "^DEBUG: \($iface\) [0-9]{4}/[0-9]{2}/[0-9]{2} [0-9:]{8} " "$TEST_TMP/fg.log" || fail "log format: $(cat "$TEST_TMP/fg.log")"

note "bad names, --version, --help"
hzwg "not a name" 2>/dev/null && fail "an invalid name was accepted"
"$BIN/horizon-wg" --version | contains "^horizon-wg " || fail "--version"
"$BIN/horizon-wg" --help | contains "wireguard-go" || fail "--help"
echo ok
