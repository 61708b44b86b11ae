# needs: root
# Storm control (scripts/lab): A floods lan0 with broadcasts as fast as it can; meanwhile C's
# unicast pings to B still come back, and A counts the frames its flood limit dropped.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lan_lib.sh"
lan_up
lan_pings c 10.233.0.2
lan_pings a 10.233.0.2

note "A blasts broadcasts for 5 s while C pings B"
start_bg "$TEST_TMP/blast.log" ip netns exec "$LAN-a" python3 "$TOOLS" blast lan0 10.233.0.255 6004 5
blaster=$LAST_PID
sleep 1
replies=$(on c ping -c 10 -i 0.2 -W 1 10.233.0.2 | grep -c 'bytes from' || true)
wait "$blaster" || fail "the blaster failed: $(cat "$TEST_TMP/blast.log")"
note "A sent $(cat "$TEST_TMP/blast.log") broadcasts; C got $replies/10 ping replies from B"
[ "$replies" -ge 8 ] || fail "C's pings to B starved during the storm: $replies/10"

note "the flood limit dropped frames and said so"
stop_member a
member_log a | grep -E '^lan0: ' || fail "no LAN counters in A's log"
limited=$(member_log a | sed -n 's/^lan0: .* \([0-9]*\) over the flood limit.*/\1/p')
[ "${limited:-0}" -gt 0 ] || fail "no flood-limited drops counted on A: $(member_log a | grep '^lan0: ')"
lan_pings c 10.233.0.2
echo ok
