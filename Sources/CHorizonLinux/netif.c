#define _GNU_SOURCE
#include "hz_netif.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

// Runs one SIOC* request on a fresh AF_INET datagram socket; the kernel wants any socket.
static int netif_ioctl(unsigned long request, struct ifreq *ifr) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int rc = ioctl(fd, request, ifr) < 0 ? -errno : 0;
    close(fd);
    return rc;
}

static int netif_request(const char *name, struct ifreq *ifr) {
    if (strlen(name) >= IFNAMSIZ) return -ENAMETOOLONG;
    memset(ifr, 0, sizeof *ifr);
    strncpy(ifr->ifr_name, name, IFNAMSIZ - 1);
    return 0;
}

int hz_netif_get_mtu(const char *name) {
    struct ifreq ifr;
    int rc = netif_request(name, &ifr);
    if (rc == 0) rc = netif_ioctl(SIOCGIFMTU, &ifr);
    return rc < 0 ? rc : ifr.ifr_mtu;
}

int hz_netif_set_mtu(const char *name, int mtu) {
    struct ifreq ifr;
    int rc = netif_request(name, &ifr);
    if (rc < 0) return rc;
    ifr.ifr_mtu = mtu;
    return netif_ioctl(SIOCSIFMTU, &ifr);
}

int hz_netif_is_up(const char *name) {
    struct ifreq ifr;
    int rc = netif_request(name, &ifr);
    if (rc == 0) rc = netif_ioctl(SIOCGIFFLAGS, &ifr);
    return rc < 0 ? rc : (ifr.ifr_flags & IFF_UP) != 0;
}

int hz_netif_set_up(const char *name, int up) {
    struct ifreq ifr;
    int rc = netif_request(name, &ifr);
    if (rc == 0) rc = netif_ioctl(SIOCGIFFLAGS, &ifr);
    if (rc < 0) return rc;
    if (up) ifr.ifr_flags |= IFF_UP;
    else ifr.ifr_flags &= ~IFF_UP;
    return netif_ioctl(SIOCSIFFLAGS, &ifr);
}
