#define _GNU_SOURCE
#include "hz_mmsg.h"

#include <errno.h>
#include <stddef.h>

_Static_assert(sizeof(hz_mmsg) == sizeof(struct mmsghdr), "hz_mmsg must match mmsghdr");
_Static_assert(offsetof(hz_mmsg, len) == offsetof(struct mmsghdr, msg_len), "hz_mmsg.len offset");

int hz_recvmmsg(int fd, hz_mmsg *messages, unsigned int count, int flags) {
    for (;;) {
        int n = recvmmsg(fd, (struct mmsghdr *)messages, count, flags, NULL);
        if (n >= 0) return n;
        if (errno != EINTR) return -errno;
    }
}

int hz_sendmmsg(int fd, hz_mmsg *messages, unsigned int count, int flags) {
    for (;;) {
        int n = sendmmsg(fd, (struct mmsghdr *)messages, count, flags);
        if (n >= 0) return n;
        if (errno != EINTR) return -errno;
    }
}
