#ifndef HZ_UDP_CONTROL_H
#define HZ_UDP_CONTROL_H

#include <stddef.h>
#include <stdint.h>

enum {
    HZ_SOL_UDP = 17,
    HZ_UDP_SEGMENT = 103,
    HZ_UDP_GRO = 104,
    /// Control-buffer bytes that hold everything we build or ask the kernel for
    /// (one UDP_SEGMENT/UDP_GRO int plus one in6_pktinfo, with CMSG alignment).
    HZ_UDP_CONTROL_SIZE = 96,
};

/// A local address as IP_PKTINFO / IPV6_PKTINFO carry it, in host byte order.
/// `family` is 4, 6, or 0 for "none".
typedef struct hz_local_address {
    int family;
    uint32_t ifindex;
    uint32_t v4;
    uint64_t v6_high;
    uint64_t v6_low;
} hz_local_address;

/// Asks the kernel for the destination address of each datagram (IP_PKTINFO or
/// IPV6_RECVPKTINFO). 0 or -errno.
int hz_udp_enable_pktinfo(int fd, int ipv6);

/// Writes a control message block into `control`: UDP_SEGMENT when `segment_size` > 0,
/// and a pktinfo choosing the source address when `source->family` != 0.
/// Returns the number of bytes used (the msg_controllen to pass), 0 if nothing.
size_t hz_udp_control_build(void *control, size_t capacity, uint16_t segment_size,
                            const hz_local_address *source);

/// Reads a received control block: the GRO segment size (0 when the datagram was not
/// coalesced) and the address the datagram was sent to (family 0 when absent).
void hz_udp_control_parse(const void *control, size_t length, uint16_t *gro_segment_size,
                          hz_local_address *destination);

#endif
