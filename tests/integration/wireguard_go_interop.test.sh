# needs: root
# Horizon (`horizon tunnel`) <-> wireguard-go (configured with `wg setconf`), twice:
# over outer IPv4 with Horizon starting the handshake, then over outer IPv6 with
# wireguard-go starting it (each time the other side has no endpoint, so it cannot be the
# initiator). Pings over inner IPv4 and IPv6 both ways and TCP transfers checked by sha256.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel_lib.sh"
command -v wireguard-go >/dev/null || fail "missing wireguard-go (apt-get install wireguard-go)"

make_netns a hztn-a; make_netns b hztn-b
veth "$a" "$b" 1
ia=hztn$$h ib=hztn$$g
keypair A; keypair B

# start_wireguard_go ENDPOINT_OF_A: wireguard-go in b, set up with wg setconf and ip.
start_wireguard_go() {
  start_bg "$TEST_TMP/wireguard-go.log" ip netns exec "$b" env WG_PROCESS_FOREGROUND=1 LOG_LEVEL=error wireguard-go "$ib"
  WG_PID=$LAST_PID
  wait_until 10 test -S "/var/run/wireguard/$ib.sock" || { cat "$TEST_TMP/wireguard-go.log"; fail "wireguard-go did not start"; }
  printf '[Interface]\nPrivateKey = %s\nListenPort = 51821\n\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.241.0.1/32, fd41::1/128\n' \
    "$B_key" "$A_pub" >"$TEST_TMP/b.conf"
  [ -z "$1" ] || printf 'Endpoint = %s\n' "$1" >>"$TEST_TMP/b.conf"
  ip netns exec "$b" wg setconf "$ib" "$TEST_TMP/b.conf"
  ip -n "$b" addr add 10.241.0.2/24 dev "$ib"; ip -n "$b" addr add fd41::2/64 dev "$ib"
  ip -n "$b" link set "$ib" up
}

stop_wireguard_go() {
  kill -TERM "$WG_PID"; wait "$WG_PID" || true
  wait_until 10 sh -c "! test -e /var/run/wireguard/$ib.sock" || fail "wireguard-go left its socket"
}

# horizon_conf ENDPOINT_OF_B
horizon_conf() {
  conf "$TEST_TMP/a.conf" "$A_key" "10.241.0.1/24, fd41::1/64" 51820
  peer "$TEST_TMP/a.conf" "$B_pub" "10.241.0.2/32, fd41::2/128" "$1"
}

note "round 1: outer IPv4, Horizon initiates"
horizon_conf 10.230.1.2:51821
start_wireguard_go ""
start_tunnel "$a" "$TEST_TMP/a.conf" "$ia"; pid_a=$TUNNEL_PID
pings "$a" 10.241.0.2; pings "$a" fd41::2
pings "$b" 10.241.0.1; pings "$b" fd41::1
transfer "$b" "$a" 10.241.0.1 8      # wireguard-go encrypts, Horizon decrypts
transfer "$a" "$b" fd41::2 8         # and the other way
[ "$(ip netns exec "$b" wg show "$ib" endpoints | awk '{print $2}')" = "10.230.1.1:51820" ] ||
  fail "wireguard-go did not learn Horizon's endpoint"
stop_tunnel "$pid_a" "$a" "$ia"
stop_wireguard_go

note "round 2: outer IPv6, wireguard-go initiates"
horizon_conf ""
start_wireguard_go "[fd30:1::1]:51820"
start_tunnel "$a" "$TEST_TMP/a.conf" "$ia"; pid_a=$TUNNEL_PID
pings "$b" 10.241.0.1; pings "$b" fd41::1
pings "$a" 10.241.0.2; pings "$a" fd41::2
transfer "$b" "$a" fd41::1 4
[ "$(ip netns exec "$a" wg show "$ia" endpoints | awk '{print $2}')" = "[fd30:1::2]:51821" ] ||
  fail "Horizon did not learn wireguard-go's endpoint: $(ip netns exec "$a" wg show "$ia")"
handshake=$(ip netns exec "$a" wg show "$ia" latest-handshakes | awk '{print $2}')
[ "${handshake:-0}" -gt 0 ] || fail "no handshake in wg show"
stop_tunnel "$pid_a" "$a" "$ia"
stop_wireguard_go
echo ok
