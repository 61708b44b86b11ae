# Helpers for the lan_* tests (source after lib.sh): the three-member LAN of scripts/lab in
# namespaces $LAN-a, -b, -c (see scripts/lab for addresses), torn down with the test even on
# failure, and UDP receivers from lan_tools.py.
LAB="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/lab"
TOOLS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lan_tools.py"
LAN="hzlan-$$"
trap 'status=$?; "$LAB" down "$LAN" >/dev/null 2>&1; (exit $status); _cleanup' EXIT

for tool in ping python3 wg; do
  command -v "$tool" >/dev/null || fail "missing $tool (apt-get install iputils-ping python3 wireguard-tools)"
done

lan_up() {
  "$LAB" up "$LAN" >"$TEST_TMP/lab.log" 2>&1 || { cat "$TEST_TMP/lab.log"; fail "scripts/lab up failed"; }
}

# on MEMBER CMD...: runs CMD in the member's namespace (a, b or c).
on() { local m=$1; shift; ip netns exec "$LAN-$m" "$@"; }

# receiver VAR MEMBER IFACE PORT SECONDS [GROUP]: a lan_tools.py receiver in the background;
# VAR gets the file its datagrams go to. Returns once it listens.
receiver() {
  local var=$1 m=$2 out="$TEST_TMP/recv-$2-$3-$4.txt"
  shift 2
  start_bg "$out" ip netns exec "$LAN-$m" python3 "$TOOLS" recv "$@"
  wait_until 10 grep -q '^ready$' "$out" || { cat "$out"; fail "receiver in $m did not start"; }
  printf -v "$var" '%s' "$out"
}

# received FILE: the datagrams a receiver got so far, sorted.
received() { grep -v '^ready$' "$1" | sort || true; }

# settle COUNT FILE...: waits (up to 10 s) until each receiver got COUNT datagrams, then one
# second more, so a duplicate arriving late would be seen too.
settle() {
  local count=$1 file
  shift
  for file in "$@"; do
    wait_until 10 sh -c "[ \$(grep -vc '^ready\$' '$file') -ge $count ]" || true
  done
  sleep 1
}

# stop_member MEMBER: SIGTERM to its horizon tunnel; waits until it exited (its log then ends
# with the LAN counters).
stop_member() {
  local pid
  pid=$(cat "/run/horizon-lab/$LAN/$1.pid")
  kill -TERM "$pid"
  wait_until 10 sh -c "! kill -0 $pid" || fail "horizon tunnel of $1 did not stop"
}

member_log() { cat "/run/horizon-lab/$LAN/$1.log"; }

# pings MEMBER ADDRESS: the first may wait for a handshake; then three must all come back.
lan_pings() {
  on "$1" ping -c 1 -W 5 "$2" >/dev/null || fail "no answer from $2 in $1"
  on "$1" ping -c 3 -i 0.2 -W 2 "$2" >/dev/null || fail "pings from $1 to $2 were lost"
}
