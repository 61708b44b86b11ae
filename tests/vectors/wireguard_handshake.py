#!/usr/bin/env python3
"""Independent reference for Horizon's WireGuard handshake known-answer test.

Builds, from fixed keys, indices, timestamps and randomness, the exact bytes of:
  1. a handshake initiation (no cookie yet: mac2 is zero),
  2. the cookie reply a responder under load sends back to it,
  3. the retransmitted initiation, now carrying mac2 from that cookie,
  4. the responder's handshake response to (3),
and the transport keys both sides derive. Written from the WireGuard paper (section 5.4)
with `cryptography` (X25519, ChaCha20Poly1305) and hashlib.blake2s, sharing no code with
the Swift implementation.

Regenerate the Swift test data with:
  python3 tests/vectors/wireguard_handshake.py > Tests/HorizonWireGuardTests/HandshakeVectors.swift
"""
import hashlib
import hmac
import struct

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

CONSTRUCTION = b"Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s"
IDENTIFIER = b"WireGuard v1 zx2c4 Jason@zx2c4.com"
LABEL_MAC1 = b"mac1----"
LABEL_COOKIE = b"cookie--"


def HASH(*parts):
    return hashlib.blake2s(b"".join(parts)).digest()


def MAC(key, *parts):
    return hashlib.blake2s(b"".join(parts), key=key, digest_size=16).digest()


def HMAC(key, *parts):
    return hmac.new(key, b"".join(parts), hashlib.blake2s).digest()


def KDF(n, key, data):
    prk = HMAC(key, data)
    out, previous = [], b""
    for i in range(1, n + 1):
        previous = HMAC(prk, previous, bytes([i]))
        out.append(previous)
    return out


def AEAD(key, counter, plaintext, authtext):
    return ChaCha20Poly1305(key).encrypt(b"\x00" * 4 + struct.pack("<Q", counter), plaintext, authtext)


def rotl32(x, n):
    return ((x << n) | (x >> (32 - n))) & 0xFFFFFFFF


def hchacha20(key, nonce16):
    s = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    s += list(struct.unpack("<8I", key)) + list(struct.unpack("<4I", nonce16))

    def qr(a, b, c, d):
        s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = rotl32(s[d] ^ s[a], 16)
        s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = rotl32(s[b] ^ s[c], 12)
        s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = rotl32(s[d] ^ s[a], 8)
        s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = rotl32(s[b] ^ s[c], 7)

    for _ in range(10):
        qr(0, 4, 8, 12); qr(1, 5, 9, 13); qr(2, 6, 10, 14); qr(3, 7, 11, 15)
        qr(0, 5, 10, 15); qr(1, 6, 11, 12); qr(2, 7, 8, 13); qr(3, 4, 9, 14)
    return struct.pack("<8I", *(s[0:4] + s[12:16]))


def XAEAD(key, nonce24, plaintext, authtext):
    return ChaCha20Poly1305(hchacha20(key, nonce24[:16])).encrypt(b"\x00" * 4 + nonce24[16:], plaintext, authtext)


def DH(private, public):
    return X25519PrivateKey.from_private_bytes(private).exchange(X25519PublicKey.from_public_bytes(public))


def PUBLIC(private):
    return X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()


def TAI64N(unix_seconds, nanoseconds):
    # Label 2^62 + 10 (TAI-UTC at the Unix epoch); nanoseconds lose their low 24 bits.
    return struct.pack(">QI", 0x400000000000000A + unix_seconds, nanoseconds & ~0xFFFFFF)


def fixed(label):
    """A fixed, random-looking 32-byte value named by a label."""
    return hashlib.sha256(b"horizon handshake vector: " + label).digest()


# Fixed inputs.
initiator_static = fixed(b"initiator static")
responder_static = fixed(b"responder static")
ephemeral_1 = fixed(b"initiator ephemeral 1")
ephemeral_2 = fixed(b"initiator ephemeral 2")
responder_ephemeral = fixed(b"responder ephemeral")
psk = fixed(b"preshared key")
index_1, index_2, responder_index = 0x11223344, 0x55667788, 0xA1B2C3D4
timestamp_1 = (1_700_000_000, 123_456_789)
timestamp_2 = (1_700_000_005, 987_654_321)
source = bytes([192, 0, 2, 1]) + struct.pack(">H", 51820)   # 192.0.2.1:51820
cookie_random = fixed(b"cookie secret") + fixed(b"cookie nonce")[:24]   # secret, then nonce

Si_pub, Sr_pub = PUBLIC(initiator_static), PUBLIC(responder_static)


def initiation(ephemeral, sender, timestamp, cookie):
    """Section 5.4.2; returns (message bytes, chaining key, hash)."""
    C = HASH(CONSTRUCTION)
    H = HASH(HASH(C, IDENTIFIER), Sr_pub)
    Ei_pub = PUBLIC(ephemeral)
    (C,) = KDF(1, C, Ei_pub)
    H = HASH(H, Ei_pub)
    C, k = KDF(2, C, DH(ephemeral, Sr_pub))
    enc_static = AEAD(k, 0, Si_pub, H)
    H = HASH(H, enc_static)
    C, k = KDF(2, C, DH(initiator_static, Sr_pub))
    enc_timestamp = AEAD(k, 0, TAI64N(*timestamp), H)
    H = HASH(H, enc_timestamp)
    body = struct.pack("<II", 1, sender) + Ei_pub + enc_static + enc_timestamp
    mac1 = MAC(HASH(LABEL_MAC1, Sr_pub), body)
    mac2 = MAC(cookie, body, mac1) if cookie else bytes(16)
    return body + mac1 + mac2, C, H


def cookie_reply(message):
    """Section 5.4.7: the responder's reply to `message`, sent from `source`."""
    secret, nonce = cookie_random[:32], cookie_random[32:]
    cookie = MAC(secret, source)
    mac1 = message[-32:-16]
    sealed = XAEAD(HASH(LABEL_COOKIE, Sr_pub), nonce, cookie, mac1)
    return struct.pack("<I", 3) + message[4:8] + nonce + sealed, cookie


def response(C, H, initiator_ephemeral_pub, receiver):
    """Section 5.4.3; returns (message bytes, chaining key)."""
    Er_pub = PUBLIC(responder_ephemeral)
    (C,) = KDF(1, C, Er_pub)
    H = HASH(H, Er_pub)
    (C,) = KDF(1, C, DH(responder_ephemeral, initiator_ephemeral_pub))
    (C,) = KDF(1, C, DH(responder_ephemeral, Si_pub))
    C, tau, k = KDF(3, C, psk)
    H = HASH(H, tau)
    enc_nothing = AEAD(k, 0, b"", H)
    body = struct.pack("<III", 2, responder_index, receiver) + Er_pub + enc_nothing
    mac1 = MAC(HASH(LABEL_MAC1, Si_pub), body)
    return body + mac1 + bytes(16), C


def scenario():
    """Runs the whole exchange; returns every value the Swift test data holds."""
    first, _, _ = initiation(ephemeral_1, index_1, timestamp_1, None)
    reply, cookie = cookie_reply(first)
    second, C, H = initiation(ephemeral_2, index_2, timestamp_2, cookie)
    answer, C = response(C, H, PUBLIC(ephemeral_2), index_2)
    initiator_send, initiator_receive = KDF(2, C, b"")   # section 5.4.5
    assert (len(first), len(reply), len(second), len(answer)) == (148, 64, 148, 92)
    return {
        "initiatorStaticPrivate": initiator_static,
        "responderStaticPrivate": responder_static,
        "initiatorEphemeral1": ephemeral_1,
        "initiatorEphemeral2": ephemeral_2,
        "responderEphemeral": responder_ephemeral,
        "presharedKey": psk,
        "source": source,
        "cookieRandomness": cookie_random,
        "initiation1": first,
        "cookieReply": reply,
        "initiation2": second,
        "response": answer,
        "initiatorSendKey": initiator_send,
        "initiatorReceiveKey": initiator_receive,
    }


def print_swift(values):
    print("// Generated by tests/vectors/wireguard_handshake.py (an independent Python reference).")
    print("// Do not edit: change the script and regenerate.")
    print()
    print("/// Known-answer data for `HandshakeKnownAnswerTests` (hex strings).")
    print("enum HandshakeVectors {")
    print(f"    static let initiatorIndex1: UInt32 = 0x{index_1:08X}")
    print(f"    static let initiatorIndex2: UInt32 = 0x{index_2:08X}")
    print(f"    static let responderIndex: UInt32 = 0x{responder_index:08X}")
    print(f"    static let timestamp1 = (unixSeconds: Int64({timestamp_1[0]}), nanoseconds: UInt32({timestamp_1[1]}))")
    print(f"    static let timestamp2 = (unixSeconds: Int64({timestamp_2[0]}), nanoseconds: UInt32({timestamp_2[1]}))")
    for name, value in values.items():
        print(f'    static let {name} = "{value.hex()}"')
    print("}")


if __name__ == "__main__":
    print_swift(scenario())
