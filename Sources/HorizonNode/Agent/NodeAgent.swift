import Foundation
import HorizonBrokerClient
import HorizonCore
import HorizonCrypto

/// The node agent behind `horizon daemon`: owns the node's identity and state directory,
/// runs its role (gateway server or client) and answers the local API. A membership saved by
/// an earlier run is resumed on start, so a restarted daemon serves (or reconnects) again
/// with the same identity.
public actor NodeAgent {
    public let stateDirectory: NodeStateDirectory
    private let nodeKey: PrivateKey
    private let startedAt: Date
    private let interfaceName: InterfaceName
    private let uapiDirectory: String?
    private(set) var role: RunningRole?

    enum RunningRole {
        case server(ServerRunner)
        case client(ClientRunner)
    }

    /// Loads (or, on first start, creates) the node's identity in `stateDirectory`.
    /// - Parameters:
    ///   - interfaceName: the WireGuard interface the role brings up.
    ///   - uapiDirectory: where its UAPI socket goes (nil: /var/run/wireguard).
    public init(stateDirectory: NodeStateDirectory, interfaceName: InterfaceName, uapiDirectory: String? = nil,
                now: Date = Date()) throws(NodeStateError) {
        self.stateDirectory = stateDirectory
        nodeKey = try stateDirectory.loadOrCreateNodeKey()
        startedAt = now
        self.interfaceName = interfaceName
        self.uapiDirectory = uapiDirectory
    }

    /// Resumes the saved role, if any. Returns a line for the log about what happened.
    public func resume() async -> String? {
        let membership: Membership?
        do { membership = try stateDirectory.load(.membership) } catch { return error.description }
        guard let membership else { return nil }
        do throws(RoleError) {
            try await begin(membership)
            if case .client(let client) = role, let choice: ConnectionChoice = try? stateDirectory.load(.connection) {
                try await client.resume(choice)
                return "resumed as a client of \(membership.broker), connected to \(choice.serverID)"
            }
            return "resumed as a \(membership.role.rawValue) of \(membership.broker)"
        } catch {
            return "cannot resume as \(membership.role.rawValue): \(error) — fix it and run the role's command again"
        }
    }

    /// Stops the role's loops and removes its interface and host changes.
    public func shutdown() async {
        switch role {
        case .server(let server)?: await server.stop()
        case .client(let client)?: await client.stop()
        case nil: break
        }
        role = nil
    }

    public func status() async -> AgentStatus {
        var status = AgentStatus(
            version: HorizonVersion.current, publicKey: X25519.publicKey(for: nodeKey).base64,
            stateDirectory: stateDirectory.path, startedAt: startedAt, role: .none)
        switch role {
        case .server(let server)?:
            status.role = .server
            await server.status(into: &status)
        case .client(let client)?:
            status.role = .client
            await client.status(into: &status)
        case nil:
            break
        }
        return status
    }

    // MARK: roles

    func serverUp(_ request: ServerUpRequest) async throws(RoleError) -> AgentStatus {
        let broker = try Self.brokerURL(request.broker)
        if let existing = try membership() {
            guard existing.role == .server, existing.broker == broker else {
                throw RoleError(Self.alreadyEnrolled(existing))
            }
            if role == nil { try await begin(existing) }
            return await status()
        }
        let uplink: InterfaceName?
        do throws(TunnelError) { uplink = try request.uplink.map { n throws(TunnelError) in try InterfaceName(n) } } catch {
            throw RoleError(error.description)
        }
        let endpoint = try Self.serverEndpoint(request, uplink: uplink)
        let location = try Self.location(request.location)
        let registered: Components.Schemas.RegisteredServer
        do throws(BrokerFailure) {
            registered = try await BrokerLink(url: broker).registerServer(
                nodeKey: nodeKey, enrollmentKey: request.enrollmentKey, name: request.name, endpoints: [endpoint],
                capacity: request.capacity, location: location)
        } catch {
            throw RoleError(Self.explain(error, doing: "register the server"))
        }
        let server = registered.server
        let membership = Membership(
            broker: broker, role: .server, nodeID: server.id, name: server.name, credential: registered.credential,
            addresses: [server.ipv4Address, server.ipv6Address].compactMap { $0 },
            server: ServerSettings(listenPort: request.listenPort, uplink: request.uplink, capacity: request.capacity))
        try save(membership)
        try await begin(membership)
        return await status()
    }

    func login(_ request: LoginRequest) async throws(RoleError) -> AgentStatus {
        let broker = try Self.brokerURL(request.broker)
        if let existing = try membership() {
            guard existing.role == .client, existing.broker == broker else { throw RoleError(Self.alreadyEnrolled(existing)) }
            if role == nil { try await begin(existing) }
            return await status()
        }
        let enrolled: Components.Schemas.EnrolledDevice
        do throws(BrokerFailure) {
            switch request.credential {
            case .enrollmentKey(let key):
                enrolled = try await BrokerLink(url: broker).registerDevice(nodeKey: nodeKey, enrollmentKey: key, name: request.name)
            case .token(let token):
                enrolled = try await BrokerLink(url: broker, credential: token).enrollDevice(nodeKey: nodeKey, name: request.name)
            case .password(let username, let password):
                let token = try await BrokerLink(url: broker).login(username: username, password: password)
                enrolled = try await BrokerLink(url: broker, credential: token).enrollDevice(nodeKey: nodeKey, name: request.name)
            }
        } catch {
            throw RoleError(Self.explain(error, doing: "enroll this device"))
        }
        let device = enrolled.device
        let membership = Membership(
            broker: broker, role: .client, nodeID: device.id, name: device.name, credential: enrolled.credential,
            addresses: [device.ipv4Address, device.ipv6Address].compactMap { $0 })
        try save(membership)
        try await begin(membership)
        return await status()
    }

    func servers(probe: Bool) async throws(RoleError) -> [ServerCandidate] {
        try await client().servers(probe: probe)
    }

    func connect(_ request: ConnectRequest) async throws(RoleError) -> AgentStatus {
        var routes: [IPPrefix] = []
        for text in request.routes {
            guard let prefix = IPPrefix(text) else { throw RoleError("'\(text)' is not a CIDR prefix such as 10.0.0.0/8") }
            routes.append(prefix)
        }
        _ = try await client().connect(to: request.server, routes: routes)
        return await status()
    }

    func disconnect() async throws(RoleError) -> DisconnectResult {
        let failures = try await client().disconnect()
        return DisconnectResult(wasConnected: failures != nil, failures: failures ?? [])
    }

    /// Stops the role and forgets the enrollment (membership, connection, netmap); the node
    /// key stays, so the node keeps its identity if it enrolls again. Returns the role it had.
    func logout() async -> NodeRole {
        let had = (try? membership())??.role ?? .none
        await shutdown()
        for record in [NodeStateDirectory.Record.connection, .netmap, .membership] { stateDirectory.remove(record) }
        return had
    }

    func client() throws(RoleError) -> ClientRunner {
        guard case .client(let client)? = role else {
            throw RoleError("this node is not logged in as a client — run horizon login --broker URL first")
        }
        return client
    }

    private func begin(_ membership: Membership) async throws(RoleError) {
        let setup = RoleSetup(
            membership: membership, nodeKey: nodeKey, state: stateDirectory, interfaceName: interfaceName,
            uapiDirectory: uapiDirectory)
        switch membership.role {
        case .server:
            let server = ServerRunner(setup: setup)
            do throws(TunnelError) { try await server.start() } catch { throw RoleError(error.description) }
            role = .server(server)
        case .client:
            let client = ClientRunner(setup: setup)
            await client.start()
            role = .client(client)
        case .none:
            throw RoleError("\(stateDirectory.recordPath(.membership)) names no role — remove it and enroll again")
        }
    }

    /// The saved enrollment, nil when the node is not enrolled.
    func membership() throws(RoleError) -> Membership? {
        do { return try stateDirectory.load(.membership) } catch { throw RoleError(error.description) }
    }

    private func save(_ membership: Membership) throws(RoleError) {
        do { try stateDirectory.save(membership, as: .membership) } catch { throw RoleError(error.description) }
    }

    // MARK: input

    static func brokerURL(_ text: String) throws(RoleError) -> URL {
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw RoleError("'\(text)' is not a broker URL such as https://broker.example.com or http://10.0.0.1:8080")
        }
        return url
    }

    static func serverEndpoint(_ request: ServerUpRequest, uplink: InterfaceName?) throws(RoleError) -> String {
        if let endpoint = request.endpoint {
            guard (try? Endpoint.parse(endpoint)) != nil else { throw RoleError("'\(endpoint)' is not HOST:PORT or [IPv6]:PORT") }
            return endpoint
        }
        do throws(TunnelError) {
            let interface = if let uplink { uplink } else { try UplinkInterface.detect() }
            let address = try UplinkInterface.address(of: interface)
            return "\(address):\(request.listenPort)"
        } catch {
            throw RoleError(error.description)
        }
    }

    static func location(_ text: String?) throws(RoleError) -> Components.Schemas.ServerLocation? {
        guard let text else { return nil }
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let country = parts.first, country.count == 2, country.allSatisfy(\.isLetter) else {
            throw RoleError("'\(text)' is not a location such as DE or DE/Berlin (two-letter country code, optional city)")
        }
        return .init(country: country.uppercased(), city: parts.count > 1 ? parts[1] : nil)
    }

    static func alreadyEnrolled(_ membership: Membership) -> String {
        "this node is already enrolled as \(membership.role.rawValue) '\(membership.name)' at \(membership.broker) — "
            + "to enroll it differently, stop the daemon and remove its membership.json"
    }

    /// A broker failure with the step that failed and, for the usual refusals, what to do.
    static func explain(_ failure: BrokerFailure, doing step: String) -> String {
        let hint: String = switch failure.code {
        case "invalid_enrollment_key"?: " — ask an admin for a valid enrollment key"
        case "unauthorized"?: " — check the credential"
        default: ""
        }
        return "cannot \(step): \(failure)\(hint)"
    }
}
