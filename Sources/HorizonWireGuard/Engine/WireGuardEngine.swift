import HorizonCore
import HorizonCrypto
import Synchronization

/// The WireGuard protocol for one device, sans-IO: handshakes, sessions and their
/// rotation, timers, cookies, staging and roaming, for any number of peers. The host
/// (a device with sockets and a TUN, or a test) hands it datagrams, packets and the time
/// and sends what it returns; nothing here reads a clock, touches a socket or starts a
/// thread.
///
/// Thread safety: every method may be called from any thread. State is split so threads
/// rarely meet: each peer has its own lock, each session's send and receive halves have
/// theirs, and the receiver-index table and device identity are locked only briefly.
/// Lock order: directory → peer → index table; identity is never held with another.
///
/// The packet path uses the run-based calls (`planSend`/`stage`, `session(forIndex:)`/
/// `didReceive`) and seals and opens in place with `Keypair`; handshake messages go to
/// `receiveHandshake`, and `tick` runs timers and everything the packet path deferred.
/// Files: +Configuration (keys, peers), +Handshake, +Transport, +Timers.
public final class WireGuardEngine: Sendable {
    let configuration: EngineConfiguration
    let random: RandomSource
    let identity: Mutex<DeviceIdentity?>
    let directory = Mutex(PeerDirectory())
    let indices = Mutex(ReceiverIndexTable())
    let counterCells = Mutex(EngineCounters())
    /// Interface MTU, for padding (0: pad to 16 without a cap).
    let mtuCell = Atomic<Int>(0)
    let serviceHook = Mutex<(@Sendable () -> Void)?>(nil)

    public init(configuration: EngineConfiguration, random: RandomSource = .system()) {
        self.configuration = configuration
        self.random = random
        identity = Mutex(nil)
    }

    /// Called (from whatever thread noticed) when the engine has deferred work: the host
    /// should call `tick` soon. Must be quick and must not call back into the engine.
    public func setServiceHook(_ hook: (@Sendable () -> Void)?) {
        serviceHook.withLock { $0 = hook }
    }

    public var mtu: Int {
        get { mtuCell.load(ordering: .relaxed) }
        set { mtuCell.store(newValue, ordering: .relaxed) }
    }

    public var counters: EngineCounters { counterCells.withLock { $0 } }

    func count(_ update: (inout EngineCounters) -> Void) {
        counterCells.withLock { update(&$0) }
    }

    func requestService() {
        serviceHook.withLock { $0 }?()
    }
}

/// The device's own keys and its cookie checker, replaced together when the key changes.
struct DeviceIdentity: Sendable {
    var identity: StaticIdentity
    var checker: CookieChecker
    var load: LoadMonitor
}

/// Peers by dense id and by public key.
struct PeerDirectory: Sendable {
    var byID: [EnginePeer?] = []
    var byKey: [PublicKey: EnginePeer] = [:]

    var all: [EnginePeer] { byID.compactMap { $0 } }

    mutating func add(_ make: (PeerID) -> EnginePeer) -> EnginePeer {
        let slot = byID.firstIndex { $0 == nil } ?? byID.count
        let peer = make(PeerID(rawValue: UInt32(slot)))
        if slot == byID.count { byID.append(peer) } else { byID[slot] = peer }
        byKey[peer.publicKey] = peer
        return peer
    }

    mutating func remove(_ peer: EnginePeer) {
        guard Int(peer.id.rawValue) < byID.count, byID[Int(peer.id.rawValue)] === peer else { return }
        byID[Int(peer.id.rawValue)] = nil
        byKey[peer.publicKey] = nil
    }
}
