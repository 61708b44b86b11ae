import HorizonCore
import HorizonCrypto
import Synchronization

/// One session's keys after a handshake (paper §5.4.6): a send half and a receive half,
/// each with its ChaCha20-Poly1305 context built once and reused for every packet.
///
/// Threads: the send counter is atomic, so reserving counters for a run of packets takes
/// no lock; each half sits behind its own lock, taken once per run of packets, so one
/// thread may seal while another opens. Nothing here allocates after `init`.
public final class Keypair: Sendable, CustomStringConvertible {
    /// Our index: the peer puts it in packets to us.
    public let localIndex: UInt32
    /// The peer's index: we put it in packets to the peer.
    public let remoteIndex: UInt32
    public let isInitiator: Bool
    public let createdAt: MonotonicTime

    private let nextSendCounter = Atomic<UInt64>(0)
    private let sealer: Mutex<TransportSealer>
    private let opener: Mutex<TransportOpener>

    public init(keys: TransportKeys, createdAt: MonotonicTime) {
        localIndex = keys.localIndex
        remoteIndex = keys.remoteIndex
        isInitiator = keys.isInitiator
        self.createdAt = createdAt
        sealer = Mutex(TransportSealer(context: ChaCha20Poly1305Context(key: keys.sendKey), receiverIndex: keys.remoteIndex))
        opener = Mutex(TransportOpener(context: ChaCha20Poly1305Context(key: keys.receiveKey)))
    }

    /// Reserves `count` consecutive send counters and returns the first, or nil when they
    /// would reach REJECT_AFTER_MESSAGES: the session may not send any more.
    public func reserveCounters(_ count: Int) -> UInt64? {
        // Compare-and-swap rather than add: a refused reservation must not move the
        // counter, or repeated refusals could wrap it around and reuse nonces.
        var first = nextSendCounter.load(ordering: .relaxed)
        while true {
            guard UInt64(count) <= ProtocolConstants.rejectAfterMessages, first <= ProtocolConstants.rejectAfterMessages - UInt64(count) else {
                return nil
            }
            let (exchanged, current) = nextSendCounter.compareExchange(
                expected: first, desired: first + UInt64(count), ordering: .relaxed)
            if exchanged { return first }
            first = current
        }
    }

    /// The next counter a send would use.
    public var sendCounter: UInt64 { nextSendCounter.load(ordering: .relaxed) }

    /// Past REJECT_AFTER_TIME a session may neither send nor receive.
    public func isExpired(at now: MonotonicTime) -> Bool {
        now.since(createdAt) >= ProtocolConstants.rejectAfterTime
    }

    /// Seals packets with the send context; hold it for a whole run, not per packet.
    public func withSealer<R: Sendable>(_ body: (borrowing TransportSealer) -> R) -> R {
        sealer.withLock { body($0) }
    }

    /// Opens packets with the receive context and replay window; hold it for a whole run.
    public func withOpener<R: Sendable>(_ body: (inout TransportOpener) -> R) -> R {
        opener.withLock { body(&$0) }
    }

    /// Seals one payload into a fresh datagram with the next counter, or nil when the
    /// session is used up. Allocates: for keepalives and staged packets, not the fast path.
    func sealDatagram(_ payload: UnsafeRawBufferPointer, paddedLength: Int) -> [UInt8]? {
        guard let counter = reserveCounters(1) else { return nil }
        var datagram = [UInt8](repeating: 0, count: TransportHeader.size + paddedLength + ChaCha20Poly1305Context.tagSize)
        datagram.withUnsafeMutableBytes { out in
            let packet = out.baseAddress! + TransportHeader.size
            if payload.count > 0 { packet.copyMemory(from: payload.baseAddress!, byteCount: payload.count) }
            _ = withSealer { $0.seal(packet: packet, length: payload.count, paddedLength: paddedLength, counter: counter) }
        }
        return datagram
    }

    public var description: String {
        "Keypair(local: \(localIndex), remote: \(remoteIndex), \(isInitiator ? "initiator" : "responder"))"
    }
}

/// The send half of a keypair: writes transport data messages (type 4) in place.
public struct TransportSealer: ~Copyable, Sendable {
    let context: ChaCha20Poly1305Context
    let receiverIndex: UInt32

    /// Seals the `length`-byte packet at `packet`, zero-padded to `paddedLength`, in place.
    /// The 16 bytes before `packet` receive the header and the `paddedLength + 16` bytes
    /// from `packet` on the ciphertext and tag. Returns the datagram's byte count; the
    /// datagram starts at `packet - TransportHeader.size`.
    public func seal(packet: UnsafeMutableRawPointer, length: Int, paddedLength: Int, counter: UInt64) -> Int {
        if paddedLength > length { (packet + length).initializeMemory(as: UInt8.self, repeating: 0, count: paddedLength - length) }
        TransportHeader(receiverIndex: receiverIndex, counter: counter).write(to: packet - TransportHeader.size)
        context.seal(counter: counter, buffer: packet, length: paddedLength)
        return TransportHeader.size + paddedLength + ChaCha20Poly1305Context.tagSize
    }
}

/// The receive half of a keypair: authenticates and decrypts transport data in place.
public struct TransportOpener: Sendable {
    public enum Outcome: Equatable, Sendable {
        /// Authentic and new: the plaintext (padding included) is this many bytes at
        /// `datagram + TransportHeader.size`.
        case opened(Int)
        /// The counter was seen before or is too old for the window.
        case replayed
        /// The tag did not verify: forged, corrupted, or not under this key.
        case forged
    }

    let context: ChaCha20Poly1305Context
    var replay = ReplayWindow()

    /// `datagram` is a whole transport message whose header was already parsed (the
    /// caller routed it here by its receiver index).
    public mutating func open(_ datagram: UnsafeMutableRawBufferPointer, counter: UInt64) -> Outcome {
        guard replay.check(counter) else { return .replayed }
        let sealedLength = datagram.count - TransportHeader.size
        guard context.open(counter: counter, buffer: datagram.baseAddress! + TransportHeader.size, sealedLength: sealedLength) else {
            return .forged
        }
        // Two copies of one packet in a batch both pass `check`; only one commits.
        guard replay.commit(counter) else { return .replayed }
        return .opened(sealedLength - ChaCha20Poly1305Context.tagSize)
    }
}

/// WireGuard pads plaintext to a multiple of 16 bytes to blur packet sizes, never past
/// the interface MTU (a packet already at the MTU goes unpadded).
public enum TransportPadding {
    public static func paddedLength(_ length: Int, mtu: Int) -> Int {
        let rounded = (length + 15) & ~15
        guard mtu > 0 else { return rounded }
        return length >= mtu ? length : min(rounded, mtu)
    }
}
