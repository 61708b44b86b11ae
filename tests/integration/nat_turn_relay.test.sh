# needs: root
# A WireGuard session through a TURN relay without either device knowing, once with coturn
# and once with Horizon's own relay (`horizon relay`): a and b are Horizon tunnels whose
# underlays cannot reach each other (r, between them, does not forward); the relay in r
# listens on a's side and relays from b's side. In a, HorizonTURNProxy allocates, binds a
# channel to b, and is a's endpoint for b; b's endpoint for a is the relayed address. Pings
# both ways and a TCP transfer checked by sha256.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel_lib.sh"
command -v turnserver >/dev/null || fail "missing turnserver (apt-get install coturn)"
[ -x "$BIN/HorizonTURNProxy" ] || fail "missing $BIN/HorizonTURNProxy (swift build)"

make_netns a hznat-a; make_netns b hznat-b; make_netns r hznat-r
veth "$a" "$r" 1    # a 10.230.1.1, r 10.230.1.2
veth "$b" "$r" 2    # b 10.230.2.1, r 10.230.2.2
ia=hznat$$a ib=hznat$$b
ip netns exec "$a" ping -c 1 -W 1 10.230.2.1 >/dev/null 2>&1 && fail "a reaches b directly: the test would prove nothing"
printf 'correct horse\n' >"$TEST_TMP/password"
keypair A; keypair B

# start_coturn / start_horizon_relay: the relay in r, listening on 10.230.1.2:3478 and
# relaying from 10.230.2.2; its pid in relay_pid.
start_coturn() {
  cat >"$TEST_TMP/turnserver.conf" <<CONF
listening-ip=10.230.1.2
relay-ip=10.230.2.2
listening-port=3478
lt-cred-mech
realm=horizon.test
user=horizon:correct horse
no-tls
no-dtls
no-cli
simple-log
log-file=stdout
pidfile=$TEST_TMP/turnserver.pid
userdb=$TEST_TMP/turndb
CONF
  start_bg "$TEST_TMP/relay.log" ip netns exec "$r" turnserver -c "$TEST_TMP/turnserver.conf"
  relay_pid=$LAST_PID
}
start_horizon_relay() {
  start_bg "$TEST_TMP/relay.log" ip netns exec "$r" "$BIN/horizon" relay --listen 10.230.1.2:3478 \
    --relay-ip 10.230.2.2 --realm horizon.test --user 'horizon:correct horse'
  relay_pid=$LAST_PID
}
# turnserver may ignore SIGTERM, which lib.sh's cleanup sends: kill relays first, keeping the status.
relay_pid=
trap 'status=$?; set +e; [ -n "$relay_pid" ] && kill -KILL "$relay_pid" 2>/dev/null; (exit $status); _cleanup' EXIT

# through_relay NAME: the whole session through the relay START_NAME started, then everything stopped.
through_relay() {
  local name=$1
  note "$name in r: listens on 10.230.1.2, relays from 10.230.2.2"
  "start_$name"
  wait_until 10 sh -c "ip netns exec '$r' ss -ulnH 'sport = :3478' | grep -q ." || { cat "$TEST_TMP/relay.log"; fail "$name did not listen"; }

  note "the proxy in a allocates on $name and binds a channel to b's WireGuard port"
  start_bg "$TEST_TMP/proxy.log" ip netns exec "$a" "$BIN/HorizonTURNProxy" --server 10.230.1.2:3478 --username horizon \
    --password-file "$TEST_TMP/password" --peer 10.230.2.1:51820 --listen-port 51999 --device-port 51820
  proxy_pid=$LAST_PID
  wait_until 15 grep -q '^forwarding ' "$TEST_TMP/proxy.log" || { cat "$TEST_TMP/proxy.log"; fail "the proxy did not start forwarding"; }
  relayed=$(awk '/^relayed /{print $2}' "$TEST_TMP/proxy.log")
  case "$relayed" in 10.230.2.2:*) ;; *) fail "unexpected relayed address '$relayed'";; esac

  conf "$TEST_TMP/a.conf" "$A_key" "10.250.0.1/24" 51820
  peer "$TEST_TMP/a.conf" "$B_pub" "10.250.0.2/32" "127.0.0.1:51999"
  conf "$TEST_TMP/b.conf" "$B_key" "10.250.0.2/24" 51820
  peer "$TEST_TMP/b.conf" "$A_pub" "10.250.0.1/32" "$relayed"
  start_tunnel "$a" "$TEST_TMP/a.conf" "$ia"; pid_a=$TUNNEL_PID
  start_tunnel "$b" "$TEST_TMP/b.conf" "$ib"; pid_b=$TUNNEL_PID

  note "pings both ways and a TCP transfer through $name"
  pings "$a" 10.250.0.2
  pings "$b" 10.250.0.1
  transfer "$a" "$b" 10.250.0.2 4
  transfer "$b" "$a" 10.250.0.1 1
  [ "$(ip netns exec "$b" wg show "$ib" endpoints | awk '{print $2}')" = "$relayed" ] || fail "b's endpoint for a is not the relay"

  note "the proxy reports what it forwarded"
  kill -TERM "$proxy_pid"; wait "$proxy_pid" || true
  grep '^stopped: ' "$TEST_TMP/proxy.log" || { cat "$TEST_TMP/proxy.log"; fail "the proxy did not stop cleanly"; }
  to_relay=$(awk '/^stopped: /{print $2}' "$TEST_TMP/proxy.log")
  [ "$to_relay" -gt 1000 ] || fail "only $to_relay datagrams went through $name"
  stop_tunnel "$pid_a" "$a" "$ia"
  stop_tunnel "$pid_b" "$b" "$ib"
  kill -KILL "$relay_pid"; wait "$relay_pid" 2>/dev/null || true
  relay_pid=
}

through_relay coturn
through_relay horizon_relay
echo ok
