import HorizonCore

/// Decides when the device is "under load" (paper §5.3): then handshake messages must
/// carry a valid mac2, which costs an attacker a round trip per source address before we
/// do any Diffie-Hellman work for it. Load is the backlog of handshake messages waiting
/// to be processed; once it reaches `threshold`, the state lasts a second past the last
/// time it did, so it does not flap on each message (as wireguard-go does).
struct LoadMonitor: Sendable {
    static let holdTime: Duration = .seconds(1)

    let threshold: Int
    private var underLoadUntil: MonotonicTime?

    init(threshold: Int) { self.threshold = threshold }

    mutating func isUnderLoad(backlog: Int, now: MonotonicTime) -> Bool {
        if backlog >= threshold { underLoadUntil = now + Self.holdTime }
        guard let until = underLoadUntil else { return false }
        return now < until
    }
}
