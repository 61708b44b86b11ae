# needs: root
# A broker in one network namespace serves a client in another over a veth link: the shape
# every multi-host test builds on (broker, servers, clients each in their own namespace).
source "$(dirname "$0")/lib.sh"

make_netns broker_ns hzit-brk
make_netns client_ns hzit-cli
link_netns "$broker_ns" 10.231.0.1/24 "$client_ns" 10.231.0.2/24

export HORIZON_DATA_DIR=$TEST_TMP/data HORIZON_ADMIN_PASSWORD=correct-horse-battery
start_bg "$TEST_TMP/broker.log" ip netns exec "$broker_ns" "$BIN/horizon-broker" serve --hostname 10.231.0.1 --port 8080
wait_until 60 ip netns exec "$client_ns" curl -fsS http://10.231.0.1:8080/health ||
  { cat "$TEST_TMP/broker.log"; fail "broker not reachable from the client namespace"; }
grep -q "password from HORIZON_ADMIN_PASSWORD" "$TEST_TMP/broker.log" || fail "admin password from the environment not used"
# The broker listens on its namespace's address only: nothing on the client's loopback.
ip netns exec "$client_ns" curl -fsS --max-time 2 http://127.0.0.1:8080/health && fail "unexpected listener on the client's loopback"
echo ok
