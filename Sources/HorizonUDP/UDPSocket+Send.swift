#if canImport(Glibc)
import Glibc
#endif
import CHorizonLinux

/// What one `send` did, in datagrams. Failures are counted, never thrown.
public struct UDPSendResult: Equatable, Sendable {
    public var sent = 0
    public var dropped = 0
    /// Messages handed to the kernel; fewer than `sent` when UDP GSO merged datagrams.
    public var messages = 0
    /// sendmmsg calls made.
    public var syscalls = 0
    public var lastErrno: Int32 = 0

    public static func + (a: Self, b: Self) -> Self {
        Self(sent: a.sent + b.sent, dropped: a.dropped + b.dropped, messages: a.messages + b.messages,
             syscalls: a.syscalls + b.syscalls,
             lastErrno: b.lastErrno != 0 ? b.lastErrno : a.lastErrno)
    }
}

extension UDPSocket {
    /// Sends the datagrams of `batch` whose destination is of this socket's family
    /// (others are left for the other socket of a `DualStackUDP`). The batch is not emptied.
    public func send(_ batch: UDPSendBatch) -> UDPSendResult {
        var result = UDPSendResult()
        var next = 0
        rebuild: while next < batch.count {
            let built = batch.buildMessages(from: next, for: self, segmenting: sendsSegmented)
            var m = 0
            while m < built {
                let rc = hz_sendmmsg(fd, batch.messages + m, UInt32(built - m), 0)
                result.syscalls += 1
                if rc > 0 {
                    result.messages += Int(rc)
                    for k in m..<(m + Int(rc)) { result.sent += batch.spans[k].count }
                    m += Int(rc)
                    continue
                }
                let span = batch.spans[m]
                if rc == -EIO, span.count > 1, sendsSegmented {
                    // The route's device can't checksum-offload segmented UDP: stop using
                    // GSO on this socket and resend from this message on, one datagram each.
                    sendsSegmented = false
                    next = span.first
                    continue rebuild
                }
                result.dropped += span.count
                result.lastErrno = rc == 0 ? EAGAIN : -rc
                m += 1
            }
            break
        }
        return result
    }
}
