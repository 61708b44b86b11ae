#!/usr/bin/env bash
# nat.sh - NAT traversal on THIS machine: how long PeerPaths takes to put two nodes on a path
# for each pair of Linux NATs (none, endpoint-independent MASQUERADE, symmetric MASQUERADE
# --random-fully; median of RUNS fresh topologies per cell, until both sides report a path
# and a ping crosses it), and iperf3 TCP over a direct path next to a relayed one (coturn).
# Prints two tables. Not a test: nothing here passes or fails on timing.
#
# Usage:  sudo bench/nat.sh
# Env:    RUNS(10) SECONDS_IPERF(5) BENCH_BIN (default: a release build made here, data plane only)
#         BENCH_LOCK (a file to hold with flock while measuring, so benchmarks never overlap)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${RUNS:-10} SECONDS_IPERF=${SECONDS_IPERF:-5}

die() { echo "nat.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (namespaces, TUN, iptables)"
for tool in iperf3 iptables turnserver ping; do
  command -v "$tool" >/dev/null || die "missing $tool (apt-get install iperf3 iptables coturn iputils-ping)"
done

if [ -z "${BENCH_BIN:-}" ]; then
  echo "building HorizonNATBench (release, data plane only)..." >&2
  (cd "$ROOT" && HORIZON_DATA_PLANE_ONLY=1 swift build -c release --scratch-path .build-rel --product HorizonNATBench >&2)
  BENCH_BIN=$ROOT/.build-rel/release/HorizonNATBench
fi
[ -x "$BENCH_BIN" ] || die "BENCH_BIN=$BENCH_BIN is not executable"

run() { echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"; "$BENCH_BIN" --runs "$RUNS" --seconds "$SECONDS_IPERF"; echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"; }
if [ -n "${BENCH_LOCK:-}" ]; then
  export -f run; export BENCH_BIN RUNS SECONDS_IPERF
  flock "$BENCH_LOCK" bash -c run
else
  run
fi
