#define _GNU_SOURCE
#include "hz_tap.h"

#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int hz_netif_set_mac(const char *name, const uint8_t *mac) {
    if (strlen(name) >= IFNAMSIZ) return -ENAMETOOLONG;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
    memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int rc = ioctl(fd, SIOCSIFHWADDR, &ifr) < 0 ? -errno : 0;
    close(fd);
    return rc;
}
