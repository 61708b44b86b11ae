import CHorizonLinux

extension UDPSocket {
    /// One recvmmsg into `batch`: blocks for the first message (or until the receive
    /// timeout), then takes whatever else is queued. Returns the number of datagrams in
    /// `batch` (GRO messages split), or -errno (-EAGAIN on timeout).
    public func receive(into batch: UDPReceiveBatch) -> Int {
        batch.prepare()
        let n = hz_recvmmsg(fd, batch.messages, UInt32(batch.messageSlots), Int32(MSG_WAITFORONE))
        guard n >= 0 else {
            batch.count = 0
            batch.messageCount = 0
            return Int(n)
        }
        batch.index(received: Int(n))
        return batch.count
    }
}
