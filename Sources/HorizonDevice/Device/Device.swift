#if canImport(Glibc)
import Glibc
#endif
import HorizonCore
import HorizonTUN
import HorizonUDP
import HorizonWireGuard
import Synchronization

/// A WireGuard interface: a TUN device, the UDP sockets of the listen port, and the
/// `WireGuardEngine`, moved by three kinds of dedicated threads doing blocking, batched
/// syscalls over preallocated buffers, handing work between them only through the
/// engine's per-peer state and a bounded handshake queue:
///
/// - transmit: TUN read (TSO superpackets split) → allowed-IPs route → seal in place →
///   `sendmmsg` with UDP GSO;
/// - receive, one per socket: `recvmmsg` with UDP GRO → open in place → replay window →
///   source check → TCP coalescing → TUN write; handshake messages are queued for
/// - handshake: handshake messages, timers, keepalives and staged packets.
///
/// Locking: the packet threads take a peer's lock (and a session half's lock) once per run
/// of packets for that peer, never a device-wide lock per packet; routing is an immutable
/// snapshot swapped by `apply`, read once per batch.
///
/// Configuration is `wg`'s: `apply` takes UAPI set operations, `snapshot` answers `get`.
/// Addresses and routes are the caller's business. Sockets are created in the network
/// namespace of the thread calling `init` or `apply` (the threads inherit the namespace
/// of the thread that called `init`). Call `close()` when done: the threads keep the
/// device alive until then.
public final class Device: @unchecked Sendable {
    let engine: WireGuardEngine
    let tun: TUNDevice
    let handshakes = HandshakeQueue()
    let wakeup = Wakeup()
    let routing = Mutex(RoutingTable.empty)
    let binding = Mutex<SocketBinding?>(nil)
    let configuration = Mutex(DeviceConfiguration())
    let counterCells = Mutex(DeviceCounters())
    let datagramTap = DatagramTap()
    let lan = LANRegistry()
    private let lifecycle = Mutex(Lifecycle())
    private let stopping = Atomic<Bool>(false)
    private let closedSignal = ClosedSignal()

    private struct Lifecycle {
        var running = 0
        var stopping = false
        var finished = false
        var reason: DeviceCloseReason?
    }

    public init(options: DeviceOptions) throws(DeviceError) {
        guard (68...65535).contains(options.mtu) else {
            throw .invalidOptions("MTU \(options.mtu) is out of range (68-65535)")
        }
        do {
            tun = try TUNDevice(name: options.interfaceName, kind: .tun, offloads: true)
            try tun.setMTU(options.mtu)
        } catch {
            throw .tun(error)
        }
        engine = WireGuardEngine(configuration: EngineConfiguration(timestamp: { _ in WallClock.timestamp() }))
        engine.mtu = options.mtu
        let wakeup = self.wakeup
        engine.setServiceHook { wakeup.signal() }
        do {
            try bind(port: 0, mark: nil)
        } catch {
            tun.close()
            throw .udp(error)
        }
        let transmit = TransmitLoop(device: self, mtu: options.mtu)
        startThread(name: "hz-tx \(tun.name)") { transmit.run() }
        let handshake = HandshakeLoop(device: self)
        startThread(name: "hz-hs \(tun.name)") { handshake.run() }
    }

    public var interfaceName: String { tun.name }

    public var counters: DeviceCounters {
        var counters = counterCells.withLock { $0 }
        counters.engine = engine.counters
        return counters
    }

    /// Stops the threads and closes the TUN (which removes the interface) and the sockets.
    /// Idempotent; returns once everything is closed.
    public func close() {
        requestStop(.closed)
        _ = waitUntilClosed()
    }

    /// Blocks until the device has stopped, by `close()` or because its interface was
    /// deleted, and says which.
    public func waitUntilClosed() -> DeviceCloseReason {
        closedSignal.wait()
        return lifecycle.withLock { $0.reason } ?? .closed
    }

    // MARK: - Threads

    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// Asks every thread to stop; the first reason given is the one reported.
    func requestStop(_ reason: DeviceCloseReason) {
        let finishNow = lifecycle.withLock { state in
            if state.reason == nil { state.reason = reason }
            state.stopping = true
            return state.running == 0 && !state.finished
        }
        stopping.store(true, ordering: .relaxed)
        wakeup.signal()
        if finishNow { finish() }
    }

    /// Starts a device thread unless the device is stopping. The last thread to leave
    /// closes everything.
    func startThread(name: String, _ body: @escaping () -> Void) {
        let started = lifecycle.withLock { state in
            guard !state.stopping else { return false }
            state.running += 1
            return true
        }
        guard started else { return }
        DeviceThread.start(name: name) { [self] in
            body()
            let last = lifecycle.withLock { state in
                state.running -= 1
                guard state.running == 0, state.stopping, !state.finished else { return false }
                state.finished = true
                return true
            }
            if last { finish() }
        }
    }

    private func finish() {
        lifecycle.withLock { $0.finished = true }
        binding.withLock { $0?.udp.close(); $0 = nil }
        tun.close()
        lan.closeAll()
        closedSignal.fire()
    }

    // MARK: - Counters

    func addCounters(_ delta: DeviceCounters) {
        counterCells.withLock { $0.add(delta) }
    }
}

/// What `apply` changes besides the engine, kept under one lock so requests apply one
/// at a time.
struct DeviceConfiguration {
    var allowedIPs = AllowedIPs()
    var fwmark: UInt32?
}
