# needs: root
# Horizon <-> Horizon through `horizon tunnel`: pings both ways over inner IPv4 and IPv6
# (outer IPv6), an 8 MiB TCP transfer checked by sha256, `wg show` handshake and byte
# counts, a peer added at run time with `wg set`, and a clean SIGTERM teardown.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel_lib.sh"

make_netns a hztn-a; make_netns b hztn-b; make_netns c hztn-c
veth "$a" "$b" 1
veth "$a" "$c" 2
ia=hztn$$a ib=hztn$$b ic=hztn$$c
keypair A; keypair B; keypair C

conf "$TEST_TMP/a.conf" "$A_key" "10.240.0.1/24, fd40::1/64" 51820
peer "$TEST_TMP/a.conf" "$B_pub" "10.240.0.2/32, fd40::2/128" "[fd30:1::2]:51820"
conf "$TEST_TMP/b.conf" "$B_key" "10.240.0.2/24, fd40::2/64" 51820
peer "$TEST_TMP/b.conf" "$A_pub" "10.240.0.1/32, fd40::1/128" "[fd30:1::1]:51820"
conf "$TEST_TMP/c.conf" "$C_key" "10.240.0.3/24" 51820
peer "$TEST_TMP/c.conf" "$A_pub" "10.240.0.1/32" "10.230.2.1:51820"

start_tunnel "$a" "$TEST_TMP/a.conf" "$ia"; pid_a=$TUNNEL_PID
start_tunnel "$b" "$TEST_TMP/b.conf" "$ib"; pid_b=$TUNNEL_PID

note "pings both ways, inner IPv4 and IPv6, outer IPv6"
pings "$a" 10.240.0.2; pings "$a" fd40::2
pings "$b" 10.240.0.1; pings "$b" fd40::1

note "TCP transfers checked by sha256"
transfer "$a" "$b" 10.240.0.2 8
transfer "$b" "$a" fd40::1 2

note "wg show reports the handshake and the bytes"
handshake=$(ip netns exec "$a" wg show "$ia" latest-handshakes | awk '{print $2}')
[ "${handshake:-0}" -gt 0 ] || fail "no latest handshake in wg show: $(ip netns exec "$a" wg show "$ia")"
read -r _ rx tx < <(ip netns exec "$a" wg show "$ia" transfer)
[ "$tx" -gt $((8 * 1024 * 1024)) ] && [ "$rx" -gt $((2 * 1024 * 1024)) ] || fail "transfer counters too small: rx=$rx tx=$tx"
[ "$(ip netns exec "$a" wg show "$ia" endpoints | awk '{print $2}')" = "[fd30:1::2]:51820" ] || fail "wrong endpoint in wg show"
ip netns exec "$a" wg show "$ia"

note "a peer added at run time with wg set works (it initiates; we learn its endpoint)"
start_tunnel "$c" "$TEST_TMP/c.conf" "$ic"; pid_c=$TUNNEL_PID
ip netns exec "$a" wg set "$ia" peer "$C_pub" allowed-ips 10.240.0.3/32
pings "$c" 10.240.0.1
pings "$a" 10.240.0.3
[ "$(ip netns exec "$a" wg show "$ia" endpoints | grep "$C_pub" | awk '{print $2}')" = "10.230.2.2:51820" ] ||
  fail "the endpoint of the new peer was not learnt"

note "SIGTERM tears everything down"
stop_tunnel "$pid_a" "$a" "$ia"
stop_tunnel "$pid_b" "$b" "$ib"
stop_tunnel "$pid_c" "$c" "$ic"
ip -n "$a" route show table all | contains "$ia" && fail "routes of $ia left behind"
echo ok
