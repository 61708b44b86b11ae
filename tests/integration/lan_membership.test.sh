# needs: root
# Isolation and membership (scripts/lab): two L2 networks on one node (lan0 tag 7 on A, B, C;
# lan1 tag 8 on A and C) never see each other's frames, and a member removed from the others
# (its peer removed with wg set) stops receiving the LAN's frames while the rest carry on.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lan_lib.sh"
lan_up
lan_pings a 10.233.0.2; lan_pings a 10.233.0.3; lan_pings a 10.234.0.3

note "two networks on A stay isolated: each broadcast arrives only on its own network"
receiver c0 c lan0 6002 20; receiver c1 c lan1 6002 20; receiver b0 b lan0 6002 20
on a python3 "$TOOLS" send lan0 10.233.0.255 6002 on-lan0
on a python3 "$TOOLS" send lan1 10.234.0.255 6002 on-lan1
settle 1 "$c0" "$c1" "$b0"
[ "$(received "$c0")" = on-lan0 ] || fail "C's lan0 got: $(received "$c0" | tr '\n' ' ')"
[ "$(received "$c1")" = on-lan1 ] || fail "C's lan1 got: $(received "$c1" | tr '\n' ' ')"
[ "$(received "$b0")" = on-lan0 ] || fail "B's lan0 got: $(received "$b0" | tr '\n' ' ')"
on c ip neigh show dev lan1 | contains '02:00:00:07:' && fail "a lan0 MAC showed up on C's lan1"

note "C is removed from A and B: it stops receiving the LAN's frames, B does not"
c_pub=$(cat "/run/horizon-lab/$LAN/c.pub")
on a wg set "$LAN-a" peer "$c_pub" remove
on b wg set "$LAN-b" peer "$c_pub" remove
receiver gone c lan0 6003 20; receiver stays b lan0 6003 20
on a python3 "$TOOLS" send lan0 10.233.0.255 6003 after-removal
settle 1 "$stays"
[ -z "$(received "$gone")" ] || fail "C still got: $(received "$gone" | tr '\n' ' ')"
[ "$(received "$stays")" = after-removal ] || fail "B got: $(received "$stays" | tr '\n' ' ')"
on a ip neigh flush dev lan0
on a ping -c 2 -W 1 10.233.0.3 >/dev/null 2>&1 && fail "A still reaches C over the LAN"
lan_pings a 10.233.0.2

note "A reports its LAN counters when it stops"
stop_member a
member_log a | grep -E '^lan0: ' || fail "no LAN counters in A's log: $(member_log a)"
echo ok
