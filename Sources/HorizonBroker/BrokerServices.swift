import Prometheus
import Vapor

/// The broker's services, built once per application from its configuration and shared by
/// the API handlers and the operator commands.
struct BrokerServices: Sendable {
    let configuration: BrokerConfiguration
    let audit: AuditLog
    let hasher: PasswordHasher
    let tokens: TokenService
    let accounts: AccountService
    let login: LoginService
    let networks: NetworkService
    let enrollmentKeys: EnrollmentKeyService
    let addresses: AddressAllocator
    let nodeCredentials: NodeCredentials
    let netmapChanges: NetmapChangeHub
    let metrics: PrometheusCollectorRegistry
    // Servers and devices.
    let challenges: NodeChallenges
    let nodeLifecycle: NodeLifecycle
    let servers: ServerService
    let serverPresence: ServerPresence
    let devices: DeviceService
    // Netmaps and connections.
    let netmap: NetmapService
    let connections: ConnectionService
    // Network members, service announcements, signaling.
    let membership: NetworkMembership
    let announcements: AnnouncementService
    let signaling: SignalingHub

    init(configuration: BrokerConfiguration, threadPool: NIOThreadPool) {
        let clock = configuration.clock
        let policy = configuration.security
        self.configuration = configuration
        audit = AuditLog(clock: clock)
        hasher = PasswordHasher(cost: policy.bcryptCost, threadPool: threadPool)
        tokens = TokenService(clock: clock, audit: audit, sessionLifetime: policy.sessionLifetime)
        accounts = AccountService(clock: clock, audit: audit, hasher: hasher, tokens: tokens)
        login = LoginService(
            policy: policy, clock: clock, audit: audit, hasher: hasher, tokens: tokens,
            limiter: LoginRateLimiter(window: policy.rateLimitWindow))
        networks = NetworkService(clock: clock, audit: audit)
        enrollmentKeys = EnrollmentKeyService(clock: clock, audit: audit)
        addresses = AddressAllocator(clock: clock)
        netmapChanges = NetmapChangeHub()
        let nodeActivity = NodeActivityWriter()
        nodeCredentials = NodeCredentials(clock: clock, changes: netmapChanges, activity: nodeActivity)
        metrics = PrometheusCollectorRegistry()
        // Servers and devices.
        let nodePolicy = configuration.nodes
        challenges = NodeChallenges(clock: clock, brokerKey: BrokerKeyStore(clock: clock), lifetime: nodePolicy.challengeLifetime)
        let enrollment = NodeEnrollment(
            clock: clock, audit: audit, challenges: challenges,
            overlay: OverlayNetwork(policy: nodePolicy, networks: networks), addresses: addresses)
        nodeLifecycle = NodeLifecycle(audit: audit, netmapChanges: netmapChanges)
        servers = ServerService(clock: clock, policy: nodePolicy, enrollment: enrollment, enrollmentKeys: enrollmentKeys)
        serverPresence = ServerPresence(
            clock: clock, policy: nodePolicy, audit: audit, challenges: challenges, netmapChanges: netmapChanges,
            activity: nodeActivity)
        devices = DeviceService(enrollment: enrollment, enrollmentKeys: enrollmentKeys, netmapChanges: netmapChanges)
        // Netmaps and connections.
        netmap = NetmapService(
            changes: netmapChanges, clock: clock, serverOfflineAfter: nodePolicy.serverOfflineAfter,
            networks: NetmapNetworksBuilder(relays: nodePolicy.relays))
        connections = ConnectionService(clock: clock, metrics: metrics)
        // Network members, service announcements, signaling.
        membership = NetworkMembership(clock: clock, audit: audit, addresses: addresses, netmapChanges: netmapChanges)
        announcements = AnnouncementService(clock: clock, audit: audit, membership: membership, netmapChanges: netmapChanges)
        signaling = SignalingHub()
    }
}
