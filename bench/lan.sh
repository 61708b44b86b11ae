#!/usr/bin/env bash
# lan.sh - Horizon's L2 network (LAN emulation) next to its L3 tunnel and tinc in switch mode,
# on THIS machine, in one run. Not a test: nothing here passes or fails on timing.
#
# Builds the three-member lab of scripts/lab (namespaces NAME-a/-b/-c on a bridge), then runs
# tinc 1.0 (Debian `tinc`, Mode = switch, DeviceType = tap) between the same three namespaces
# on the same underlay, and measures between A and B:
#   - iperf3 TCP, one stream, A -> B, DURATION s: Horizon L3 (10.232.0.2), Horizon L2 (10.233.0.2), tinc (10.235.0.2)
#   - ping avg / p99 over PINGS pings at 10 ms
#   - broadcast frames/s: A floods UDP broadcasts for BCAST_SECONDS; the frames B's and C's
#     L2 interfaces received per second (Horizon's flood limit, 2000 frames/s per sender by
#     default, caps this by design; tinc has none)
# Prints one table and the machine's load average before and after.
#
# Usage:  sudo bench/lan.sh
# Env:    HZ_BIN (default: a release build made here, data plane only), DURATION(10), PINGS(200),
#         BCAST_SECONDS(5), NAME(hzlanb)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NAME=${NAME:-hzlanb} DURATION=${DURATION:-10} PINGS=${PINGS:-200} BCAST_SECONDS=${BCAST_SECONDS:-5}
TOOLS=$ROOT/tests/integration/lan_tools.py
OUT=$(mktemp -d /tmp/hzlan-bench.XXXXXX)

die() { echo "lan.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (namespaces, TUN/TAP)"
for tool in iperf3 tincd ping python3; do
  command -v "$tool" >/dev/null || die "missing $tool (apt-get install iperf3 tinc iputils-ping python3)"
done

if [ -z "${HZ_BIN:-}" ]; then
  echo "building horizon (release, data plane only)..." >&2
  (cd "$ROOT" && HORIZON_DATA_PLANE_ONLY=1 swift build -c release --scratch-path .build-dp --product horizon >&2)
  HZ_BIN=$ROOT/.build-dp/release/horizon
fi
export HORIZON_BIN_DIR=$(dirname "$HZ_BIN")

tinc_pids=()
cleanup() {
  local pid
  for pid in "${tinc_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${tinc_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  "$ROOT/scripts/lab" down "$NAME" >/dev/null 2>&1 || true
  rm -rf "$OUT"
}
trap cleanup EXIT

on() { local m=$1; shift; ip netns exec "$NAME-$m" "$@"; }
number() { case $1 in a) echo 1 ;; b) echo 2 ;; c) echo 3 ;; esac; }

# tinc_up: tinc 1.0 in switch mode on the lab's underlay, tap "tinc0", 10.235.0.N/24.
tinc_up() {
  local m n other dir
  for m in a b c; do
    n=$(number "$m") dir="$OUT/tinc-$m"
    mkdir -p "$dir/hosts"
    printf 'Name = %s\nMode = switch\nDeviceType = tap\nInterface = tinc0\nAddressFamily = ipv4\n' "$m" >"$dir/tinc.conf"
    for other in a b c; do [ "$other" = "$m" ] || echo "ConnectTo = $other" >>"$dir/tinc.conf"; done
    printf 'Address = 10.231.0.%s\nPort = 655\n' "$n" >"$dir/hosts/$m"
    printf '#!/bin/sh\nip link set "$INTERFACE" address 02:00:00:35:00:0%s mtu 1400 up\nip addr add 10.235.0.%s/24 dev "$INTERFACE"\n' \
      "$n" "$n" >"$dir/tinc-up"
    chmod +x "$dir/tinc-up"
    tincd -c "$dir" -K 2048 </dev/null >/dev/null 2>&1
  done
  for m in a b c; do
    for other in a b c; do [ "$other" = "$m" ] || cp "$OUT/tinc-$other/hosts/$other" "$OUT/tinc-$m/hosts/"; done
  done
  for m in a b c; do
    # Not through on(): a backgrounded function is a subshell, and its pid is not tincd's.
    ip netns exec "$NAME-$m" tincd -c "$OUT/tinc-$m" -D --pidfile="$OUT/tinc-$m.pid" >"$OUT/tinc-$m.log" 2>&1 &
    tinc_pids+=($!)
  done
  for m in b c; do
    for _ in $(seq 100); do on a ping -c 1 -W 1 "10.235.0.$(number $m)" >/dev/null 2>&1 && break; sleep 0.2; done
  done
}

# tcp ADDRESS: Gb/s of one iperf3 stream from A to ADDRESS in B.
tcp() {
  on b iperf3 -s -1 -B "$1" >/dev/null 2>&1 &
  local server=$!
  sleep 0.5
  on a iperf3 -c "$1" -t "$DURATION" -J >"$OUT/iperf.json" 2>/dev/null || { kill $server 2>/dev/null; echo "-"; return; }
  wait $server 2>/dev/null || true
  python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e9))' "$OUT/iperf.json"
}

# pingstats ADDRESS: "avg / p99" ms of PINGS pings from A.
pingstats() {
  on a ping -c 2 -W 2 "$1" >/dev/null 2>&1 || true
  on a ping -c "$PINGS" -i 0.01 -W 1 "$1" 2>/dev/null | python3 -c '
import re, sys
t = sorted(float(m) for m in re.findall(r"time=([0-9.]+)", sys.stdin.read()))
print("%.3f / %.3f" % (sum(t) / len(t), t[min(len(t) - 1, int(len(t) * 0.99))]) if t else "-")'
}

# broadcast IFACE SUBNET_BROADCAST: frames/s B and C received on IFACE while A floods it.
broadcast() {
  local iface=$1 before_b before_c after_b after_c
  before_b=$(on b cat "/sys/class/net/$iface/statistics/rx_packets")
  before_c=$(on c cat "/sys/class/net/$iface/statistics/rx_packets")
  on a python3 "$TOOLS" blast "$iface" "$2" 9 "$BCAST_SECONDS" >"$OUT/blast.txt"
  sleep 0.5
  after_b=$(on b cat "/sys/class/net/$iface/statistics/rx_packets")
  after_c=$(on c cat "/sys/class/net/$iface/statistics/rx_packets")
  echo "$(( (after_b - before_b) / BCAST_SECONDS )) / $(( (after_c - before_c) / BCAST_SECONDS )) (A sent $(( $(cat "$OUT/blast.txt") / BCAST_SECONDS ))/s)"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "lab up..." >&2
"$ROOT/scripts/lab" up "$NAME" >"$OUT/lab.log" 2>&1 || { cat "$OUT/lab.log" >&2; die "scripts/lab up failed"; }
on a ping -c 3 -i 0.2 10.233.0.2 >/dev/null; on a ping -c 3 -i 0.2 10.232.0.2 >/dev/null; on a ping -c 2 10.233.0.3 >/dev/null
echo "tinc up..." >&2
tinc_up

echo "measuring (TCP ${DURATION}s each, $PINGS pings, broadcast ${BCAST_SECONDS}s)..." >&2
l3_tcp=$(tcp 10.232.0.2); l2_tcp=$(tcp 10.233.0.2); tinc_tcp=$(tcp 10.235.0.2)
l3_ping=$(pingstats 10.232.0.2); l2_ping=$(pingstats 10.233.0.2); tinc_ping=$(pingstats 10.235.0.2)
l2_bcast=$(broadcast lan0 10.233.0.255); tinc_bcast=$(broadcast tinc0 10.235.0.255)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

cat <<EOT

| path (A -> B) | TCP 1 stream Gb/s | ping avg / p99 ms | broadcast frames/s received by B / C |
|---|---|---|---|
| Horizon L3 (TUN) | $l3_tcp | $l3_ping | - |
| Horizon L2 (TAP, lan0) | $l2_tcp | $l2_ping | $l2_bcast |
| tinc 1.0 switch mode | $tinc_tcp | $tinc_ping | $tinc_bcast |

EOT
python3 - "$l2_tcp" "$l3_tcp" "$tinc_tcp" <<'PY'
import sys
l2, l3, tinc = (float(x) if x not in ("-", "") else None for x in sys.argv[1:])
if l2 and l3: print("L2 / L3: %.0f %% (target >= 80 %%)" % (100 * l2 / l3))
if l2 and tinc: print("L2 / tinc switch: %.1fx (target >= 3x)" % (l2 / tinc))
PY
echo "load average (1/5/15 min): before $load_before, after $load_after; $(nproc) CPUs"
