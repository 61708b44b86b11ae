extension UDPReceiveBatch {
    /// Makes datagram `index` of the last receive the `range` of its bytes (an outer
    /// header stripped in place, e.g. TURN ChannelData's), until the next receive.
    public func narrow(_ index: Int, to range: Range<Int>) {
        precondition(index < count && range.lowerBound >= 0 && range.upperBound <= Int(segments[index].length), "narrowing outside the datagram")
        segments[index].offset += Int32(range.lowerBound)
        segments[index].length = Int32(range.count)
    }
}
