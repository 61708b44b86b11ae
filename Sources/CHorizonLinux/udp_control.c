#define _GNU_SOURCE
#include "hz_udp_control.h"

#include <endian.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

_Static_assert(CMSG_SPACE(sizeof(uint16_t)) + CMSG_SPACE(sizeof(struct in6_pktinfo)) <= HZ_UDP_CONTROL_SIZE,
               "control buffer too small for UDP_SEGMENT + IPV6_PKTINFO");
_Static_assert(CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct in6_pktinfo)) <= HZ_UDP_CONTROL_SIZE,
               "control buffer too small for UDP_GRO + IPV6_PKTINFO");

int hz_udp_enable_pktinfo(int fd, int ipv6) {
    int on = 1;
    int rc = ipv6 ? setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on)
                  : setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
    return rc < 0 ? -errno : 0;
}

static void put_v6(uint8_t out[16], uint64_t high, uint64_t low) {
    uint64_t be_high = htobe64(high), be_low = htobe64(low);
    memcpy(out, &be_high, 8);
    memcpy(out + 8, &be_low, 8);
}

size_t hz_udp_control_build(void *control, size_t capacity, uint16_t segment_size,
                            const hz_local_address *source) {
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    memset(control, 0, capacity);
    msg.msg_control = control;
    msg.msg_controllen = capacity;
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    size_t used = 0;

    if (segment_size > 0 && cm != NULL) {
        cm->cmsg_level = HZ_SOL_UDP;
        cm->cmsg_type = HZ_UDP_SEGMENT;
        cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
        memcpy(CMSG_DATA(cm), &segment_size, sizeof segment_size);
        used += CMSG_SPACE(sizeof(uint16_t));
        cm = CMSG_NXTHDR(&msg, cm);
    }
    if (source != NULL && source->family == 4 && cm != NULL) {
        struct in_pktinfo info;
        memset(&info, 0, sizeof info);
        info.ipi_ifindex = (int)source->ifindex;
        info.ipi_spec_dst.s_addr = htonl(source->v4);
        cm->cmsg_level = IPPROTO_IP;
        cm->cmsg_type = IP_PKTINFO;
        cm->cmsg_len = CMSG_LEN(sizeof info);
        memcpy(CMSG_DATA(cm), &info, sizeof info);
        used += CMSG_SPACE(sizeof info);
    } else if (source != NULL && source->family == 6 && cm != NULL) {
        struct in6_pktinfo info;
        memset(&info, 0, sizeof info);
        info.ipi6_ifindex = source->ifindex;
        put_v6(info.ipi6_addr.s6_addr, source->v6_high, source->v6_low);
        cm->cmsg_level = IPPROTO_IPV6;
        cm->cmsg_type = IPV6_PKTINFO;
        cm->cmsg_len = CMSG_LEN(sizeof info);
        memcpy(CMSG_DATA(cm), &info, sizeof info);
        used += CMSG_SPACE(sizeof info);
    }
    return used;
}

static uint64_t get_be64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return be64toh(v);
}

void hz_udp_control_parse(const void *control, size_t length, uint16_t *gro_segment_size,
                          hz_local_address *destination) {
    *gro_segment_size = 0;
    memset(destination, 0, sizeof *destination);
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_control = (void *)control;
    msg.msg_controllen = length;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
        if (cm->cmsg_level == HZ_SOL_UDP && cm->cmsg_type == HZ_UDP_GRO &&
            cm->cmsg_len >= CMSG_LEN(sizeof(int))) {
            int size;  // the kernel reports the GRO segment size as an int
            memcpy(&size, CMSG_DATA(cm), sizeof size);
            *gro_segment_size = (uint16_t)size;
        } else if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO &&
                   cm->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
            struct in_pktinfo info;
            memcpy(&info, CMSG_DATA(cm), sizeof info);
            destination->family = 4;
            destination->ifindex = (uint32_t)info.ipi_ifindex;
            destination->v4 = ntohl(info.ipi_addr.s_addr);
        } else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO &&
                   cm->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
            struct in6_pktinfo info;
            memcpy(&info, CMSG_DATA(cm), sizeof info);
            destination->family = 6;
            destination->ifindex = info.ipi6_ifindex;
            destination->v6_high = get_be64(info.ipi6_addr.s6_addr);
            destination->v6_low = get_be64(info.ipi6_addr.s6_addr + 8);
        }
    }
}
