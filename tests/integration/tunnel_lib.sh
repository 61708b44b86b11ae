# Helpers for the tunnel_* and wireguard_* tests (source after lib.sh): keys, veth links
# with IPv4 and IPv6, wg-quick files, `horizon tunnel` start/stop with checks, and a
# TCP transfer verified by sha256. Interface and socket names carry the test's PID:
# /var/run/wireguard is shared by every namespace.

for tool in ping ncat wg sha256sum; do
  command -v "$tool" >/dev/null || fail "missing $tool (apt-get install iputils-ping ncat wireguard-tools coreutils)"
done

# keypair NAME: sets NAME_key and NAME_pub.
keypair() {
  local key
  key=$("$BIN/horizon" genkey)
  printf -v "$1_key" '%s' "$key"
  printf -v "$1_pub" '%s' "$("$BIN/horizon" pubkey <<<"$key")"
}

# veth NS_A NS_B N: a veth pair named hztn<pid><N>a/b; underlay 10.230.N.1-2/24 and fd30:N::1-2/64.
veth() {
  local a=$1 b=$2 n=$3
  local va="hztn$$${n}a" vb="hztn$$${n}b"
  ip link add "$va" netns "$a" type veth peer name "$vb" netns "$b"
  ip -n "$a" addr add "10.230.$n.1/24" dev "$va"; ip -n "$a" addr add "fd30:$n::1/64" dev "$va" nodad
  ip -n "$b" addr add "10.230.$n.2/24" dev "$vb"; ip -n "$b" addr add "fd30:$n::2/64" dev "$vb" nodad
  ip -n "$a" link set "$va" up; ip -n "$b" link set "$vb" up
}

# conf FILE PRIVATE_KEY ADDRESSES LISTEN_PORT, then peer lines from `peer` appended.
conf() {
  printf '[Interface]\nPrivateKey = %s\nAddress = %s\nListenPort = %s\n' "$2" "$3" "$4" >"$1"
  chmod 600 "$1"
}

# peer FILE PUBLIC_KEY ALLOWED_IPS [ENDPOINT]
peer() {
  printf '\n[Peer]\nPublicKey = %s\nAllowedIPs = %s\n' "$2" "$3" >>"$1"
  [ -z "${4:-}" ] || printf 'Endpoint = %s\n' "$4" >>"$1"
}

# start_tunnel NS CONF IFACE: runs `horizon tunnel` in NS and waits for its status line;
# sets TUNNEL_PID.
start_tunnel() {
  local ns=$1 conf=$2 iface=$3 log="$TEST_TMP/$3.log"
  start_bg "$log" ip netns exec "$ns" "$BIN/horizon" tunnel --config "$conf" --interface "$iface"
  TUNNEL_PID=$LAST_PID
  wait_until 20 grep -q "^$iface up;" "$log" || { cat "$log"; fail "horizon tunnel $iface did not come up"; }
}

# stop_tunnel PID NS IFACE: SIGTERM; the process must exit 0 leaving no interface and no socket.
stop_tunnel() {
  local pid=$1 ns=$2 iface=$3 status=0
  kill -TERM "$pid"
  wait "$pid" || status=$?
  [ "$status" = 0 ] || { cat "$TEST_TMP/$iface.log"; fail "horizon tunnel $iface exited $status on SIGTERM"; }
  ip -n "$ns" link show "$iface" >/dev/null 2>&1 && fail "$iface still exists after shutdown"
  [ ! -e "/var/run/wireguard/$iface.sock" ] || fail "the UAPI socket of $iface is still there"
  return 0
}

# pings NS ADDRESS: a few pings must all come back (the first may wait for the handshake).
pings() {
  ip netns exec "$1" ping -c 1 -W 5 "$2" >/dev/null || fail "no answer from $2 in $1"
  ip netns exec "$1" ping -c 3 -i 0.2 -W 2 "$2" >/dev/null || fail "pings from $1 to $2 were lost"
}

# transfer FROM_NS TO_NS TO_ADDRESS MEGABYTES: sends random bytes over TCP with ncat and
# compares their sha256 on arrival.
transfer() {
  local from=$1 to=$2 address=$3 size=$4 port=5555 listener
  local sent="$TEST_TMP/sent.bin" got="$TEST_TMP/got.bin"
  head -c "$((size * 1024 * 1024))" /dev/urandom >"$sent"
  rm -f "$got"
  ip netns exec "$to" timeout 60 ncat -l --recv-only "$port" >"$got" &
  listener=$!
  _pids+=("$listener")
  wait_until 10 sh -c "ip netns exec '$to' ss -ltnH 'sport = :$port' | grep -q ." || fail "ncat did not listen"
  timeout 60 ip netns exec "$from" ncat --send-only "$address" "$port" <"$sent" || fail "sending to $address failed"
  wait "$listener" || true
  [ "$(sha256sum <"$sent")" = "$(sha256sum <"$got")" ] ||
    fail "the ${size} MiB sent to $address arrived as $(stat -c %s "$got") bytes with another sha256"
}
