# Helpers for tests of Horizon nodes: a broker and `horizon daemon`s, each in its own network
# namespace on one bridged underlay segment. Source it after lib.sh.

# underlay PREFIX: the switch namespace (its name in $sw) with bridge br0.
underlay() {
  make_netns sw "$1-sw"
  ip -n "$sw" link add br0 type bridge
  ip -n "$sw" link set br0 up
}

# attach NS ADDRESS: a veth u0 in NS with ADDRESS (CIDR), its other end on the bridge.
attach() {
  local ns=$1 addr=$2 port="p$RANDOM"
  ip link add u0 netns "$ns" type veth peer name "$port" netns "$sw"
  ip -n "$sw" link set "$port" master br0 up
  ip -n "$ns" addr add "$addr" dev u0
  ip -n "$ns" link set u0 up
}

# start_broker NS ADDRESS: horizon-broker on ADDRESS:8080 in NS (state in $TEST_TMP/broker);
# sets broker_url, broker_pid, server_key, device_key (reusable, for admin) and admin_token.
start_broker() {
  local ns=$1 addr=$2
  broker_url=http://$addr:8080
  export HORIZON_DATA_DIR=$TEST_TMP/broker HORIZON_ADMIN_PASSWORD=node-test-admin
  start_bg "$TEST_TMP/broker.log" ip netns exec "$ns" "$BIN/horizon-broker" serve --hostname "$addr" --port 8080
  broker_pid=$LAST_PID
  wait_until 60 ip netns exec "$ns" curl -fsS "$broker_url/health" || { cat "$TEST_TMP/broker.log"; fail "broker not up"; }
  server_key=$("$BIN/horizon-broker" enroll-key create --for server --reusable | sed -n 's/^Key (shown once): //p')
  device_key=$("$BIN/horizon-broker" enroll-key create --for device --user admin --reusable | sed -n 's/^Key (shown once): //p')
  [ -n "$server_key" ] && [ -n "$device_key" ] || fail "no enrollment keys"
  admin_token=$(ip netns exec "$ns" curl -fsS -H 'content-type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$HORIZON_ADMIN_PASSWORD\"}" "$broker_url/api/v1/auth/login" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
}

# node NS NAME IFACE: runs a daemon for a node; its CLI is then `hz NAME ...`, its pid in pid_NAME.
node() {
  local ns=$1 name=$2 iface=$3
  printf -v "ns_$name" '%s' "$ns"
  start_bg "$TEST_TMP/$name.log" ip netns exec "$ns" "$BIN/horizon" daemon \
    --state-dir "$TEST_TMP/$name" --socket "$TEST_TMP/$name.sock" --interface "$iface"
  printf -v "pid_$name" '%s' "$LAST_PID"
  wait_until 20 test -S "$TEST_TMP/$name.sock" || fail "$name daemon did not start: $(cat "$TEST_TMP/$name.log")"
}
hz() { local name=$1; shift; local ns_var="ns_$name"; ip netns exec "${!ns_var}" "$BIN/horizon" "$@" --socket "$TEST_TMP/$name.sock"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
