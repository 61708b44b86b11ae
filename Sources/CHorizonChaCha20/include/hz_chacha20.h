#ifndef HZ_CHACHA20_H
#define HZ_CHACHA20_H

#include <stddef.h>
#include <stdint.h>

// ChaCha20 keystream (RFC 8439 section 2.3) in one pass for a whole packet.
//
// Why: OpenSSL's ChaCha20-Poly1305 runs the cipher three times per packet (the Poly1305 key
// block, the whole blocks, the final partial block), and each short run costs as much as a
// fresh 4-block computation. A WireGuard packet needs blocks 0..n in sequence, so one call
// that produces exactly those blocks does the same work with one set-up instead of three.

// Blocks written per group: callers size `out` to a multiple of this.
#define HZ_CHACHA20_GROUP_BLOCKS 4

// 1 when this CPU (and OS) can run hz_chacha20_blocks, else 0.
int hz_chacha20_available(void);

// Writes the keystream blocks counter, counter+1, ... for `key` (8 little-endian words) and
// `nonce` (3 little-endian words) to `out`: `blocks` blocks rounded up to a multiple of
// HZ_CHACHA20_GROUP_BLOCKS, 64 bytes each. Only call when hz_chacha20_available() is 1.
void hz_chacha20_blocks(const uint32_t key[8], const uint32_t nonce[3], uint32_t counter,
                        size_t blocks, uint8_t *out);

// dst[i] ^= src[i] for n bytes. Uses AVX-512 too: only when hz_chacha20_available() is 1.
void hz_xor_bytes(uint8_t *dst, const uint8_t *src, size_t n);

#endif
