# needs: root
# horizon-wg as wg-quick's userspace implementation (this kernel has no WireGuard module,
# so wg-quick falls back to WG_QUICK_USERSPACE_IMPLEMENTATION), talking to wireguard-go:
# wg-quick up, pings over IPv4 and IPv6 both ways, wg show, wg-quick down removes the
# interface and the socket and ends the daemon.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel_lib.sh"
command -v wg-quick >/dev/null && command -v wireguard-go >/dev/null || fail "missing wg-quick or wireguard-go"

make_netns a hztn-a; make_netns b hztn-b
veth "$a" "$b" 1
ia=hztn$$q ib=hztn$$g
keypair A; keypair B
[ ! -e /sys/module/wireguard ] || note "this kernel has the WireGuard module: wg-quick would use it, not horizon-wg"

start_bg "$TEST_TMP/wireguard-go.log" ip netns exec "$b" env WG_PROCESS_FOREGROUND=1 wireguard-go "$ib"
wait_until 10 test -S "/var/run/wireguard/$ib.sock" || fail "wireguard-go did not start"
printf '[Interface]\nPrivateKey = %s\nListenPort = 51821\n\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.244.0.1/32, fd44::1/128\nEndpoint = 10.230.1.1:51820\n' \
  "$B_key" "$A_pub" >"$TEST_TMP/b.conf"
ip netns exec "$b" wg setconf "$ib" "$TEST_TMP/b.conf"
ip -n "$b" addr add 10.244.0.2/24 dev "$ib"; ip -n "$b" addr add fd44::2/64 dev "$ib"; ip -n "$b" link set "$ib" up

# wg-quick names the interface after the file.
conf "$TEST_TMP/$ia.conf" "$A_key" "10.244.0.1/24, fd44::1/64" 51820
printf 'MTU = 1400\n' >>"$TEST_TMP/$ia.conf"
peer "$TEST_TMP/$ia.conf" "$B_pub" "10.244.0.2/32, fd44::2/128, 10.245.0.0/16" "10.230.1.2:51821"
quick() { ip netns exec "$a" env WG_QUICK_USERSPACE_IMPLEMENTATION="$BIN/horizon-wg" wg-quick "$1" "$TEST_TMP/$ia.conf"; }

note "wg-quick up"
quick up >"$TEST_TMP/up.log" 2>&1 || { cat "$TEST_TMP/up.log"; fail "wg-quick up failed"; }
daemon=$(pgrep -f -- "--foreground $ia\$") || fail "no horizon-wg daemon for $ia"
_pids+=("$daemon")
grep -q "horizon-wg $ia" "$TEST_TMP/up.log" || fail "wg-quick did not use horizon-wg: $(cat "$TEST_TMP/up.log")"
ip -n "$a" link show "$ia" | contains "mtu 1400" || fail "MTU not applied"
ip -n "$a" route | contains "10.245.0.0/16 dev $ia" || fail "wg-quick's route is missing"

pings "$a" 10.244.0.2; pings "$a" fd44::2
pings "$b" 10.244.0.1; pings "$b" fd44::1
transfer "$b" "$a" 10.244.0.1 4
ip netns exec "$a" wg show "$ia" latest-handshakes | awk '{exit !($2 > 0)}' || fail "no handshake in wg show"
ip netns exec "$a" wg showconf "$ia" | contains "Endpoint = 10.230.1.2:51821" || fail "wg showconf lacks the endpoint"

note "wg-quick down"
quick down >"$TEST_TMP/down.log" 2>&1 || { cat "$TEST_TMP/down.log"; fail "wg-quick down failed"; }
wait_until 5 sh -c "! kill -0 $daemon" || fail "horizon-wg still runs after wg-quick down"
[ ! -e "/var/run/wireguard/$ia.sock" ] || fail "the socket survived wg-quick down"
ip -n "$a" link show "$ia" >/dev/null 2>&1 && fail "the interface survived wg-quick down"
echo ok
