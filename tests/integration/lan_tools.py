#!/usr/bin/env python3
"""Small UDP tools for the lan_* integration tests, each bounded in time and count.

  recv IFACE PORT SECONDS [GROUP]     count datagrams arriving on IFACE (joining GROUP if given);
                                      prints one line per datagram, its payload
  send IFACE DEST PORT PAYLOAD...     one datagram per PAYLOAD to DEST (broadcast or multicast) out of IFACE
  blast IFACE DEST PORT SECONDS       as many broadcast datagrams as possible for SECONDS; prints the count
  mdns-respond IFACE NAME ADDRESS SECONDS   answer mDNS A queries for NAME (e.g. b.local) with ADDRESS
  mdns-query IFACE NAME TIMEOUT       ask for NAME's A record over mDNS; prints the address
  mdns-service IFACE INSTANCE TYPE HOST PORT SECONDS
                                      announce a DNS-SD service (e.g. "Office Printer" _ipp._tcp printer 631)
                                      once, then answer browse and type queries for it
"""
import socket
import struct
import sys
import time

MDNS_GROUP, MDNS_PORT = "224.0.0.251", 5353


def address_of(iface):
    """The IPv4 address of IFACE, from `ip -4 -o addr show`."""
    import subprocess
    out = subprocess.run(["ip", "-4", "-o", "addr", "show", "dev", iface], capture_output=True, text=True, check=True).stdout
    return out.split()[3].split("/")[0]


def udp_socket(iface, port=0, group=None):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, iface.encode())
    local = address_of(iface)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(local))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    if group:
        membership = socket.inet_aton(group) + socket.inet_aton(local)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
    sock.bind(("", port))
    return sock


def recv(iface, port, seconds, group=None):
    sock = udp_socket(iface, int(port), group)
    deadline = time.monotonic() + float(seconds)
    print("ready", flush=True)
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            data, _ = sock.recvfrom(2048)
        except socket.timeout:
            break
        print(data.decode(errors="replace"), flush=True)


def send(iface, dest, port, *payloads):
    sock = udp_socket(iface)
    for payload in payloads:
        sock.sendto(payload.encode(), (dest, int(port)))


def blast(iface, dest, port, seconds):
    sock = udp_socket(iface)
    sock.setblocking(False)
    deadline, sent, payload = time.monotonic() + float(seconds), 0, b"storm" * 20
    while time.monotonic() < deadline:
        for _ in range(100):
            try:
                sock.sendto(payload, (dest, int(port)))
                sent += 1
            except BlockingIOError:
                time.sleep(0.0005)
    print(sent)


def encode_name(name):
    return b"".join(bytes([len(label)]) + label.encode() for label in name.rstrip(".").split(".")) + b"\0"


def read_name(message, offset):
    """A DNS name at offset (with compression); returns (name, offset after it)."""
    labels, end = [], None
    for _ in range(64):
        length = message[offset]
        if length & 0xC0 == 0xC0:
            end = end or offset + 2
            offset = (length & 0x3F) << 8 | message[offset + 1]
            continue
        if length == 0:
            return ".".join(labels), end or offset + 1
        labels.append(message[offset + 1:offset + 1 + length].decode())
        offset += 1 + length
    raise ValueError("name too long")


def serve_queries(sock, seconds, answer):
    """Calls answer(name, qtype) for each mDNS query's first question until SECONDS pass;
    multicasts what it returns (if anything)."""
    deadline = time.monotonic() + float(seconds)
    print("ready", flush=True)
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            message, _ = sock.recvfrom(9000)
        except socket.timeout:
            break
        _, flags, questions = struct.unpack("!HHH", message[:6])
        if flags & 0x8000 or questions < 1:
            continue                                  # a response, not a query
        asked, offset = read_name(message, 12)
        qtype, _ = struct.unpack("!HH", message[offset:offset + 4])
        reply = answer(asked.lower(), qtype)
        if reply:
            sock.sendto(reply, (MDNS_GROUP, MDNS_PORT))


def mdns_respond(iface, name, address, seconds):
    sock = udp_socket(iface, MDNS_PORT, MDNS_GROUP)
    answer = encode_name(name) + struct.pack("!HHIH", 1, 0x8001, 120, 4) + socket.inet_aton(address)
    reply = struct.pack("!HHHHHH", 0, 0x8400, 0, 1, 0, 0) + answer   # RFC 6762: id 0, authoritative
    serve_queries(sock, seconds, lambda asked, qtype: reply if asked == name.lower() and qtype in (1, 255) else None)


def mdns_service(iface, instance, service_type, host, port, seconds):
    """A DNS-SD responder for one service, as Avahi would announce it (RFC 6763)."""
    sock = udp_socket(iface, MDNS_PORT, MDNS_GROUP)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
    type_name, instance_name, host_name = f"{service_type}.local", f"{instance}.{service_type}.local", f"{host}.local"

    def record(name, rtype, data, ttl=120):
        return encode_name(name) + struct.pack("!HHIH", rtype, 1, ttl, len(data)) + data

    def response(*records):
        return struct.pack("!HHHHHH", 0, 0x8400, 0, len(records), 0, 0) + b"".join(records)

    service = (record(type_name, 12, encode_name(instance_name)),
               record(instance_name, 33, struct.pack("!HHH", 0, 0, int(port)) + encode_name(host_name)),
               record(host_name, 1, socket.inet_aton(address_of(iface))))
    enumeration = record("_services._dns-sd._udp.local", 12, encode_name(type_name))
    sock.sendto(response(*service), (MDNS_GROUP, MDNS_PORT))
    answers = {"_services._dns-sd._udp.local": response(enumeration), type_name.lower(): response(*service)}
    serve_queries(sock, seconds, lambda asked, qtype: answers.get(asked))


def mdns_query(iface, name, timeout):
    sock = udp_socket(iface, MDNS_PORT, MDNS_GROUP)
    query = struct.pack("!HHHHHH", 0, 0, 1, 0, 0, 0) + encode_name(name) + struct.pack("!HH", 1, 1)
    deadline = time.monotonic() + float(timeout)
    next_query = 0
    while (left := deadline - time.monotonic()) > 0:
        if time.monotonic() >= next_query:
            sock.sendto(query, (MDNS_GROUP, MDNS_PORT))
            next_query = time.monotonic() + 1
        sock.settimeout(min(left, 1))
        try:
            message, _ = sock.recvfrom(9000)
        except socket.timeout:
            continue
        _, flags, questions, answers = struct.unpack("!HHHH", message[:8])
        if not flags & 0x8000 or answers < 1:
            continue
        offset = 12
        for _ in range(questions):
            offset = read_name(message, offset)[1] + 4
        answered, offset = read_name(message, offset)
        rtype, _, _, length = struct.unpack("!HHIH", message[offset:offset + 10])
        if answered.lower() == name.lower() and rtype == 1 and length == 4:
            print(socket.inet_ntoa(message[offset + 10:offset + 14]))
            return
    sys.exit(f"no mDNS answer for {name}")


if __name__ == "__main__":
    commands = {"recv": recv, "send": send, "blast": blast, "mdns-respond": mdns_respond, "mdns-query": mdns_query,
                "mdns-service": mdns_service}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](*sys.argv[2:])
