#ifndef HZ_MMSG_H
#define HZ_MMSG_H

#include <sys/socket.h>

/// Same layout as glibc's `struct mmsghdr`, which Swift's Glibc module does not export
/// (it is declared only under _GNU_SOURCE).
typedef struct hz_mmsg {
    struct msghdr hdr;
    unsigned int len;
} hz_mmsg;

/// recvmmsg(2) with MSG_WAITFORONE semantics added by the caller through `flags`;
/// retries EINTR. Returns the number of messages, or -errno.
int hz_recvmmsg(int fd, hz_mmsg *messages, unsigned int count, int flags);

/// sendmmsg(2), retrying EINTR. Returns the number of messages sent, or -errno.
int hz_sendmmsg(int fd, hz_mmsg *messages, unsigned int count, int flags);

#endif
