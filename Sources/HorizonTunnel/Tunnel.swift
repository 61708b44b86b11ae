import HorizonCore
import HorizonDevice

/// `horizon tunnel`: one WireGuard interface brought up from a wg-quick file and run in
/// the foreground, with a TAP per [LAN] section (L2 networks over the same peers); the node
/// agent's roles run theirs from configurations built in memory. Everything that can fail
/// without side effects (reading and parsing the file, resolving endpoints, choosing a
/// policy table) happens before the interface is created; after that, every host change goes
/// through a `NetworkJournal`, so a failed start and `stop()` both undo exactly what was done.
public final class Tunnel {
    public let interfaceName: InterfaceName
    /// What the file asks for that this command does not do, for the user to read.
    public let warnings: [String]
    private let config: WireGuardConfig
    private let host: InterfaceHost
    private let journal: NetworkJournal
    private let policyTable: UInt32?
    private let lans: TunnelLANs
    private let uapiDirectory: String

    public static let defaultMTU = 1420

    /// - Parameters:
    ///   - interfaceName: nil names the interface after the file, as wg-quick does.
    ///   - uapiDirectory: where the UAPI socket goes; nil is /var/run/wireguard.
    ///   - reportError: told about failed UAPI requests while the tunnel runs.
    public convenience init(configPath: String, interfaceName: String? = nil, uapiDirectory: String? = nil,
                            reportError: @escaping @Sendable (String) -> Void = { _ in }) throws(TunnelError) {
        let config = try Self.readConfig(at: configPath)
        let name = if let interfaceName { try InterfaceName(interfaceName) } else { try InterfaceName(configPath: configPath) }
        try self.init(config: config, interfaceName: name, uapiDirectory: uapiDirectory, reportError: reportError)
    }

    /// A tunnel from a configuration built in memory (the node agent's roles make theirs
    /// from the broker's netmap).
    public init(config: WireGuardConfig, interfaceName name: InterfaceName, uapiDirectory: String? = nil,
                reportError: @escaping @Sendable (String) -> Void = { _ in }) throws(TunnelError) {
        let policyTable = TunnelNetworkPlan.needsPolicyTable(config) ? try PolicyRoutingTable.choose(for: config) : nil
        let operations = try ConfigOperations.operations(for: config, fwmark: policyTable)
        let mtu = config.interface.mtu ?? Self.defaultMTU
        let lans = try TunnelLANs(config: config, tunnelName: name, tunnelMTU: mtu)

        let directory = uapiDirectory ?? UAPIServer.defaultDirectory
        host = try InterfaceHost(name: name, mtu: mtu, uapiDirectory: directory, log: UAPIServer.Log(error: reportError))
        // The interface is ours now, so records under its name are a killed run's.
        for part in JournalPart.allCases {
            for failure in NetworkJournal.recover(at: Self.journalPath(part, of: name, in: directory)) {
                reportError("cleaning up after an earlier run of \(name): \(failure)")
            }
        }
        journal = NetworkJournal(recordPath: Self.journalPath(.tunnel, of: name, in: directory))
        self.uapiDirectory = directory
        self.config = config
        self.interfaceName = name
        self.policyTable = policyTable
        self.lans = lans
        warnings = UnsupportedSettings.warnings(for: config)
        do throws(TunnelError) {
            if let error = host.device.apply(operations) {
                throw TunnelError("cannot configure \(name): \(error.message)")
            }
            let plan = TunnelNetworkPlan(config: config, interface: name.description, mtu: mtu, policyTable: policyTable)
            for change in plan.changes { try journal.apply(change) }
            try lans.attach(to: host.device)
            for change in lans.changes { try journal.apply(change) }
        } catch {
            _ = journal.undoAll()
            host.close()
            throw error
        }
    }

    /// The host changes of a tunnel that are recorded apart, each in a file of its own.
    enum JournalPart: String, CaseIterable {
        case tunnel
        /// `DefaultRouteDiversion`'s, which come and go while the tunnel runs.
        case diversion
    }

    /// Beside the UAPI socket, which lives in a runtime directory: a reboot, which resets
    /// what the record would undo, clears it too.
    static func journalPath(_ part: JournalPart, of name: InterfaceName, in directory: String) -> String {
        "\(directory)/\(name).\(part.rawValue).journal"
    }

    func journalPath(_ part: JournalPart) -> String {
        Self.journalPath(part, of: interfaceName, in: uapiDirectory)
    }

    /// The running device, for callers that change its peers or read its counters.
    public var device: Device { host.device }

    /// Makes one more host change that `stop()` undoes with the tunnel's own.
    public func apply(_ change: NetworkChange) throws(TunnelError) {
        try journal.apply(change)
    }

    /// One line saying what runs: interface, addresses, port, peers, socket.
    public var statusLine: String {
        let snapshot = host.device.snapshot()
        let addresses = config.interface.addresses.map(\.description).joined(separator: ", ")
        let peers = snapshot.peers.count == 1 ? "1 peer" : "\(snapshot.peers.count) peers"
        var parts = ["\(interfaceName) up", addresses.isEmpty ? "no addresses" : addresses,
                     "UDP port \(snapshot.listenPort)", peers]
        if let table = policyTable { parts.append("default route via table \(table) (fwmark \(table))") }
        parts += lans.summary
        parts.append("UAPI \(host.uapi.socketPath)")
        return parts.joined(separator: "; ") + " — Ctrl-C or SIGTERM stops it"
    }

    /// Each L2 network's switch counters and the LAN path's drops, one line each, for the
    /// person who stops the tunnel (call before `stop()`).
    public var lanCounterLines: [String] {
        guard !lans.lans.isEmpty else { return [] }
        return host.device.lanNetworks.map(TunnelLANs.counterLine) + [TunnelLANs.pathLine(host.device.counters.lan)]
    }

    public func waitForShutdown() -> ShutdownReason {
        host.waitForShutdown()
    }

    /// Undoes the host changes (newest first), removes the UAPI socket and deletes the
    /// interface. Returns what could not be undone.
    public func stop(interfaceDeleted: Bool = false) -> [TunnelError] {
        let failures = journal.undoAll(linkGone: interfaceDeleted)
        host.close()
        return failures
    }

    private static func readConfig(at path: String) throws(TunnelError) -> WireGuardConfig {
        let text: String
        switch TextFile.read(path) {
        case .success(let contents): text = contents
        case .failure(let error): throw TunnelError("cannot read \(path): \(error)")
        }
        do {
            return try WireGuardConfig.parse(text, fileName: path, dialect: .horizon)
        } catch {
            throw TunnelError(error.description)
        }
    }
}
