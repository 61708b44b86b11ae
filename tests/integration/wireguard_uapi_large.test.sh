# needs: root
# 200,000 allowed IPs through the UAPI with the real `wg`: wg setconf streams them in,
# wg show and wg showconf read every one back, wg addconf adds a peer afterwards.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/tunnel_lib.sh"

make_netns a hztn-a
iface=hztn$$u
keypair A; keypair B; keypair C
ip netns exec "$a" "$BIN/horizon-wg" "$iface" || fail "horizon-wg did not start"
daemon=$(pgrep -f -- "--foreground $iface\$") || fail "no daemon"
_pids+=("$daemon")

count=200000
python3 - "$TEST_TMP/big.conf" "$A_key" "$B_pub" "$count" <<'PY'
import sys
path, key, peer, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with open(path, "w") as f:
    f.write(f"[Interface]\nPrivateKey = {key}\nListenPort = 51820\n\n[Peer]\nPublicKey = {peer}\n")
    for i in range(count):
        f.write(f"AllowedIPs = 10.{i >> 16}.{(i >> 8) & 255}.{i & 255}/32\n")
PY

start=$(date +%s%N)
ip netns exec "$a" timeout 120 wg setconf "$iface" "$TEST_TMP/big.conf" || fail "wg setconf failed"
mid=$(date +%s%N)
shown=$(ip netns exec "$a" timeout 120 wg show "$iface" allowed-ips | tr ' \t' '\n\n' | grep -c '/32$')
end=$(date +%s%N)
[ "$shown" = "$count" ] || fail "wg show lists $shown allowed IPs, not $count"
note "wg setconf: $(( (mid - start) / 1000000 )) ms, wg show: $(( (end - mid) / 1000000 )) ms for $count allowed IPs"
ip netns exec "$a" wg showconf "$iface" | contains "10.3.13.63/32" || fail "wg showconf lacks the last allowed IP"

ip netns exec "$a" wg addconf "$iface" <(printf '[Peer]\nPublicKey = %s\nAllowedIPs = 10.200.0.0/16\n' "$C_pub") || fail "wg addconf failed"
[ "$(ip netns exec "$a" wg show "$iface" peers | wc -l)" = 2 ] || fail "the added peer is missing"
ip netns exec "$a" wg show "$iface" allowed-ips | grep "$C_pub" | contains "10.200.0.0/16" || fail "the added peer's allowed IP is missing"
echo ok
