#ifndef HZ_NETIF_H
#define HZ_NETIF_H

// Interface ioctls (SIOCGIFMTU & co.), done through a throwaway datagram socket in the
// calling thread's network namespace. Each returns the value asked for, 0, or -errno.
int hz_netif_get_mtu(const char *name);
int hz_netif_set_mtu(const char *name, int mtu);
/// 1 when IFF_UP is set, 0 when not.
int hz_netif_is_up(const char *name);
int hz_netif_set_up(const char *name, int up);

#endif
