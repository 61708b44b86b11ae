#ifndef HZ_NETNS_H
#define HZ_NETNS_H

/// Moves the calling thread into the network namespace at `path`
/// (e.g. /var/run/netns/NAME). Sockets created afterwards by this thread live there.
/// 0 or -errno.
int hz_netns_enter(const char *path);

#endif
