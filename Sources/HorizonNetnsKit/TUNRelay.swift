import Foundation
import HorizonTUN
import Synchronization

/// Moves packets from one TUN to another on its own thread — read batch, split,
/// optionally inspect, coalesce, write — the same path a WireGuard device takes minus
/// the crypto. Used to push real kernel TCP through the offload code in root tests and
/// to measure it. Stops within ~50 ms of `stop()`.
public final class TUNRelay: @unchecked Sendable {
    public struct Counters: Sendable {
        public var packets = 0
        public var bytes = 0
        public var reads = 0
        public var superpacketsRead = 0
        public var writes = 0
        public var writeFailures = 0
        public var dropped = 0
    }

    private let source: TUNDevice
    private let destination: TUNDevice
    private let inspect: (@Sendable (UnsafeMutableRawBufferPointer) -> Void)?
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private var counters = Counters()

    /// `inspect` sees every packet after splitting and before coalescing.
    public init(from source: TUNDevice, to destination: TUNDevice,
                inspect: (@Sendable (UnsafeMutableRawBufferPointer) -> Void)? = nil) {
        self.source = source
        self.destination = destination
        self.inspect = inspect
    }

    public func start() {
        Thread { [self] in
            loop()
            finished.signal()
        }.start()
    }

    /// Stops the thread and returns what it did.
    public func stop() -> Counters {
        stopping.store(true, ordering: .relaxed)
        finished.wait()
        return counters
    }

    private func loop() {
        let batch = PacketBatch(slots: 256, capacity: 65_536 / 4)
        let reader = TUNBatchReader()
        let mode: PacketCoalescer.Mode = !destination.hasVirtioHeader ? .plain
            : destination.offloads.contains(.tcpSegmentation) ? .coalescingTCP : .virtioHeader
        let coalescer = PacketCoalescer(capacity: batch.slots, mode: mode)
        while !stopping.load(ordering: .relaxed) {
            batch.count = 0
            let n = reader.readBatch(from: source, into: batch)
            guard n > 0 else {
                _ = source.waitReadable(timeoutMilliseconds: 50)
                continue
            }
            for i in 0..<n {
                let packet = batch.packet(i)
                inspect?(packet)
                counters.bytes += packet.count
                coalescer.add(packet)
            }
            counters.packets += n
            let written = destination.write(coalescer)
            counters.writes += written.writes
            counters.writeFailures += written.failures
        }
        counters.reads = reader.reads
        counters.superpacketsRead = reader.superpackets
        counters.dropped = reader.droppedMalformed + reader.droppedNoRoom + reader.droppedUnsupported
    }
}
