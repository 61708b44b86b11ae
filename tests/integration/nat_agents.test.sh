# needs: root
# NAT traversal through the node agent: five devices, each behind a Linux router of its own
# (endpoint-independent MASQUERADE, symmetric MASQUERADE --random-fully, or no NAT), a broker
# and Horizon's own TURN relay (`horizon relay`) on the public side. Devices in one network
# find each other through the broker's signaling and `horizon status --json` says how:
#   netA: c1 (EI NAT) <-> c2 (EI NAT)                      direct
#   netB: c3 (symmetric) <-> c4 (symmetric)                relay
#         c5 (no NAT) <-> c3 and c4                        direct
# Then pings cross every pair.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/node_lib.sh"

public_ip=203.0.113.1
ifs=(); for n in 1 2 3 4 5; do ifs+=("hzn$n$$"); done   # interface names are global for the UAPI sockets
_cleanup_uapi() { for i in "${ifs[@]}"; do rm -f "/var/run/wireguard/$i.sock"; done; }
trap '_cleanup_uapi; _cleanup' EXIT

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
start_broker "$pub" $public_ip
"$BIN/horizon-broker" networks create neta --cidr 10.91.0.0/24 >/dev/null || fail "create neta"
"$BIN/horizon-broker" networks create netb --cidr 10.92.0.0/24 >/dev/null || fail "create netb"

note "five devices behind their routers join their networks"
for n in 1 2 3 4 5; do
  c_var="c$n"
  node "${!c_var}" "d$n" "${ifs[$((n - 1))]}"
  hz "d$n" login --broker "$broker_url" --enroll-key "$device_key" --name "dev$n" >/dev/null || fail "login dev$n: $(cat "$TEST_TMP/d$n.log")"
done
address() {  # address N NETWORK: device N's address in NETWORK
  hz "d$1" lan join "$2" | sed -E 's/^joined [a-z]+: ([0-9.]+),.*/\1/'
}
a1=$(address 1 neta) a2=$(address 2 neta)
a3=$(address 3 netb) a4=$(address 4 netb) a5=$(address 5 netb)
[ -n "$a1" ] && [ -n "$a2" ] && [ -n "$a3" ] && [ -n "$a4" ] && [ -n "$a5" ] || fail "joins gave no addresses"

# path_is N PEER KIND: device N's status shows KIND for PEER.
path_is() {
  hz "d$1" status --json | json "[p.get('path', {}).get('kind') for p in d.get('peers') or [] if p['name'] == '$2'] == ['$3']" | grep -q True
}
pings() { local c_var="c$1"; ip netns exec "${!c_var}" ping -c 1 -W 1 "$2"; }

note "EI <-> EI: direct"
wait_until 40 pings 1 "$a2" || fail "dev1 cannot reach dev2: $(hz d1 status --json)"
wait_until 20 path_is 1 dev2 direct || fail "dev1 -> dev2 path: $(hz d1 status --json)"
wait_until 20 path_is 2 dev1 direct || fail "dev2 -> dev1 path: $(hz d2 status --json)"

note "symmetric <-> symmetric: through the relay"
wait_until 40 pings 3 "$a4" || fail "dev3 cannot reach dev4: $(hz d3 status --json)"
wait_until 20 path_is 3 dev4 relay || fail "dev3 -> dev4 path: $(hz d3 status --json)"
wait_until 20 path_is 4 dev3 relay || fail "dev4 -> dev3 path: $(hz d4 status --json)"

note "no NAT <-> symmetric: direct"
wait_until 40 pings 5 "$a3" || fail "dev5 cannot reach dev3: $(hz d5 status --json)"
wait_until 40 pings 5 "$a4" || fail "dev5 cannot reach dev4: $(hz d5 status --json)"
wait_until 20 path_is 5 dev3 direct || fail "dev5 -> dev3 path: $(hz d5 status --json)"
wait_until 20 path_is 5 dev4 direct || fail "dev5 -> dev4 path: $(hz d5 status --json)"
pings 4 "$a3" >/dev/null || fail "dev4 -> dev3 ping"
echo ok
