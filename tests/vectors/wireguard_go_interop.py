#!/usr/bin/env python3
"""Checks the handshake vectors against a real wireguard-go (root only; skips otherwise).

The Swift handshake produces exactly the bytes of wireguard_handshake.py (the known-answer
test checks that), so if wireguard-go accepts those bytes, the Swift handshake is wire-
compatible. This script, inside a network namespace it creates and always removes:
  1. runs wireguard-go as the responder with the vector's keys and preshared key,
  2. sends it the vector's second initiation (the one with mac2) over loopback,
  3. checks its response (mac1, the sealed empty payload) and derives the transport keys,
  4. sends an ICMP echo request sealed with those keys and opens the echo reply
     wireguard-go seals back, proving both transport directions.

Run: sudo python3 tests/vectors/wireguard_go_interop.py
"""
import base64
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wireguard_handshake as ref  # noqa: E402

NETNS = "hzc-interop"
IFACE = "hzcwg0"
PORT = 51820
RESPONDER_ADDRESS, INITIATOR_ADDRESS = "10.99.0.1", "10.99.0.2"   # exist only inside NETNS


def run(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


def b64(raw):
    return base64.b64encode(raw).decode()


def checksum(data):
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def icmp_echo_request(source, destination, ident, payload):
    icmp = struct.pack("!BBHHH", 8, 0, 0, ident, 1) + payload
    icmp = icmp[:2] + struct.pack("!H", checksum(icmp)) + icmp[4:]
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 0, 0, 64, 1, 0,
                         socket.inet_aton(source), socket.inet_aton(destination))
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + icmp


def exchange():
    """Runs inside the namespace: the initiator side, driven by the reference functions."""
    values = ref.scenario()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(3)
    responder = ("127.0.0.1", PORT)

    sock.sendto(values["initiation2"], responder)
    answer, _ = sock.recvfrom(2048)
    assert len(answer) == 92 and answer[0] == 2, f"expected a handshake response, got {answer.hex()}"
    sender, receiver = struct.unpack("<II", answer[4:12])
    assert receiver == ref.index_2, "response is not addressed to our initiation"
    assert answer[60:76] == ref.MAC(ref.HASH(ref.LABEL_MAC1, ref.Si_pub), answer[:60]), "bad mac1 from wireguard-go"

    # Finish the handshake as the initiator (paper 5.4.3), from the state after initiation 2.
    _, C, H = ref.initiation(ref.ephemeral_2, ref.index_2, ref.timestamp_2, None)
    Er_pub = answer[12:44]
    (C,) = ref.KDF(1, C, Er_pub)
    H = ref.HASH(H, Er_pub)
    (C,) = ref.KDF(1, C, ref.DH(ref.ephemeral_2, Er_pub))
    (C,) = ref.KDF(1, C, ref.DH(ref.initiator_static, Er_pub))
    C, tau, k = ref.KDF(3, C, ref.psk)
    H = ref.HASH(H, tau)
    ref.ChaCha20Poly1305(k).decrypt(b"\x00" * 12, answer[44:60], H)   # raises if it does not verify
    send_key, receive_key = ref.KDF(2, C, b"")

    packet = icmp_echo_request(INITIATOR_ADDRESS, RESPONDER_ADDRESS, 0x4857, b"horizon interop!")
    packet += b"\x00" * (-len(packet) % 16)   # WireGuard pads plaintext to 16 bytes
    sealed = ref.ChaCha20Poly1305(send_key).encrypt(b"\x00" * 4 + struct.pack("<Q", 0), packet, b"")
    sock.sendto(struct.pack("<IIQ", 4, sender, 0) + sealed, responder)

    for _ in range(5):   # skip keepalives; bounded by count and the socket timeout
        data, _ = sock.recvfrom(2048)
        kind, to_us, counter = struct.unpack("<IIQ", data[:16])
        assert kind == 4 and to_us == ref.index_2, f"unexpected message {data[:16].hex()}"
        plain = ref.ChaCha20Poly1305(receive_key).decrypt(b"\x00" * 4 + struct.pack("<Q", counter), data[16:], b"")
        if plain:
            assert plain[20] == 0 and plain[24:26] == b"\x48\x57", f"not our echo reply: {plain.hex()}"
            print("wireguard-go interop: initiation accepted, response verified, echo reply decrypted")
            return
    raise AssertionError("no echo reply from wireguard-go")


def main():
    if os.geteuid() != 0 or not shutil.which("wireguard-go") or not shutil.which("wg"):
        print("skipped: needs root, wireguard-go and wg")
        return
    values = ref.scenario()
    responder_private = values["responderStaticPrivate"]
    daemon = None
    with tempfile.TemporaryDirectory() as scratch:
        key_file, psk_file = os.path.join(scratch, "key"), os.path.join(scratch, "psk")
        for path, raw in ((key_file, responder_private), (psk_file, ref.psk)):
            with open(path, "w") as f:
                f.write(b64(raw))
        try:
            run("ip", "netns", "add", NETNS)
            run("ip", "-n", NETNS, "link", "set", "lo", "up")
            env = dict(os.environ, WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD="1")
            daemon = subprocess.Popen(["ip", "netns", "exec", NETNS, "wireguard-go", "-f", IFACE], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(50):   # wait up to 5 s for the interface
                if subprocess.run(["ip", "-n", NETNS, "link", "show", IFACE], capture_output=True).returncode == 0:
                    break
                time.sleep(0.1)
            run("ip", "netns", "exec", NETNS, "wg", "set", IFACE, "private-key", key_file, "listen-port", str(PORT),
                "peer", b64(ref.Si_pub), "preshared-key", psk_file, "allowed-ips", f"{INITIATOR_ADDRESS}/32")
            run("ip", "-n", NETNS, "address", "add", f"{RESPONDER_ADDRESS}/24", "dev", IFACE)
            run("ip", "-n", NETNS, "link", "set", IFACE, "up")
            result = subprocess.run(["ip", "netns", "exec", NETNS, sys.executable, os.path.abspath(__file__), "--exchange"],
                                    capture_output=True, text=True, timeout=30)
            sys.stdout.write(result.stdout)
            sys.stderr.write(result.stderr)
            if result.returncode != 0:
                sys.exit(result.returncode)
        finally:
            if daemon is not None:
                daemon.terminate()
                try:
                    daemon.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    daemon.kill()
            subprocess.run(["ip", "netns", "delete", NETNS], capture_output=True)
            sock = f"/var/run/wireguard/{IFACE}.sock"
            if os.path.exists(sock):
                os.unlink(sock)


if __name__ == "__main__":
    exchange() if "--exchange" in sys.argv else main()
