# needs: root
# A tunnel carrying the default route (0.0.0.0/0 and ::/0) the wg-quick way: the device's
# packets carry the fwmark, unmarked traffic goes to the tunnel's table. The peer's
# endpoint is reachable only through namespace a's own default route, so without the
# fwmark the tunnel would route its own packets into itself. Teardown restores rules,
# tables and src_valid_mark exactly.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel_lib.sh"

make_netns a hztn-a; make_netns b hztn-b
veth "$a" "$b" 1
ia=hztn$$a ib=hztn$$b
keypair A; keypair B
# b: an endpoint address and "internet" addresses that a reaches only through default routes.
ip -n "$b" addr add 10.231.0.2/32 dev lo; ip -n "$b" addr add 10.99.0.1/32 dev lo; ip -n "$b" addr add fd99::1/128 dev lo
ip -n "$a" route add default via 10.230.1.2
ip -n "$a" -6 route add default via fd30:1::2

# Rules, every table and the sysctl; link-local routes come and go with the veth's own
# address configuration, so they are left out.
state() {
  { ip -n "$a" -4 rule; ip -n "$a" -6 rule; ip -n "$a" -4 route show table all; ip -n "$a" -6 route show table all
    ip netns exec "$a" sysctl -n net.ipv4.conf.all.src_valid_mark; } | grep -v -e "$ia" -e fe80 || true
}
before=$(state)

conf "$TEST_TMP/a.conf" "$A_key" "10.243.0.1/24, fd43::1/64" 51820
peer "$TEST_TMP/a.conf" "$B_pub" "0.0.0.0/0, ::/0" "10.231.0.2:51820"
conf "$TEST_TMP/b.conf" "$B_key" "10.243.0.2/24, fd43::2/64" 51820
peer "$TEST_TMP/b.conf" "$A_pub" "10.243.0.1/32, fd43::1/128"

start_tunnel "$b" "$TEST_TMP/b.conf" "$ib"; pid_b=$TUNNEL_PID
start_tunnel "$a" "$TEST_TMP/a.conf" "$ia"; pid_a=$TUNNEL_PID
grep -q "default route via table 51820 (fwmark 51820)" "$TEST_TMP/$ia.log" || fail "status line: $(cat "$TEST_TMP/$ia.log")"
ip -n "$a" -4 rule | contains "not from all fwmark 0xca6c lookup 51820" || fail "no fwmark rule: $(ip -n "$a" rule)"
ip -n "$a" -6 rule | contains "from all lookup main suppress_prefixlength 0" || fail "no suppress rule: $(ip -n "$a" -6 rule)"
[ "$(ip netns exec "$a" wg show "$ia" fwmark)" = "0xca6c" ] || fail "the device has no fwmark"
[ "$(ip netns exec "$a" sysctl -n net.ipv4.conf.all.src_valid_mark)" = 1 ] || fail "src_valid_mark not set"

note "traffic to addresses beyond the peer goes through the tunnel"
pings "$a" 10.99.0.1
pings "$a" fd99::1
ip netns exec "$a" ip route get 10.99.0.1 | contains "dev $ia" || fail "10.99.0.1 is not routed into the tunnel"
ip netns exec "$a" ip route get 10.231.0.2 mark 51820 | contains "dev hztn$$1a" || fail "marked packets do not bypass the tunnel"
transfer "$a" "$b" 10.99.0.1 4

note "teardown restores rules, tables and the sysctl"
stop_tunnel "$pid_a" "$a" "$ia"
after=$(state)
[ "$before" = "$after" ] || fail "namespace state differs after teardown:$(diff <(echo "$before") <(echo "$after"))"
stop_tunnel "$pid_b" "$b" "$ib"
echo ok
