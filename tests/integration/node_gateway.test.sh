# needs: root
# Horizon's main job end to end, every part a real process in its own network namespace:
# a broker; a gateway server with an upstream "internet" host behind it; two clients. The
# server registers, proves its key and waits for approval; clients enroll, list it, connect
# (full tunnel) and reach the upstream host through it, which sees the server's address; the
# broker lists the live connection with bytes. Then the faults: an admin revokes a client
# (its traffic stops within seconds, the other's does not); the server daemon is killed and
# restarted (the client's session comes back by itself, and the restart cleans up what the
# killed daemon changed); the broker stops (clients keep reaching upstream); disconnect
# restores the client's routes and rules exactly.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/node_lib.sh"

upstream_ip=198.51.100.2 server_uplink_ip=198.51.100.1
sif=hzs$$ c1if=hzc$$ c2if=hzd$$   # interface names are global for the UAPI sockets
at_exit 'rm -f /var/run/wireguard/{$sif,$c1if,$c2if}.{sock,tunnel.journal,diversion.journal}'

underlay hznode
make_netns brk hznode-brk
make_netns srv hznode-srv
make_netns up hznode-up
make_netns c1 hznode-c1
make_netns c2 hznode-c2
attach "$brk" 10.77.0.1/24
attach "$srv" 10.77.0.2/24
attach "$c1" 10.77.0.11/24
attach "$c2" 10.77.0.12/24
# The upstream host hangs off the server only, and has no route back to the overlay.
ip link add up0 netns "$srv" type veth peer name up1 netns "$up"
ip -n "$srv" addr add $server_uplink_ip/24 dev up0; ip -n "$srv" link set up0 up
ip -n "$up" addr add $upstream_ip/24 dev up1; ip -n "$up" link set up1 up
ip -n "$srv" route add default via $upstream_ip
# Clients have a default route of their own to give up and get back.
ip -n "$c1" route add default via 10.77.0.254
ip -n "$c2" route add default via 10.77.0.254

note "broker"
export HORIZON_SERVER_OFFLINE_AFTER=6
start_broker "$brk" 10.77.0.1

note "server registers and waits for approval"
forwarding_before=$(ip netns exec "$srv" cat /proc/sys/net/ipv4/ip_forward)
node "$srv" gw "$sif"
hz gw server up --broker $broker_url --enroll-key "$server_key" --name gw1 --endpoint 10.77.0.2:51820 \
  --location DE/Berlin --uplink up0 >"$TEST_TMP/up.out" 2>&1 &
up_pid=$!
wait_until 20 grep -q "pending approval" "$TEST_TMP/up.out" || fail "server up did not say pending: $(cat "$TEST_TMP/up.out")"
[ "$(hz gw status --json | json 'd["node"]["status"]')" = pending ] || fail "status is not pending"
"$BIN/horizon-broker" servers approve gw1 >/dev/null
wait "$up_pid" || fail "server up failed after approval: $(cat "$TEST_TMP/up.out")"
grep -q "gw1: approved, serving on $sif" "$TEST_TMP/up.out" || fail "server up said: $(cat "$TEST_TMP/up.out")"
ip netns exec "$srv" nft list table inet "horizon_gw_$sif" >/dev/null || fail "no forwarding rules"

note "clients enroll and list the server"
node "$c1" c1 "$c1if"
node "$c2" c2 "$c2if"
out=$(hz c1 login --broker http://10.77.0.1:8081 --enroll-key "$device_key" --name laptop1 2>&1) && fail "login to a dead broker succeeded"
echo "$out" | contains "cannot reach the broker" || fail "dead broker: $out"
out=$(hz c1 login --broker $broker_url --enroll-key hzk_wrong --name laptop1 2>&1) && fail "a wrong key enrolled"
echo "$out" | contains "cannot enroll this device: the broker refused" || fail "wrong key: $out"
hz c1 login --broker $broker_url --enroll-key "$device_key" --name laptop1 | contains "logged in: device 'laptop1'" || fail "login c1"
hz c2 login --broker $broker_url --enroll-key "$device_key" --name laptop2 >/dev/null || fail "login c2"
wait_until 20 sh -c "ip netns exec $c1 $BIN/horizon servers --socket $TEST_TMP/c1.sock | grep -q '^gw1 *DE/Berlin'" ||
  fail "servers: $(hz c1 servers 2>&1)"
hz c1 servers --json | json '[s["name"] for s in d] == ["gw1"] and d[0]["country"] == "DE" and d[0]["rttMilliseconds"] > 0' |
  contains True || fail "servers --json (latency is a STUN round trip to the server's WireGuard port): $(hz c1 servers --json)"

note "client 1 connects (full tunnel) and reaches upstream through the server"
ip -n "$c1" route show table all >"$TEST_TMP/routes.before"
{ ip -n "$c1" rule; ip -n "$c1" -6 rule; } >"$TEST_TMP/rules.before"
hz c1 connect gw1 | contains "connected to gw1" || fail "connect c1: $(cat "$TEST_TMP/c1.log")"
hz c2 connect --best >/dev/null || fail "connect c2"
ip netns exec "$c1" ping -c 2 -W 2 $upstream_ip >/dev/null || fail "c1 cannot reach upstream through the server"
# The upstream host sees the server's uplink address, never the client's.
start_bg "$TEST_TMP/listener.log" ip netns exec "$up" python3 -c '
import socket; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8099)); s.listen()
while True:
    c, addr = s.accept(); print(addr[0], flush=True); c.sendall(b"hello\n"); c.close()'
wait_until 10 ip netns exec "$c1" python3 -c "import socket; socket.create_connection(('$upstream_ip', 8099), 2).recv(10)" ||
  fail "TCP to upstream failed"
[ "$(sort -u "$TEST_TMP/listener.log")" = $server_uplink_ip ] || fail "upstream saw $(cat "$TEST_TMP/listener.log")"
hz c1 status --json | json 'd["connection"]["serverName"] == "gw1" and d["connection"]["path"] == "direct" and d["connection"]["handshakeAge"] is not None and d["interface"]["txBytes"] > 0' |
  contains True || fail "client status: $(hz c1 status --json)"
hz c1 status | contains "server: *gw1 at 10.77.0.2:51820" || fail "status text: $(hz c1 status)"
hz c1 status | contains "handshake: .*, rtt [0-9.]* ms" || fail "status shows no rtt: $(hz c1 status)"

note "the broker lists the live connection with bytes"
connections() { ip netns exec "$c1" curl -fsS -H "authorization: Bearer $admin_token" "$broker_url/api/v1/connections"; }
wait_until 20 sh -c "$(declare -f connections); admin_token=$admin_token broker_url=$broker_url c1=$c1 connections | python3 -c '
import json,sys; items=json.load(sys.stdin)[\"connections\"]
assert any(i[\"deviceName\"] == \"laptop1\" and i[\"serverName\"] == \"gw1\" and i[\"live\"] and i[\"rxBytes\"] + i[\"txBytes\"] > 0 for i in items)'" ||
  fail "no live connection: $(connections)"

note "virtual networks: members see each other's addresses, MACs and announced services"
"$BIN/horizon-broker" networks create lan1 --mode l2 --cidr 10.88.0.0/24 >/dev/null || fail "networks create"
"$BIN/horizon-broker" networks add-member lan1 laptop1 >/dev/null || fail "add-member laptop1"
"$BIN/horizon-broker" networks add-member lan1 laptop2 >/dev/null || fail "add-member laptop2"
hz c1 lan list | contains -E "^lan1 +l2 +[0-9]+ +10\.88\.0\.[0-9]+ +([0-9a-f]{2}:){5}[0-9a-f]{2} +laptop2$" || fail "lan list: $(hz c1 lan list 2>&1)"
# Locally administered unicast MACs, distinct per member.
hz c1 lan list --json | json 'all(int(m[:2], 16) & 3 == 2 for m in [d[0]["mac"]] + [x["mac"] for x in d[0]["members"]]) and d[0]["mac"] != d[0]["members"][0]["mac"]' |
  contains True || fail "MACs: $(hz c1 lan list --json)"
out=$(hz c1 lan announce minecraft 25565) || fail "announce: $out"
hz c2 lan services | contains -E "^lan1 +minecraft +laptop1:25565 +10\.88\.0\.[0-9]+:25565 +tcp$" || fail "services: $(hz c2 lan services 2>&1)"
out=$(hz c1 lan announce game 70000 2>&1) && fail "announced port 70000"
echo "$out" | contains "not a port" || fail "bad port said: $out"
# The L2 network's TAP came up on the connected client's interface, and goes when it leaves.
wait_until 10 ip -n "$c1" link show hzlan1 || fail "no TAP for lan1: $(hz c1 status --json)"
hz c1 lan leave lan1 | contains "^left lan1" || fail "lan leave"
# The TAP goes once the packet threads let go of it (within a batch).
wait_until 5 sh -c "! ip -n $c1 link show hzlan1" || fail "TAP left behind after lan leave"
ip netns exec "$c1" ping -c 1 -W 2 $upstream_ip >/dev/null || fail "c1 lost upstream when it left lan1"

note "revoking client 2 stops its traffic within seconds; client 1 goes on"
ip netns exec "$c2" ping -c 1 -W 2 $upstream_ip >/dev/null || fail "c2 cannot reach upstream"
# Through the API, as the dashboard does: the broker announces the change at once.
laptop2=$(ip netns exec "$c1" curl -fsS -H "authorization: Bearer $admin_token" "$broker_url/api/v1/devices" |
  python3 -c 'import json,sys; print([d["id"] for d in json.load(sys.stdin) if d["name"] == "laptop2"][0])')
ip netns exec "$c1" curl -fsS -X POST -H "authorization: Bearer $admin_token" "$broker_url/api/v1/devices/$laptop2/revoke" >/dev/null ||
  fail "revoke laptop2"
wait_until 10 sh -c "! ip netns exec $c2 ping -c 1 -W 1 $upstream_ip" || fail "c2 still reaches upstream 10 s after revocation"
ip netns exec "$c1" ping -c 1 -W 2 $upstream_ip >/dev/null || fail "c1 lost upstream when c2 was revoked"

note "the server daemon is killed and restarted; the session comes back"
kill -KILL "$pid_gw"; wait "$pid_gw" 2>/dev/null || true
ip netns exec "$c1" ping -c 1 -W 1 $upstream_ip >/dev/null && fail "upstream reachable with the server down"
node "$srv" gw "$sif"
wait_until 40 ip netns exec "$c1" ping -c 1 -W 1 $upstream_ip || fail "c1 did not come back after the server restart: $(cat "$TEST_TMP/gw.log")"

note "the client daemon restarts and reconnects by itself"
kill -TERM "$pid_c1"; wait "$pid_c1" || fail "client daemon exited $? on SIGTERM"
ip -n "$c1" link show "$c1if" >/dev/null 2>&1 && fail "client interface left after its daemon stopped"
node "$c1" c1 "$c1if"
grep -q "connected to" "$TEST_TMP/c1.log" || fail "the daemon did not say it resumed: $(cat "$TEST_TMP/c1.log")"
wait_until 20 ip netns exec "$c1" ping -c 1 -W 1 $upstream_ip || fail "c1 did not reconnect after its daemon restarted"

note "the broker stops; the client keeps reaching upstream"
kill "$broker_pid"; wait "$broker_pid" 2>/dev/null || true
ip netns exec "$c1" ping -c 3 -W 2 $upstream_ip >/dev/null || fail "c1 lost upstream with the broker down"
wait_until 40 sh -c "ip netns exec $c1 $BIN/horizon status --json --socket $TEST_TMP/c1.sock | grep -q '\"reachable\":false'" ||
  fail "status does not show the broker unreachable: $(hz c1 status)"

note "disconnect restores routes and rules exactly"
hz c1 disconnect | contains "^disconnected" || fail "disconnect"
ip -n "$c1" route show table all >"$TEST_TMP/routes.after"
{ ip -n "$c1" rule; ip -n "$c1" -6 rule; } >"$TEST_TMP/rules.after"
diff "$TEST_TMP/routes.before" "$TEST_TMP/routes.after" || fail "routes differ after disconnect"
diff "$TEST_TMP/rules.before" "$TEST_TMP/rules.after" || fail "rules differ after disconnect"
ip -n "$c1" link show "$c1if" 2>/dev/null && fail "interface left behind"
out=$(hz c1 connect gw1 --route 10.0.0.0/8 --best 2>&1) && fail "connect with a server and --best succeeded"
hz c1 logout | contains "logged out (was client)" || fail "logout"
[ "$(hz c1 status --json | json 'd["role"]')" = none ] && [ ! -e "$TEST_TMP/c1/membership.json" ] || fail "still enrolled after logout"
out=$(hz c1 connect gw1 2>&1) && fail "connect after logout succeeded"
echo "$out" | contains "not logged in as a client" || fail "connect after logout said: $out"

note "a stopped server removes its interface, rules and forwarding"
kill -TERM "$pid_gw"; wait "$pid_gw" || fail "server daemon exited $? on SIGTERM: $(tail -5 "$TEST_TMP/gw.log")"
ip netns exec "$srv" nft list table inet "horizon_gw_$sif" >/dev/null 2>&1 && fail "forwarding rules left behind"
ip -n "$srv" link show "$sif" >/dev/null 2>&1 && fail "server interface left behind"
# As the host had it before the first daemon, which was killed with forwarding on: the
# restarted one undid the killed one's changes before making its own.
[ "$(ip netns exec "$srv" cat /proc/sys/net/ipv4/ip_forward)" = "$forwarding_before" ] ||
  fail "ip_forward is $(ip netns exec "$srv" cat /proc/sys/net/ipv4/ip_forward) after the server stopped, $forwarding_before before"
[ ! -e "/var/run/wireguard/$sif.tunnel.journal" ] || fail "the server's journal was left behind"
echo ok
