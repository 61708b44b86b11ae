#ifndef HZ_TUN_H
#define HZ_TUN_H

// TUN/TAP character-device setup. Values are the kernel's ABI (linux/if_tun.h);
// they are repeated here because older installed headers lack the USO flags.
enum {
    HZ_TUN_F_CSUM = 0x01,
    HZ_TUN_F_TSO4 = 0x02,
    HZ_TUN_F_TSO6 = 0x04,
    HZ_TUN_F_TSO_ECN = 0x08,
    HZ_TUN_F_USO4 = 0x20,
    HZ_TUN_F_USO6 = 0x40,
};

enum { HZ_IFNAMSIZ = 16 };

/// Opens /dev/net/tun and attaches it to interface `name` ("" lets the kernel pick).
/// Always IFF_NO_PI. Returns the fd, or -errno. `out_name` (HZ_IFNAMSIZ bytes) receives the name.
int hz_tun_open(const char *name, int tap, int vnet_hdr, int multi_queue, char *out_name);

/// TUNSETOFFLOAD: which offloads the kernel may hand us on read. 0 or -errno.
int hz_tun_set_offload(int fd, unsigned int flags);

/// TUNSETVNETHDRSZ. 0 or -errno.
int hz_tun_set_vnet_hdr_size(int fd, int size);

#endif
