#ifndef HZ_TAP_H
#define HZ_TAP_H

#include <stdint.h>

// TAP-only interface settings, through a throwaway socket in the calling thread's namespace.
/// SIOCSIFHWADDR: gives interface `name` the Ethernet address `mac` (6 bytes). 0 or -errno.
int hz_netif_set_mac(const char *name, const uint8_t *mac);

#endif
