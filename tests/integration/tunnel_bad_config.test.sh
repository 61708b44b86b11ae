# needs: root
# `horizon tunnel` refuses bad input with the file and line and leaves nothing behind:
# a malformed file (nothing created), a failure after the interface exists (rolled back),
# a name that is already an interface, a missing file.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel_lib.sh"

make_netns a hztn-a
iface=hztn$$x
keypair A; keypair B

# refused EXPECTED_TEXT ARGS...: must exit non-zero, say EXPECTED_TEXT and leave no interface or socket.
refused() {
  local expected=$1 status=0; shift
  ip netns exec "$a" timeout 20 "$BIN/horizon" tunnel "$@" >"$TEST_TMP/out" 2>&1 || status=$?
  [ "$status" != 0 ] || fail "horizon tunnel $* succeeded"
  [ "$status" != 124 ] || fail "horizon tunnel $* hung"
  grep -qF -- "$expected" "$TEST_TMP/out" || fail "expected '$expected' in: $(cat "$TEST_TMP/out")"
  ip -n "$a" link show "$iface" >/dev/null 2>&1 && fail "$iface left behind by: $*"
  [ ! -e "/var/run/wireguard/$iface.sock" ] || fail "socket left behind by: $*"
  note "refused as expected: $(head -n 1 "$TEST_TMP/out")"
}

note "a malformed line: file:line, nothing created"
conf "$TEST_TMP/bad.conf" "$A_key" "10.242.0.1/24" 51820
peer "$TEST_TMP/bad.conf" "$B_pub" "10.242.0.2/33"
refused "$TEST_TMP/bad.conf:8:" --config "$TEST_TMP/bad.conf" --interface "$iface"

note "a failure after the interface exists is rolled back"
conf "$TEST_TMP/table.conf" "$A_key" "10.242.0.1/24" 51820
printf 'Table = no-such-table\n' >>"$TEST_TMP/table.conf"
peer "$TEST_TMP/table.conf" "$B_pub" "10.242.9.0/24"
refused "route add 10.242.9.0/24 dev $iface table no-such-table" --config "$TEST_TMP/table.conf" --interface "$iface"
ip -n "$a" -4 address | contains 10.242.0.1 && fail "the address survived the rollback"

note "an existing interface is not taken over"
ip -n "$a" link add "$iface" type veth peer name "${iface}p"
ip netns exec "$a" timeout 20 "$BIN/horizon" tunnel --config "$TEST_TMP/table.conf" --interface "$iface" >"$TEST_TMP/out" 2>&1 &&
  fail "an existing interface was accepted"
grep -q "already exists" "$TEST_TMP/out" || fail "unexpected message: $(cat "$TEST_TMP/out")"
ip -n "$a" -d link show "$iface" | contains veth || fail "the existing interface was touched"
ip -n "$a" link del "$iface"

note "a missing file"
refused "cannot read $TEST_TMP/missing.conf" --config "$TEST_TMP/missing.conf" --interface "$iface"
echo ok
