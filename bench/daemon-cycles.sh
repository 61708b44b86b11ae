#!/usr/bin/env bash
# daemon-cycles.sh - CPU cycles (and instructions, where the CPU exposes counters) per byte of
# the two Horizon tunnel processes for a fixed TCP transfer (iperf3 -n), counted with
# `perf stat` on their PIDs only. Without hardware counters (most VMs) cycles are the
# processes' CPU time (task-clock) times the clock rate /proc/cpuinfo reports, as peers.sh does.
#
# Wall-clock throughput swings with whatever else runs on the machine; the work the tunnel
# processes do per byte hardly does, so this is the number to compare two builds by.
# Optionally records a call-graph profile of both processes during the transfer.
# Not a test: nothing here passes or fails on the numbers.
#
# Usage:  sudo HZ_BIN=.build-dp-release/release/horizon bench/daemon-cycles.sh
# Env:    HZ_BIN (required)  BYTES (2G)  ROUNDS (1)  PROFILE (empty; a file name records perf.data there)
#         NS_PREFIX (hzp-cyc) namespaces NS_PREFIX-a / -b and veth NS_PREFIX-va / -vb, made and removed here
set -euo pipefail

: "${HZ_BIN:?set HZ_BIN to the horizon executable to measure}"
BYTES=${BYTES:-2G} ROUNDS=${ROUNDS:-1} PROFILE=${PROFILE:-} NS_PREFIX=${NS_PREFIX:-hzp-cyc}
A=$NS_PREFIX-a B=$NS_PREFIX-b
[ "$(id -u)" = 0 ] || { echo "daemon-cycles.sh: run as root (namespaces, TUN, perf)" >&2; exit 1; }
for tool in perf iperf3 wg ping; do command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }; done

work=$(mktemp -d /tmp/hzp-cycles.XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  ip netns del "$A" 2>/dev/null || true
  ip netns del "$B" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

ip netns add "$A"; ip netns add "$B"
ip link add "$NS_PREFIX-va" netns "$A" type veth peer name "$NS_PREFIX-vb" netns "$B"
ip -n "$A" addr add 10.251.0.1/24 dev "$NS_PREFIX-va"; ip -n "$A" link set "$NS_PREFIX-va" up
ip -n "$B" addr add 10.251.0.2/24 dev "$NS_PREFIX-vb"; ip -n "$B" link set "$NS_PREFIX-vb" up
ip -n "$A" link set lo up; ip -n "$B" link set lo up

ka=$(wg genkey); kb=$(wg genkey)
printf '[Interface]\nPrivateKey = %s\nAddress = 10.251.1.1/24\nListenPort = 51820\n\n[Peer]\nPublicKey = %s\nEndpoint = 10.251.0.2:51820\nAllowedIPs = 10.251.1.2/32\n' \
  "$ka" "$(wg pubkey <<<"$kb")" >"$work/a.conf"
printf '[Interface]\nPrivateKey = %s\nAddress = 10.251.1.2/24\nListenPort = 51820\n\n[Peer]\nPublicKey = %s\nEndpoint = 10.251.0.1:51820\nAllowedIPs = 10.251.1.1/32\n' \
  "$kb" "$(wg pubkey <<<"$ka")" >"$work/b.conf"
chmod 600 "$work"/*.conf
ip netns exec "$A" "$HZ_BIN" tunnel --config "$work/a.conf" --interface "$NS_PREFIX-a" >"$work/a.log" 2>&1 &
pa=$!; pids+=("$pa")
ip netns exec "$B" "$HZ_BIN" tunnel --config "$work/b.conf" --interface "$NS_PREFIX-b" >"$work/b.log" 2>&1 &
pb=$!; pids+=("$pb")
for i in $(seq 1 60); do ip netns exec "$A" ping -c1 -W1 10.251.1.2 >/dev/null 2>&1 && break; sleep 0.3; done
ip netns exec "$A" ping -c1 -W1 10.251.1.2 >/dev/null || { cat "$work"/*.log; echo "no connectivity" >&2; exit 1; }

for round in $(seq 1 "$ROUNDS"); do
  ip netns exec "$B" iperf3 -s -1 -p 5299 >/dev/null 2>&1 &
  srv=$!; pids+=("$srv")
  sleep 0.5
  if [ -n "$PROFILE" ]; then
    perf record -q -g -o "$PROFILE" -p "$pa,$pb" 2>/dev/null &
  else
    perf stat -x, -e task-clock,cycles,instructions -p "$pa,$pb" -o "$work/stat.csv" &
  fi
  perfpid=$!
  start=$(date +%s.%N)
  ip netns exec "$A" timeout 300 iperf3 -c 10.251.1.2 -p 5299 -n "$BYTES" -J >"$work/iperf.json"
  end=$(date +%s.%N)
  kill -INT "$perfpid"; wait "$perfpid" 2>/dev/null || true
  wait "$srv" 2>/dev/null || true
  python3 - "$work/iperf.json" "$work/stat.csv" "$start" "$end" "$PROFILE" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
received = j["end"]["sum_received"]["bytes"]
gbps = j["end"]["sum_received"]["bits_per_second"] / 1e9
line = "bytes %d  %.2f Gb/s (wall, load-dependent)" % (received, gbps)
if not sys.argv[5]:
    counts = {}
    for l in open(sys.argv[2]):
        f = l.strip().split(",")
        if len(f) > 2 and f[0].replace(".", "").isdigit():
            counts[f[2].split(":")[0]] = float(f[0])
    if "instructions" in counts:
        line += "  daemons: cycles/B %.2f  instructions/B %.2f  IPC %.2f" % (
            counts["cycles"] / received, counts["instructions"] / received, counts["instructions"] / counts["cycles"])
    else:
        mhz = max(float(l.split(":")[1]) for l in open("/proc/cpuinfo") if l.startswith("cpu MHz"))
        ms = counts["task-clock"]
        line += "  daemons: CPU %.0f ms, ns/B %.3f, cycles/B %.2f at %.0f MHz (no hardware counters)" % (
            ms, ms * 1e6 / received, ms * 1e-3 * mhz * 1e6 / received, mhz)
print(line)
PY
done
[ -z "$PROFILE" ] || echo "profile: $PROFILE (perf report -i $PROFILE --no-children)"
