#!/usr/bin/env bash
# tunnel.sh - Horizon's tunnel against raw veth and wireguard-go on THIS machine, one run.
#
# Wraps the shared peers.sh (../shared/bench/peers.sh beside the checkout), which builds two
# namespaces joined by a veth and measures, per system: iperf3 TCP 1 and 4 streams, ping
# avg/p99, CPU cycles per byte. This script adds what peers.sh lacks, the daemons' resident
# memory: sampled every 0.2 s from /proc while peers.sh runs, "idle" being the last sample
# before iperf3 starts (tunnel up, after the pings) and "load" the peak while iperf3 runs.
# Prints one table. Not a test: nothing here passes or fails on timing.
#
# Usage:  sudo bench/tunnel.sh
# Env:    HZ_BIN      `horizon` to measure, with horizon-tunnel beside it (default: a release
#                     build of both made here, data plane only)
#         PEERS_SH    path of peers.sh (default: ../shared/bench/peers.sh beside the checkout)
#         DURATION(10) PINGS(100) OUTDIR (default: a fresh directory under /tmp)
#         NS_A/NS_B   namespaces peers.sh creates (default hztnb-a / hztnb-b)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PEERS_SH=${PEERS_SH:-$ROOT/../shared/bench/peers.sh}
export NS_A=${NS_A:-hztnb-a} NS_B=${NS_B:-hztnb-b}
export DURATION=${DURATION:-10} PINGS=${PINGS:-100} ROUNDS=1 SYSTEMS="raw wireguard-go horizon"
export OUTDIR=${OUTDIR:-$(mktemp -d /tmp/hztn-bench.XXXXXX)}
mkdir -p "$OUTDIR"

die() { echo "tunnel.sh: $*" >&2; exit 1; }
[ -f "$PEERS_SH" ] || die "peers.sh not found at $PEERS_SH — it ships in ../shared/bench/ beside the checkout; set PEERS_SH=/path/to/peers.sh"
[ "$(id -u)" = 0 ] || die "run as root (namespaces, TUN)"
for tool in iperf3 wireguard-go wg ping python3 ethtool; do
  command -v "$tool" >/dev/null || die "missing $tool (apt-get install iperf3 wireguard-go wireguard-tools iputils-ping python3 ethtool)"
done

if [ -z "${HZ_BIN:-}" ]; then
  echo "building horizon and horizon-tunnel (release, data plane only)..." >&2
  for product in horizon horizon-tunnel; do
    (cd "$ROOT" && HORIZON_DATA_PLANE_ONLY=1 swift build -c release --scratch-path .build-dp --product $product >&2)
  done
  HZ_BIN=$ROOT/.build-dp/release/horizon
fi
[ -x "$HZ_BIN" ] || die "HZ_BIN=$HZ_BIN is not executable"
# `horizon tunnel` execs horizon-tunnel from its own directory (same PID, comm horizon-tunnel).
[ -x "$(dirname "$HZ_BIN")/horizon-tunnel" ] || die "horizon-tunnel is missing beside $HZ_BIN"
export HZ_BIN

# sample_rss PEERS_PID FILE: "comm namespace rss_kib phase" lines until peers.sh ends.
sample_rss() {
  local peers=$1 out=$2 ns side pid comm rss phase i
  for ((i = 0; i < 36000; i++)); do   # 2 hours at most
    kill -0 "$peers" 2>/dev/null || return 0
    phase=idle
    for ns in "$NS_A" "$NS_B"; do
      for pid in $(ip netns pids "$ns" 2>/dev/null); do
        [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = iperf3 ] && phase=load
      done
    done
    for ns in "$NS_A" "$NS_B"; do
      side=a; [ "$ns" = "$NS_B" ] && side=b
      for pid in $(ip netns pids "$ns" 2>/dev/null); do
        comm=$(cat "/proc/$pid/comm" 2>/dev/null) || continue
        case $comm in wireguard-go) ;; horizon|horizon-tunnel) comm=horizon ;; *) continue ;; esac
        rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || continue
        [ -n "$rss" ] && echo "$comm $side $rss $phase $pid"
      done
    done >>"$out"
    sleep 0.2
  done
}

"$PEERS_SH" >"$OUTDIR/peers.log" 2>&1 &
peers=$!
trap 'kill -TERM $peers 2>/dev/null; wait $peers 2>/dev/null' INT TERM
echo "peers.sh running (pid $peers, ~$((3 * (2 * DURATION + 10))) s); log: $OUTDIR/peers.log" >&2
sample_rss "$peers" "$OUTDIR/rss.txt"
status=0; wait "$peers" || status=$?
[ "$status" = 0 ] || { tail -n 20 "$OUTDIR/peers.log" >&2; die "peers.sh failed (exit $status); see $OUTDIR"; }

python3 - "$OUTDIR" <<'PY'
import json, sys
out = sys.argv[1]
rows = [json.loads(l) for l in open(f"{out}/results.jsonl")]
daemon = {"wireguard-go": "wireguard-go", "horizon": "horizon"}
rss = {}   # (comm, side, pid) -> {"idle": last idle before load, "load": peak under load}
for line in open(f"{out}/rss.txt"):
    comm, side, kib, phase, pid = line.split()
    entry = rss.setdefault((comm, side, pid), {"idle": None, "load": None, "loaded": False})
    kib = int(kib) / 1024
    if phase == "load":
        entry["loaded"] = True
        entry["load"] = max(entry["load"] or 0, kib)
    elif not entry["loaded"]:
        entry["idle"] = kib

def memory(system, key):
    comm = daemon.get(system)
    if not comm:
        return "-"
    sides = []
    for side in ("a", "b"):
        values = [e[key] for (c, s, _), e in rss.items() if c == comm and s == side and e[key] is not None]
        sides.append("%.1f" % max(values) if values else "?")
    return " / ".join(sides)

def f(x, nd=2):
    return "-" if x is None else "%.*f" % (nd, x)

print()
print("| system | TCP 1 stream Gb/s | TCP 4 streams Gb/s | ping avg / p99 ms | cycles/B box / daemons | daemon CPU % (1 stream) | RSS idle MiB (A / B) | RSS load MiB (A / B) | notes |")
print("|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print("| %s | %s | %s | %s / %s | %s / %s | %s | %s | %s | %s |" % (
        r["system"], f(r.get("ss_gbps")), f(r.get("mp_gbps")), f(r.get("ping_avg"), 3), f(r.get("ping_p99"), 3),
        f(r.get("cpb_box"), 1), f(r.get("cpb_daemon"), 1), f(r.get("daemon_cpu_pct"), 0),
        memory(r["system"], "idle"), memory(r["system"], "load"), r.get("err") or r.get("version", "")))
PY
echo "details: $OUTDIR (peers.sh table: $OUTDIR/table.md)" >&2
