// Umbrella header: everything Swift needs from Linux that it cannot express itself
// (ioctl request macros, CMSG_* macros, GNU-only declarations such as recvmmsg).
#ifndef CHORIZONLINUX_H
#define CHORIZONLINUX_H

#include "hz_tun.h"
#include "hz_netif.h"
#include "hz_mmsg.h"
#include "hz_udp_control.h"
#include "hz_netns.h"
#include "hz_tap.h"

#endif
