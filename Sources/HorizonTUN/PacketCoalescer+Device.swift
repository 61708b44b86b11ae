extension PacketCoalescer.Mode {
    /// What a TUN or TAP takes: superpackets when it accepted TSO, else a zeroed virtio header
    /// when it has one, else plain packets.
    public init(writingTo device: TUNDevice) {
        self = !device.hasVirtioHeader ? .plain : device.offloads.contains(.tcpSegmentation) ? .coalescingTCP : .virtioHeader
    }
}
