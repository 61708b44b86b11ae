# needs: root
# NAT traversal through the node agent: five devices in one network, each behind a Linux
# router of its own — c1, c2 endpoint-independent (MASQUERADE), c3, c4 symmetric (MASQUERADE
# --random-fully), c5 none — with the broker and Horizon's own TURN relay (`horizon relay`) on
# the public side. Every pair must connect, through the broker's signaling, and `horizon status
# --json` says how: direct for EI<->EI and wherever one side has no NAT, through the relay for
# symmetric<->symmetric; EI<->symmetric may take either. Then the relay is killed: the pairs
# that went direct keep working. Last, dev1's underlay address changes during a TCP transfer
# to dev5, which completes with the right checksum. (No NAT on both sides is node_lan's case.)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/node_lib.sh"

public_ip=203.0.113.1
ifs=(); for n in 1 2 3 4 5; do ifs+=("hzn$n$$"); done   # interface names are global for the UAPI sockets
at_exit 'for i in "${ifs[@]}"; do rm -f "/var/run/wireguard/$i.sock"; done'

make_netns pub hznatx-pub
ip -n "$pub" addr add $public_ip/32 dev lo
ip netns exec "$pub" sysctl -qw net.ipv4.ip_forward=1
nats=(x masquerade masquerade random-fully random-fully none)
for n in 1 2 3 4 5; do
  make_netns "r$n" "hznatx-r$n"; make_netns "c$n" "hznatx-c$n"
  r_var="r$n" c_var="c$n"; r=${!r_var} c=${!c_var}
  ip link add "p$n" netns "$pub" type veth peer name wan netns "$r"
  ip -n "$pub" addr add "100.64.$n.1/24" dev "p$n"; ip -n "$pub" link set "p$n" up
  ip -n "$r" addr add "100.64.$n.2/24" dev wan; ip -n "$r" link set wan up
  ip link add lan netns "$r" type veth peer name u0 netns "$c"
  ip -n "$r" addr add "10.0.$n.1/24" dev lan; ip -n "$r" link set lan up
  ip -n "$c" addr add "10.0.$n.2/24" dev u0; ip -n "$c" link set u0 up
  ip -n "$r" route add default via "100.64.$n.1"
  ip -n "$c" route add default via "10.0.$n.1"
  ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1
  case ${nats[$n]} in
    none) ip -n "$pub" route add "10.0.$n.0/24" via "100.64.$n.2" ;;
    *)
      extra=(); [ "${nats[$n]}" = random-fully ] && extra=(--random-fully)
      ip netns exec "$r" iptables -t nat -A POSTROUTING -o wan -j MASQUERADE "${extra[@]}"
      # As home routers do: unsolicited packets to the router itself are dropped (an unreplied
      # conntrack entry would otherwise move the client's next mapping to another port).
      ip netns exec "$r" iptables -A INPUT -i wan -m conntrack --ctstate NEW -j DROP ;;
  esac
done

note "broker and relay on the public side"
export HORIZON_RELAYS="turn:$public_ip:3478" HORIZON_TURN_USERNAME=horizon HORIZON_TURN_PASSWORD=relay-secret
start_bg "$TEST_TMP/relay.log" ip netns exec "$pub" "$BIN/horizon" relay --listen $public_ip:3478 --realm horizon --user horizon:relay-secret
relay_pid=$LAST_PID
start_broker "$pub" $public_ip
"$BIN/horizon-broker" networks create mesh --cidr 10.91.0.0/24 >/dev/null || fail "create mesh"

note "five devices behind their routers join the network"
declare -A addr
for n in 1 2 3 4 5; do
  c_var="c$n"
  node "${!c_var}" "d$n" "${ifs[$((n - 1))]}"
  hz "d$n" login --broker "$broker_url" --enroll-key "$device_key" --name "dev$n" >/dev/null || fail "login dev$n: $(cat "$TEST_TMP/d$n.log")"
  addr[$n]=$(hz "d$n" lan join mesh | sed -E 's/^joined mesh: ([0-9.]+),.*/\1/')
  [ -n "${addr[$n]}" ] || fail "dev$n got no address in mesh"
done

# path_of N PEER: how device N's status says it reaches PEER.
path_of() {
  hz "d$1" status --json | json "[p.get('path', {}).get('kind') for p in d.get('peers') or [] if p['name'] == '$2']"
}
path_is() {  # path_is N PEER KIND ("any": direct or relay)
  case "$3:$(path_of "$1" "$2")" in
    "any:['direct']" | "any:['relay']" | "direct:['direct']" | "relay:['relay']") ;;
    *) return 1 ;;
  esac
}
pings() { local c_var="c$1"; ip netns exec "${!c_var}" ping -c 1 -W 1 "$2"; }
expected() {  # expected A B: the path kind the pair must take, "any" for EI<->symmetric
  local kinds="${nats[$1]} ${nats[$2]}"
  case $kinds in
    *none*) echo direct ;;
    "masquerade masquerade") echo direct ;;
    "random-fully random-fully") echo relay ;;
    *) echo any ;;
  esac
}

for a in 1 2 3 4 5; do
  for b in 1 2 3 4 5; do
    [ "$a" -lt "$b" ] || continue
    note "dev$a (${nats[$a]}) <-> dev$b (${nats[$b]}): $(expected $a $b)"
    wait_until 40 pings $a "${addr[$b]}" || fail "dev$a cannot reach dev$b: $(hz d$a status --json) --- dev$b: $(hz d$b status --json)"
    pings $b "${addr[$a]}" >/dev/null || fail "dev$b cannot reach dev$a"
    want=$(expected $a $b)
    wait_until 20 path_is $a dev$b "$want" || fail "dev$a -> dev$b path $(path_of $a dev$b), want $want: $(hz d$a status --json)"
    wait_until 20 path_is $b dev$a "$want" || fail "dev$b -> dev$a path $(path_of $b dev$a), want $want"
  done
done

note "the relay dies: the direct pairs keep working"
kill "$relay_pid"; wait "$relay_pid" 2>/dev/null || true
sleep 2
for pair in "1 2" "5 3" "5 1"; do
  set -- $pair
  c_var="c$1"
  ip netns exec "${!c_var}" ping -c 3 -W 1 "${addr[$2]}" >/dev/null || fail "dev$1 lost dev$2 when the relay died"
done
note "dev1's underlay address changes in the middle of a TCP transfer to dev5; the transfer completes intact"
start_bg "$TEST_TMP/sink.log" ip netns exec "$c5" python3 -c '
import hashlib, socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", 47100)); s.listen(1)
s.settimeout(90); c, _ = s.accept(); c.settimeout(90); h, n = hashlib.sha256(), 0
while chunk := c.recv(65536): h.update(chunk); n += len(chunk)
print(n, h.hexdigest(), flush=True)'
sleep 0.5
# 12 MiB in 64 KiB pieces, paced over about 5 s so the address changes while it flows; the
# sender waits up to 60 s on a stalled send (TCP retransmits until the path is back).
start_bg "$TEST_TMP/source.log" ip netns exec "$c1" python3 -c '
import hashlib, os, socket, sys, time
data = os.urandom(12 << 20); c = socket.create_connection((sys.argv[1], 47100), 60)
for i in range(0, len(data), 65536): c.sendall(data[i:i + 65536]); time.sleep(0.025)
c.shutdown(socket.SHUT_WR); c.recv(1)
print(len(data), hashlib.sha256(data).hexdigest(), flush=True)' "${addr[5]}"
source_pid=$LAST_PID
sleep 1.5
ip netns exec "$c1" sysctl -qw net.ipv4.conf.u0.promote_secondaries=1
ip -n "$c1" addr add 10.0.1.3/24 dev u0
ip -n "$c1" addr del 10.0.1.2/24 dev u0
wait "$source_pid" || fail "the sender failed: $(cat "$TEST_TMP/source.log")"
wait_until 30 test -s "$TEST_TMP/sink.log" || fail "the receiver got no end of stream"
[ "$(cat "$TEST_TMP/sink.log")" = "$(cat "$TEST_TMP/source.log")" ] ||
  fail "sent $(cat "$TEST_TMP/source.log"), received $(cat "$TEST_TMP/sink.log")"
note "received intact: $(cat "$TEST_TMP/sink.log")"
pings 5 "${addr[1]}" >/dev/null || fail "dev5 lost dev1 after the move"

echo ok
