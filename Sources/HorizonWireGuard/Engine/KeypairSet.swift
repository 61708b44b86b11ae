/// A peer's sessions and how they rotate (paper §5.4.7; the rules wireguard-go and the
/// kernel follow):
///
/// - `current` is what we send with. The initiator may use a new session at once, so its
///   new keypair becomes current and the old current becomes `previous`.
/// - The responder must not send under a new session before the initiator has, so its
///   new keypair waits in `next` until the first authenticated packet arrives under it;
///   then it becomes current and the old current becomes previous.
/// - `previous` only receives: packets still in flight under the old keys get through.
///
/// Each method returns the keypairs it let go of, so the caller can release their indices.
struct KeypairSet: Sendable {
    private(set) var previous: Keypair?
    private(set) var current: Keypair?
    private(set) var next: Keypair?

    /// Our initiation was answered. An unconfirmed `next` (from a crossing handshake the
    /// peer started) is newer than `current`, so it is the one kept as previous.
    mutating func installAsInitiator(_ keypair: Keypair) -> [Keypair] {
        var retired: [Keypair] = []
        if let next {
            retired.append(contentsOf: [previous, current].compactMap { $0 })
            previous = next
            self.next = nil
        } else {
            retired.append(contentsOf: [previous].compactMap { $0 })
            previous = current
        }
        current = keypair
        return retired
    }

    /// We answered an initiation: the keypair waits for confirmation. Previous goes, so at
    /// most three sessions exist; current stays usable meanwhile.
    mutating func installAsResponder(_ keypair: Keypair) -> [Keypair] {
        let retired = [next, previous].compactMap { $0 }
        next = keypair
        previous = nil
        return retired
    }

    /// A packet authenticated under `keypair`. When that is the waiting `next`, it is
    /// confirmed and rotates in; returns true then, with what rotated out.
    mutating func confirm(_ keypair: Keypair) -> (confirmed: Bool, retired: Keypair?) {
        guard let next, next === keypair else { return (false, nil) }
        let retired = previous
        previous = current
        current = next
        self.next = nil
        return (true, retired)
    }

    func contains(_ keypair: Keypair) -> Bool {
        previous === keypair || current === keypair || next === keypair
    }

    /// Forgets every session.
    mutating func removeAll() -> [Keypair] {
        defer { previous = nil; current = nil; next = nil }
        return [previous, current, next].compactMap { $0 }
    }
}
