# needs: root
# An L2 network of three members (scripts/lab): ARP and NDP resolve the members' MACs,
# pings by overlay address, a broadcast reaches B and C exactly once each, an IPv4
# multicast group joined by B and C gets A's datagram once each, an mDNS name answered
# on B resolves from A, TCP transfers arrive intact, and the L3 tunnel works beside the L2
# network on the same sessions.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel_lib.sh"
source "$(dirname "$0")/lan_lib.sh"
lan_up

note "ARP from A resolves B's MAC; NDP from C too"
lan_pings a 10.233.0.2
on a ip neigh show 10.233.0.2 dev lan0 | contains 'lladdr 02:00:00:07:00:02' ||
  fail "A has no ARP entry for B: $(on a ip neigh show dev lan0)"
lan_pings c fd33::2
on c ip -6 neigh show fd33::2 dev lan0 | contains 'lladdr 02:00:00:07:00:02' || fail "C has no NDP entry for B"

note "pings by overlay address between every pair"
lan_pings a 10.233.0.3
lan_pings b 10.233.0.3
lan_pings c 10.233.0.1

note "TCP across the LAN, checked by sha256 (TSO superframes split, coalesced on arrival)"
transfer "$LAN-a" "$LAN-b" 10.233.0.2 8
transfer "$LAN-c" "$LAN-a" fd33::1 2

note "a broadcast from A reaches B and C exactly once each"
receiver rb b lan0 6000 20; receiver rc c lan0 6000 20
on a python3 "$TOOLS" send lan0 10.233.0.255 6000 bcast-1 bcast-2 bcast-3
settle 3 "$rb" "$rc"
expected=$(printf 'bcast-%s\n' 1 2 3)
[ "$(received "$rb")" = "$expected" ] || fail "B got: $(received "$rb" | tr '\n' ' ')"
[ "$(received "$rc")" = "$expected" ] || fail "C got: $(received "$rc" | tr '\n' ' ')"

note "an IPv4 multicast group joined by B and C gets A's datagrams once each"
receiver mb b lan0 6001 20 239.7.7.7; receiver mc c lan0 6001 20 239.7.7.7
on a python3 "$TOOLS" send lan0 239.7.7.7 6001 group-1 group-2
settle 2 "$mb" "$mc"
expected=$(printf 'group-%s\n' 1 2)
[ "$(received "$mb")" = "$expected" ] || fail "B got: $(received "$mb" | tr '\n' ' ')"
[ "$(received "$mc")" = "$expected" ] || fail "C got: $(received "$mc" | tr '\n' ' ')"

note "mDNS: a responder on B answers for b-printer.local; A resolves it"
start_bg "$TEST_TMP/mdns.log" ip netns exec "$LAN-b" python3 "$TOOLS" mdns-respond lan0 b-printer.local 10.233.0.2 15
wait_until 10 grep -q '^ready$' "$TEST_TMP/mdns.log" || fail "mDNS responder did not start"
answer=$(on a python3 "$TOOLS" mdns-query lan0 b-printer.local 8) || fail "A got no mDNS answer"
[ "$answer" = 10.233.0.2 ] || fail "mDNS answered $answer"

note "the L3 tunnel still works beside the L2 network"
lan_pings a 10.232.0.2
lan_pings c 10.232.0.1
echo ok
