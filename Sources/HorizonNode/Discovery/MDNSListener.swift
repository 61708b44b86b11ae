import Foundation
import HorizonCore
import HorizonDiscovery
import Synchronization

/// Watches one L2 network's TAP for mDNS (RFC 6762) and keeps the catalog of the services its
/// members announce by DNS-SD, for `horizon lan services`. Passive listening alone would miss
/// services announced before the TAP existed, and mDNS responders do not repeat themselves,
/// so it also browses: a service-type enumeration when it starts, again after 1, 4 and 16
/// seconds (the first may go out before the peers' sessions are up) and every minute after,
/// then a query per type heard of (answers carry SRV, TXT and addresses, refreshing TTLs).
/// Its socket is bound to the TAP, so it hears that LAN only; a thread of its own reads it,
/// sleeping in poll(2) until a datagram, the next browse or `stop()` (a pipe) wakes it.
final class MDNSListener: Sendable {
    static let port: UInt16 = 5353
    static let group = "224.0.0.251"
    static let firstBrowseRepeat: Duration = .seconds(1)
    static let browseInterval: Duration = .seconds(60)
    static let maxTypeQueries = 16

    let interfaceName: String
    private let socket: Int32
    /// `stop()` writes to the second, the thread polls the first.
    private let stopPipe: (read: Int32, write: Int32)
    private let catalog = Mutex(ServiceCatalog())

    init(interface: String) throws(TunnelError) {
        interfaceName = interface
        socket = try Self.open(on: interface)
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            close(socket)
            throw TunnelError("cannot listen for mDNS on \(interface): pipe: \(String(cString: strerror(errno)))")
        }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        stopPipe = (fds[0], fds[1])
        Thread.detachNewThread { [self] in run() }
    }

    /// The thread holds the listener until it ends, so a late `stop()` never writes to a closed pipe.
    deinit {
        close(stopPipe.read)
        close(stopPipe.write)
    }

    func services() -> [DiscoveredService] {
        catalog.withLock { $0.services(at: .now()) }
    }

    /// Wakes the thread, which closes the socket and ends.
    func stop() {
        var byte: UInt8 = 1
        _ = write(stopPipe.write, &byte, 1)
    }

    private func run() {
        var buffer = [UInt8](repeating: 0, count: 9000)
        var nextBrowse = ContinuousClock.now
        var browseGap = Self.firstBrowseRepeat
        while true {
            if ContinuousClock.now >= nextBrowse {
                send(DNSMessage.browseQuery)
                nextBrowse = .now + browseGap
                browseGap = min(browseGap * 4, Self.browseInterval)
            }
            var ready = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0), pollfd(fd: stopPipe.read, events: Int16(POLLIN), revents: 0)]
            let wait = nextBrowse - ContinuousClock.now
            let milliseconds = max(0, wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000) + 1
            guard poll(&ready, 2, Int32(clamping: milliseconds)) >= 0 || errno == EINTR else { break }
            if ready[1].revents != 0 { break }
            guard ready[0].revents & Int16(POLLIN) != 0 else { continue }
            var source = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let count = withUnsafeMutablePointer(to: &source) { address in
                address.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(socket, &buffer, buffer.count, Int32(MSG_DONTWAIT), $0, &length) }
            }
            guard count > 0, let message = DNSMessage.parse(Array(buffer[0..<count])) else { continue }
            let sender = IPv4Address(UInt32(bigEndian: source.sin_addr.s_addr)).description
            let types = catalog.withLock { $0.ingest(message, from: sender, at: .now()) }
            for type in types.prefix(Self.maxTypeQueries) {
                send(DNSMessage(isResponse: false, questions: [.init(name: type, type: DNSMessage.RecordType.ptr, unicastResponse: false)]))
            }
        }
        close(socket)
    }

    private func send(_ message: DNSMessage) {
        var destination = sockaddr_in()
        destination.sin_family = sa_family_t(AF_INET)
        destination.sin_port = Self.port.bigEndian
        destination.sin_addr.s_addr = inet_addr(Self.group)
        let bytes = message.bytes
        _ = withUnsafePointer(to: &destination) { address in
            address.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(socket, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }

    /// UDP 5353 on `interface` only, in the mDNS group there, sending there with TTL 255
    /// (RFC 6762 §11) and without hearing its own queries; other listeners on the host (Avahi)
    /// keep theirs (SO_REUSEPORT).
    private static func open(on interface: String) throws(TunnelError) -> Int32 {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw TunnelError("cannot open an mDNS socket: \(String(cString: strerror(errno)))") }
        let index = Int32(if_nametoindex(interface))
        var membership = ip_mreqn()
        membership.imr_multiaddr.s_addr = inet_addr(group)
        membership.imr_ifindex = index
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        let ok = index != 0
            && option(fd, SOL_SOCKET, SO_REUSEADDR, 1) && option(fd, SOL_SOCKET, SO_REUSEPORT, 1)
            && interface.withCString { setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, $0, socklen_t(strlen($0) + 1)) } == 0
            && withUnsafePointer(to: &address, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }) == 0
            && setsockopt(fd, Int32(IPPROTO_IP), IP_ADD_MEMBERSHIP, &membership, socklen_t(MemoryLayout<ip_mreqn>.size)) == 0
            && setsockopt(fd, Int32(IPPROTO_IP), IP_MULTICAST_IF, &membership, socklen_t(MemoryLayout<ip_mreqn>.size)) == 0
            && option(fd, Int32(IPPROTO_IP), IP_MULTICAST_TTL, 255) && option(fd, Int32(IPPROTO_IP), IP_MULTICAST_LOOP, 0)
        guard ok else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw TunnelError("cannot listen for mDNS on \(interface): \(reason)")
        }
        return fd
    }

    private static func option(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) -> Bool {
        var value = value
        return setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0
    }
}
