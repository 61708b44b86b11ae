import HorizonCore
import HorizonLAN
import HorizonTUN

/// A receive thread's LAN path: `LANInbound` on the device's current networks, then the
/// frames it accepts go to a `PacketCoalescer` per network, which merges a TCP flow's
/// frames into superframes ("GRO" for the TAP) and writes them at the end of each batch,
/// as the IP path does for the TUN.
final class LANReceiver {
    private let registry: LANRegistry
    private let capacity: Int
    /// Per network seen by this thread, made on its first frame.
    private var outputs: [UInt32: Output] = [:]
    /// The networks as of this batch's first frame: one lock per batch, not per frame.
    private var table: LANTable?
    private var memo = LANDeliveryMemo()

    private final class Output {
        let network: LANNetwork
        let coalescer: PacketCoalescer

        init(network: LANNetwork, capacity: Int) {
            self.network = network
            // Frames arrive authenticated by the session's AEAD: no need to re-sum TCP payloads.
            coalescer = PacketCoalescer(capacity: capacity, mode: PacketCoalescer.Mode(writingTo: network.tap),
                                        verifyingTCPChecksums: false, linkHeaderLength: EthernetHeader.length)
        }
    }

    /// `capacity`: the most frames one receive batch can hold.
    init(registry: LANRegistry, capacity: Int) {
        self.registry = registry
        self.capacity = capacity
    }

    /// Handles one decrypted Horizon frame (`plaintext`, padding included) from `peer`. The
    /// frame stays in `plaintext` until `flush`.
    func receive(_ plaintext: UnsafeMutableRawBufferPointer, from peer: PeerIndex, at now: MonotonicTime,
                 counts: inout LANPathCounters) {
        let table = self.table ?? registry.table
        self.table = table
        guard let (network, frame) = LANInbound.accept(plaintext, from: peer, at: now, counts: &counts, memo: &memo,
                                                       lookup: table.network, segment: { $0.segment })
        else { return }
        let output = output(for: network)
        let packet = UnsafeMutableRawBufferPointer(rebasing: frame[EthernetHeader.length...])
        if !output.coalescer.add(packet) {
            write(output, counts: &counts)
            output.coalescer.add(packet)
        }
        counts.framesDelivered &+= 1
    }

    /// Writes what the batch left in the coalescers to the TAPs; the next batch sees the
    /// networks and switches afresh.
    func flush(counts: inout LANPathCounters) {
        memo.settle()
        table = nil
        for output in outputs.values where output.coalescer.packetCount > 0 { write(output, counts: &counts) }
    }

    private func write(_ output: Output, counts: inout LANPathCounters) {
        let result = output.network.tap.write(output.coalescer)
        counts.droppedTAPWrite &+= UInt64(result.failures)
    }

    private func output(for network: LANNetwork) -> Output {
        if let output = outputs[network.tag.value], output.network === network { return output }
        // First frame of this network here, or the tag now names a network attached anew.
        outputs = outputs.filter { !$0.value.network.isDetached }
        let output = Output(network: network, capacity: capacity)
        outputs[network.tag.value] = output
        return output
    }
}
