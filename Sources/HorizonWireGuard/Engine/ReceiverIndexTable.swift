/// Which peer and session each of our receiver indices names, across all peers: incoming
/// responses, cookie replies and transport data carry our index, and this is how they
/// find their state without trying keys. Indices are random (paper §5.4.2), so they
/// reveal nothing about how many sessions we hold.
struct ReceiverIndexTable: Sendable {
    enum Entry: Sendable {
        /// A handshake of ours in flight (or a response being built) for this peer.
        case handshake(EnginePeer)
        case session(EnginePeer, Keypair)

        var peer: EnginePeer {
            switch self {
            case .handshake(let peer), .session(let peer, _): peer
            }
        }
    }

    private var entries: [UInt32: Entry] = [:]

    var count: Int { entries.count }

    /// A fresh random index, reserved for a handshake with `peer`.
    mutating func allocate(for peer: EnginePeer, using random: RandomSource) -> UInt32 {
        var generator = random
        while true {
            let index = UInt32.random(in: .min ... .max, using: &generator)
            if entries[index] == nil {
                entries[index] = .handshake(peer)
                return index
            }
        }
    }

    /// The handshake's index now names the session it produced.
    mutating func install(_ keypair: Keypair, for peer: EnginePeer) {
        entries[keypair.localIndex] = .session(peer, keypair)
    }

    mutating func release(_ index: UInt32) {
        entries[index] = nil
    }

    subscript(index: UInt32) -> Entry? { entries[index] }
}
