# Shared helpers for integration tests. Source it first; it installs a cleanup trap that
# stops every process and removes every namespace the test registered, even on failure.
set -euo pipefail

BIN=${HORIZON_BIN_DIR:?HORIZON_BIN_DIR is not set}
TEST_TMP=$(mktemp -d /tmp/horizon-it.XXXXXX)
_pids=() _netns=() _at_exit=()

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "--- $*"; }

# CMD | contains GREP-ARGS: grep -q that reads all of its input first. A plain `| grep -q`
# exits at the first match, and under pipefail the writer's SIGPIPE then fails the test.
contains() { local text; text=$(cat); grep -q "$@" <<<"$text"; }

# at_exit CMD: runs CMD (evaluated) when the test ends, before its processes and namespaces
# go, keeping the test's exit status.
at_exit() { _at_exit+=("$1"); }

_cleanup() {
  local status=$? pid ns hook
  for hook in "${_at_exit[@]}"; do eval "$hook" || true; done
  for pid in "${_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for ns in "${_netns[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$TEST_TMP"
  exit $status
}
trap _cleanup EXIT

# start_bg LOGFILE CMD...: runs CMD in the background, remembered for cleanup.
start_bg() {
  local logfile=$1; shift
  "$@" >"$logfile" 2>&1 &
  _pids+=($!)
  LAST_PID=$!
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# make_netns VAR PREFIX: a fresh namespace with loopback up, named PREFIX-<pid>, its name in
# VAR. It sets a variable instead of printing, because inside $(...) the registration for
# cleanup would be lost with the subshell.
make_netns() {
  local ns="$2-$$"
  ip netns add "$ns"
  _netns+=("$ns")
  ip -n "$ns" link set lo up
  printf -v "$1" '%s' "$ns"
}

# link_netns NS_A ADDR_A NS_B ADDR_B: a veth pair between two namespaces, addresses in CIDR form.
link_netns() {
  local a=$1 addr_a=$2 b=$3 addr_b=$4 va="hzv$$a" vb="hzv$$b"
  ip link add "$va" netns "$a" type veth peer name "$vb" netns "$b"
  ip -n "$a" addr add "$addr_a" dev "$va"; ip -n "$a" link set "$va" up
  ip -n "$b" addr add "$addr_b" dev "$vb"; ip -n "$b" link set "$vb" up
}

# wait_until SECONDS CMD...: polls CMD every 0.1 s until it succeeds or time runs out.
wait_until() {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}
