// ChaCha20 block function with AVX-512. Runs of 13 or more blocks: sixteen blocks at a time,
// one per 32-bit lane (pass16). The rest: one 512-bit register holds the same row of four
// consecutive blocks (one block per 128-bit lane), so a double round is the RFC's column
// and diagonal quarter rounds on four registers, with lane-internal word rotations between
// them. Up to three such groups run interleaved, because one group alone is bound by the
// latency of its dependent add/xor/rotate chain, not by throughput.
#include "hz_chacha20.h"

#include <immintrin.h>
#include <string.h>

#define HZ_AVX512 __attribute__((target("avx512f")))

int hz_chacha20_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") ? 1 : 0;
}

#define QUARTER(a, b, c, d)                                   \
    do {                                                      \
        a = _mm512_add_epi32(a, b); d = _mm512_xor_si512(d, a); d = _mm512_rol_epi32(d, 16); \
        c = _mm512_add_epi32(c, d); b = _mm512_xor_si512(b, c); b = _mm512_rol_epi32(b, 12); \
        a = _mm512_add_epi32(a, b); d = _mm512_xor_si512(d, a); d = _mm512_rol_epi32(d, 8);  \
        c = _mm512_add_epi32(c, d); b = _mm512_xor_si512(b, c); b = _mm512_rol_epi32(b, 7);  \
    } while (0)

// Lane j of rows a..d is block j: regroup the four 16-byte rows of each block together.
// Block j goes to out + j * stride.
static inline HZ_AVX512 void store_group(uint8_t *out, size_t stride, __m512i a, __m512i b, __m512i c, __m512i d) {
    __m512i t0 = _mm512_shuffle_i32x4(a, b, 0x44);  // a0 a1 b0 b1
    __m512i t1 = _mm512_shuffle_i32x4(c, d, 0x44);  // c0 c1 d0 d1
    __m512i t2 = _mm512_shuffle_i32x4(a, b, 0xee);  // a2 a3 b2 b3
    __m512i t3 = _mm512_shuffle_i32x4(c, d, 0xee);  // c2 c3 d2 d3
    _mm512_storeu_si512(out, _mm512_shuffle_i32x4(t0, t1, 0x88));
    _mm512_storeu_si512(out + stride, _mm512_shuffle_i32x4(t0, t1, 0xdd));
    _mm512_storeu_si512(out + 2 * stride, _mm512_shuffle_i32x4(t2, t3, 0x88));
    _mm512_storeu_si512(out + 3 * stride, _mm512_shuffle_i32x4(t2, t3, 0xdd));
}

// Sixteen blocks at once, one block per 32-bit lane: register i holds word i of every block,
// so a double round is eight independent quarter rounds with no shuffles between them. The
// final transpose costs less than the shuffles the row layout does every round, so runs of
// 13 or more blocks go this way (a 1420-byte packet needs 24).
static HZ_AVX512 void pass16(const uint32_t key[8], const uint32_t nonce[3], uint32_t counter, uint8_t *out) {
    const uint32_t input[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, key[0], key[1], key[2], key[3],
                                key[4], key[5], key[6], key[7], counter, nonce[0], nonce[1], nonce[2]};
    __m512i s[16], x[16];
    for (int i = 0; i < 16; i++) s[i] = _mm512_set1_epi32((int)input[i]);
    s[12] = _mm512_add_epi32(s[12], _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));
    for (int i = 0; i < 16; i++) x[i] = s[i];
    for (int round = 0; round < 10; round++) {
        QUARTER(x[0], x[4], x[8], x[12]);
        QUARTER(x[1], x[5], x[9], x[13]);
        QUARTER(x[2], x[6], x[10], x[14]);
        QUARTER(x[3], x[7], x[11], x[15]);
        QUARTER(x[0], x[5], x[10], x[15]);
        QUARTER(x[1], x[6], x[11], x[12]);
        QUARTER(x[2], x[7], x[8], x[13]);
        QUARTER(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++) x[i] = _mm512_add_epi32(x[i], s[i]);
    // Transpose per quarter of the words: afterwards row r of quarter q holds, in 128-bit
    // lane k, words 4q..4q+3 of block 4k + r.
    __m512i rows[4][4];
    for (int q = 0; q < 4; q++) {
        __m512i t0 = _mm512_unpacklo_epi32(x[4 * q], x[4 * q + 1]);
        __m512i t1 = _mm512_unpackhi_epi32(x[4 * q], x[4 * q + 1]);
        __m512i t2 = _mm512_unpacklo_epi32(x[4 * q + 2], x[4 * q + 3]);
        __m512i t3 = _mm512_unpackhi_epi32(x[4 * q + 2], x[4 * q + 3]);
        rows[q][0] = _mm512_unpacklo_epi64(t0, t2);
        rows[q][1] = _mm512_unpackhi_epi64(t0, t2);
        rows[q][2] = _mm512_unpacklo_epi64(t1, t3);
        rows[q][3] = _mm512_unpackhi_epi64(t1, t3);
    }
    // Blocks r, 4 + r, 8 + r, 12 + r are the lanes of row r across the four quarters.
    for (int r = 0; r < 4; r++) store_group(out + 64 * r, 256, rows[0][r], rows[1][r], rows[2][r], rows[3][r]);
}

// `groups` (1-3, a constant at each call) groups of four blocks from the counter in `d0`.
static inline __attribute__((always_inline)) HZ_AVX512 void pass(int groups, __m512i a0, __m512i b0, __m512i c0,
                                                                 __m512i d0, uint8_t *out) {
    const __m512i step = _mm512_set_epi32(0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 4);
    __m512i a[3], b[3], c[3], d[3], start[3];
    for (int g = 0; g < groups; g++) {
        start[g] = g == 0 ? d0 : _mm512_add_epi32(start[g - 1], step);
        a[g] = a0; b[g] = b0; c[g] = c0; d[g] = start[g];
    }
    for (int round = 0; round < 10; round++) {
        for (int g = 0; g < groups; g++) QUARTER(a[g], b[g], c[g], d[g]);
        for (int g = 0; g < groups; g++) {
            b[g] = _mm512_shuffle_epi32(b[g], 0x39);
            c[g] = _mm512_shuffle_epi32(c[g], 0x4e);
            d[g] = _mm512_shuffle_epi32(d[g], 0x93);
        }
        for (int g = 0; g < groups; g++) QUARTER(a[g], b[g], c[g], d[g]);
        for (int g = 0; g < groups; g++) {
            b[g] = _mm512_shuffle_epi32(b[g], 0x93);
            c[g] = _mm512_shuffle_epi32(c[g], 0x4e);
            d[g] = _mm512_shuffle_epi32(d[g], 0x39);
        }
    }
    for (int g = 0; g < groups; g++) {
        store_group(out + 256 * g, 64, _mm512_add_epi32(a[g], a0), _mm512_add_epi32(b[g], b0),
                    _mm512_add_epi32(c[g], c0), _mm512_add_epi32(d[g], start[g]));
    }
}

HZ_AVX512 void hz_chacha20_blocks(const uint32_t key[8], const uint32_t nonce[3], uint32_t counter,
                                  size_t blocks, uint8_t *out) {
    // "expand 32-byte k"
    const __m512i a0 = _mm512_set4_epi32(0x6b206574, 0x79622d32, 0x3320646e, 0x61707865);
    __m512i b0 = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)key));
    __m512i c0 = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(key + 4)));
    __m512i d = _mm512_add_epi32(
        _mm512_set4_epi32((int)nonce[2], (int)nonce[1], (int)nonce[0], (int)counter),
        _mm512_set_epi32(0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0));
    const __m512i next = _mm512_set_epi32(0, 0, 0, 12, 0, 0, 0, 12, 0, 0, 0, 12, 0, 0, 0, 12);
    const __m512i sixteen = _mm512_set_epi32(0, 0, 0, 16, 0, 0, 0, 16, 0, 0, 0, 16, 0, 0, 0, 16);
    while (blocks > 12) {
        pass16(key, nonce, counter, out);
        counter += 16;
        d = _mm512_add_epi32(d, sixteen);
        out += 16 * 64;
        blocks = blocks > 16 ? blocks - 16 : 0;
    }
    size_t groups = (blocks + 3) / 4;
    while (groups >= 3) {
        pass(3, a0, b0, c0, d, out);
        d = _mm512_add_epi32(d, next);
        out += 3 * 256;
        groups -= 3;
    }
    if (groups == 2) pass(2, a0, b0, c0, d, out);
    if (groups == 1) pass(1, a0, b0, c0, d, out);
}

HZ_AVX512 void hz_xor_bytes(uint8_t *dst, const uint8_t *src, size_t n) {
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        __m512i x = _mm512_xor_si512(_mm512_loadu_si512(dst + i), _mm512_loadu_si512(src + i));
        _mm512_storeu_si512(dst + i, x);
    }
    for (; i + 8 <= n; i += 8) {
        uint64_t x, y;
        memcpy(&x, dst + i, 8);
        memcpy(&y, src + i, 8);
        x ^= y;
        memcpy(dst + i, &x, 8);
    }
    for (; i < n; i++) dst[i] ^= src[i];
}
