/// Who appears in whose netmap. Devices reach servers and servers accept devices; nodes of
/// the same kind never peer. Only approved nodes see or are seen.
enum NetmapPolicy {
    /// The kind of node `kind` peers with.
    static func peerKind(of kind: Node.Kind) -> Node.Kind {
        switch kind {
        case .server: .device
        case .device: .server
        }
    }

    /// Whether a node in `status` gets any peers at all.
    static func seesPeers(_ status: Node.Status) -> Bool { status == .approved }
}
