# needs: root
# Virtual networks through the node agent: an admin puts a gateway server into an L2 network
# and an L3 network; a device joins both itself (`horizon lan join`). The device's TAP comes
# up with its address and MAC, ARP resolves the server's MAC across the tunnel and pings
# pass on the LAN and on the L3 network; a second L2 network on the server stays apart; the
# device leaves (TAP and routes go, the interface too once nothing is left to carry).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/node_lib.sh"

sif=hzs$$ cif=hzc$$ c2if=hzd$$ tap=hzl$$   # interface names are global for the UAPI sockets
at_exit 'rm -f /var/run/wireguard/{$sif,$cif,$c2if}.sock'

underlay hzlanx
make_netns brk hzlanx-brk
make_netns srv hzlanx-srv
make_netns c1 hzlanx-c1
make_netns c2 hzlanx-c2
attach "$brk" 10.79.0.1/24
attach "$srv" 10.79.0.2/24
attach "$c1" 10.79.0.11/24
attach "$c2" 10.79.0.12/24

note "broker, a gateway server in two L2 networks and an L3 network, a device"
start_broker "$brk" 10.79.0.1
"$BIN/horizon-broker" networks create games --mode l2 --cidr 10.89.0.0/24 >/dev/null || fail "networks create games"
"$BIN/horizon-broker" networks create office --mode l2 --cidr 10.89.1.0/24 >/dev/null || fail "networks create office"
"$BIN/horizon-broker" networks create routed --cidr 10.90.0.0/24 >/dev/null || fail "networks create routed"
node "$srv" gw "$sif"
hz gw server up --broker "$broker_url" --enroll-key "$server_key" --name gw1 --endpoint 10.79.0.2:51820 --uplink u0 --no-wait >/dev/null ||
  fail "server up: $(cat "$TEST_TMP/gw.log")"
"$BIN/horizon-broker" servers approve gw1 >/dev/null || fail "approve"
# Through the API, which tells the nodes at once (operator commands reach them at the next
# long-poll round on SQLite).
gw_id=$(hz gw status --json | json 'd["node"]["id"]')
for network in games office routed; do
  ip netns exec "$brk" curl -fsS -X POST -H "authorization: Bearer $admin_token" -H 'content-type: application/json' \
    -d "{\"nodeId\": \"$gw_id\"}" "$broker_url/api/v1/networks/$network/members" >/dev/null || fail "add gw1 to $network"
done
wait_until 20 ip -n "$srv" link show hzgames || fail "no TAP for games on the server: $(hz gw status --json)"
ip -n "$srv" link show hzoffice >/dev/null || fail "no TAP for office on the server"
node "$c1" c1 "$cif"
hz c1 login --broker "$broker_url" --enroll-key "$device_key" --name laptop1 >/dev/null || fail "login"
ip -n "$c1" link show "$cif" 2>/dev/null && fail "an interface came up for a device in no network"

note "refusals say why"
out=$(hz gw lan join games 2>&1) && fail "a server joined by itself"
echo "$out" | contains "a server joins networks when an admin adds it" || fail "server join said: $out"
out=$(hz c1 lan join nosuch 2>&1) && fail "joined a network that does not exist"
echo "$out" | contains "no network with id or name" || fail "unknown network said: $out"
out=$(hz c1 lan join games --interface 'bad name' 2>&1) && fail "accepted a bad interface name"
echo "$out" | contains "not a valid interface name" || fail "bad name said: $out"

note "the device joins the L2 network: TAP with its address and MAC, ARP and ping across"
# A printer announces itself on the server's side of the LAN before the device is there: the
# device must find it by browsing, not by that announcement.
start_bg "$TEST_TMP/mdns.log" ip netns exec "$srv" python3 "$(dirname "$0")/lan_tools.py" mdns-service hzgames "Office Printer" _ipp._tcp printer 631 120
wait_until 5 grep -q ready "$TEST_TMP/mdns.log" || fail "mDNS responder: $(cat "$TEST_TMP/mdns.log")"
out=$(hz c1 lan join games --interface "$tap") || fail "lan join: $out"
echo "$out" | contains -E "^joined games: 10\.89\.0\.[0-9]+, .*MAC ([0-9a-f]{2}:){5}[0-9a-f]{2}, interface $tap$" || fail "join said: $out"
c1_lan=$(echo "$out" | sed -E 's/^joined games: (10\.89\.0\.[0-9]+),.*/\1/')
c1_mac=$(echo "$out" | sed -E 's/.*MAC ([0-9a-f:]{17}).*/\1/')
ip -n "$c1" -o -4 addr show dev "$tap" | contains "inet $c1_lan/24" || fail "TAP address: $(ip -n "$c1" addr show dev "$tap")"
ip -n "$c1" link show "$tap" | contains "link/ether $c1_mac" || fail "TAP MAC: $(ip -n "$c1" link show "$tap")"
gw_lan=$(ip -n "$srv" -o -4 addr show dev hzgames | awk '{print $4}' | cut -d/ -f1)
gw_mac=$(ip -n "$srv" link show hzgames | awk '/link\/ether/ {print $2}')
[ -n "$gw_lan" ] || fail "the server's TAP has no address"
wait_until 20 ip netns exec "$c1" ping -c 1 -W 1 "$gw_lan" || fail "no ping across the LAN: $(hz c1 status --json)"
ip -n "$c1" neigh show "$gw_lan" dev "$tap" | contains "lladdr $gw_mac" || fail "ARP: $(ip -n "$c1" neigh show dev "$tap")"
# Again by name: joining twice is fine and keeps the TAP.
hz c1 lan join games | contains "interface $tap" || fail "second join"
hz c1 status --json | json "d['interface']['lans'] == ['$tap']" | contains True || fail "status: $(hz c1 status --json)"

note "a UDP broadcast on the LAN reaches the server once; the other L2 network hears nothing"
listen_udp() {  # listen_udp DEVICE LOG: prints each datagram to port 47000 on DEVICE for 4 s
  start_bg "$2" ip netns exec "$srv" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, sys.argv[1].encode()); s.bind(("", 47000)); s.settimeout(4)
try:
    while True: print(s.recvfrom(100)[0].decode(), flush=True)
except socket.timeout: pass' "$1"
}
listen_udp hzgames "$TEST_TMP/bcast.log"
listen_udp hzoffice "$TEST_TMP/office.log"
sleep 0.5
ip netns exec "$c1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, sys.argv[1].encode()); s.sendto(b"hello-lan", ("10.89.0.255", 47000))' "$tap"
wait_until 8 grep -q hello-lan "$TEST_TMP/bcast.log" || fail "broadcast not received"
sleep 1
[ "$(grep -c hello-lan "$TEST_TMP/bcast.log")" = 1 ] || fail "broadcast received $(grep -c hello-lan "$TEST_TMP/bcast.log") times"
grep -q hello-lan "$TEST_TMP/office.log" && fail "the office network saw the games broadcast"

note "services: one announced through the broker, one by mDNS on the server's LAN"
hz gw lan announce minecraft 25565 --network games >/dev/null || fail "announce"
services() { hz c1 lan services; }
lists_printer() { services | contains -E "^games +Office Printer \(_ipp\._tcp\) +printer:631 +$gw_lan:631 +tcp$"; }
wait_until 20 lists_printer || fail "mDNS service not listed: $(services)"
services | contains -E "^games +minecraft +gw1:25565 +$gw_lan:25565 +tcp$" || fail "announced service not listed: $(services)"
hz c1 lan services --json | json "sorted(e['source'] for e in d) == ['announced', 'mdns']" | contains True ||
  fail "services --json: $(hz c1 lan services --json)"

note "a second device joins: the two devices find a direct path to each other (no endpoints announced)"
node "$c2" c2 "$c2if"
hz c2 login --broker "$broker_url" --enroll-key "$device_key" --name laptop2 >/dev/null || fail "login c2"
out=$(hz c2 lan join games) || fail "c2 join: $out"
c2_lan=$(echo "$out" | sed -E 's/^joined games: (10\.89\.0\.[0-9]+),.*/\1/')
wait_until 30 ip netns exec "$c1" ping -c 1 -W 1 "$c2_lan" || fail "no ping between the devices: $(hz c1 status --json)"
# WireGuard may carry the first pings before the checks have settled the path: wait for them.
path_is_direct() { hz c1 status --json | json "[p['path']['kind'] for p in d['peers'] if p['name'] == '$1'] == ['direct']" | contains True; }
wait_until 20 path_is_direct laptop2 || fail "path to laptop2: $(hz c1 status --json)"
wait_until 20 path_is_direct gw1 || fail "path to gw1: $(hz c1 status --json)"

note "the L3 network: an address on the device's interface, a route to the server's"
out=$(hz c1 lan join routed) || fail "join routed: $out"
c1_routed=$(echo "$out" | sed -E 's/^joined routed: (10\.90\.0\.[0-9]+),.*/\1/')
ip -n "$c1" -o -4 addr show dev "$cif" | contains "inet $c1_routed/24" || fail "no routed address: $(ip -n "$c1" addr show dev "$cif")"
gw_routed=$(hz gw lan list --json | json "[n['addresses'][0] for n in d if n['name'] == 'routed'][0]")
wait_until 20 ip netns exec "$c1" ping -c 1 -W 1 "$gw_routed" || fail "no ping on the L3 network: $(ip -n "$c1" route)"

note "connecting through the gateway and disconnecting keep the interface, the TAP and the LAN up"
tap_index=$(ip netns exec "$c1" cat /sys/class/net/"$tap"/ifindex)
if_index=$(ip netns exec "$c1" cat /sys/class/net/"$cif"/ifindex)
hz c1 connect gw1 --route 10.123.0.0/16 | contains "connected to gw1" || fail "connect: $(hz c1 status --json)"
ip -n "$c1" route show 10.123.0.0/16 | contains "dev $cif" || fail "no split route: $(ip -n "$c1" route)"
ip netns exec "$c1" ping -c 1 -W 2 "$gw_lan" >/dev/null || fail "the LAN broke when the device connected"
hz c1 disconnect | contains "^disconnected" || fail "disconnect"
ip -n "$c1" route show 10.123.0.0/16 | contains . && fail "the split route stayed after disconnect"
ip netns exec "$c1" ping -c 1 -W 2 "$gw_lan" >/dev/null || fail "the LAN broke when the device disconnected"
[ "$(ip netns exec "$c1" cat /sys/class/net/"$tap"/ifindex)" = "$tap_index" ] || fail "the TAP was recreated"
[ "$(ip netns exec "$c1" cat /sys/class/net/"$cif"/ifindex)" = "$if_index" ] || fail "the interface was recreated"

note "leaving: the TAP goes, then the interface once no network is left"
hz c1 lan leave games | contains "^left games" || fail "leave games"
wait_until 5 sh -c "! ip -n $c1 link show $tap" || fail "TAP left behind"
wait_until 20 sh -c "! ip netns exec $c1 ping -c 1 -W 1 $gw_lan" || fail "the LAN still answers after leaving"
out=$(hz c1 lan leave games 2>&1) && fail "left a network twice"
echo "$out" | contains "not a member" || fail "second leave said: $out"
hz c1 lan leave routed >/dev/null || fail "leave routed"
ip -n "$c1" link show "$cif" 2>/dev/null && fail "the interface stayed with nothing to carry"
hz c1 lan list | contains "not a member of any network" || fail "lan list: $(hz c1 lan list)"
ip -n "$srv" link show hzgames >/dev/null || fail "the server's TAP went when the device left"
echo "ok"
