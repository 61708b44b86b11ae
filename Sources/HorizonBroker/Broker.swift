import Fluent
import OpenAPIVapor
import Vapor

/// Assembles the broker: store, migrations, first admin, middleware, the generated API.
public enum Broker {
    /// Facts the operator must see once at start-up (e.g. a generated admin password).
    public struct StartupReport: Sendable {
        public let createdAdmin: String?
        public let generatedAdminPassword: String?
    }

    /// Configures `app` and migrates the store. Call before `execute()`/`startup()`.
    @discardableResult
    public static func configure(_ app: Application, _ config: BrokerConfiguration) async throws -> StartupReport {
        let services = try await openStore(app, config)
        let created = try await AdminBootstrap.ensureAdmin(services, on: app.db, password: config.initialAdminPassword)

        // Order matters: metrics see the final status, errors become JSON before that, the
        // request context (body limit, principal) wraps every handler, and heartbeats are
        // answered right after it.
        app.middleware = Middlewares()
        // A line per request is debug output: at info, thousands of heartbeats a second are
        // thousands of log writes (`--log-level debug` shows them).
        if app.logger.logLevel <= .debug { app.middleware.use(RouteLoggingMiddleware(logLevel: .debug)) }
        app.middleware.use(AsyncMiddlewareChain([
            MetricsMiddleware(registry: services.metrics),
            APIErrorMiddleware(),
            RequestContextMiddleware(
                tokens: services.tokens, nodes: services.nodeCredentials, databases: EventLoopDatabases(app.databases, logger: app.logger),
                maxBodyBytes: config.security.maxBodyBytes),
            HeartbeatMiddleware(presence: services.serverPresence, heartbeatInterval: services.configuration.nodes.heartbeatInterval),
        ]))

        let api = try BrokerAPI(services: services, storeName: config.store.name)
        // Netmaps' encoded peers, shared by the fetch and the WebSocket.
        let netmapJSON = NetmapJSON()
        try api.registerHandlers(
            on: BufferedVaporTransport(routes: app),
            configuration: .init(dateTranscoder: APIDateTranscoder(), jsonEncodingOptions: [.sortedKeys]),
            middlewares: [
                AuthenticationGate(access: api.operationAccess), NetmapFetchMiddleware(netmap: services.netmap, json: netmapJSON),
            ])
        app.brokerServices = services
        if config.nodes.runsPresenceSweep {
            app.lifecycle.use(ServerPresenceSweeper.loop(presence: services.serverPresence, interval: config.nodes.sweepInterval))
        }
        NetmapWatchRoute(netmap: services.netmap, json: netmapJSON, metrics: services.metrics).register(on: app)
        SignalingRoute(hub: services.signaling, netmap: services.netmap, metrics: services.metrics).register(on: app)
        if case .postgres(let url) = config.store {
            let relay = try PostgresNetmapRelay(
                url: url, hub: services.netmapChanges, eventLoops: app.eventLoopGroup, logger: app.logger, metrics: services.metrics)
            try await relay.start()
            app.lifecycle.use(relay)
            try await PostgresSignalRelay.start(url: url, hub: services.signaling, on: app)
        }
        if case .sqlite(let path) = config.store {
            app.lifecycle.use(SQLiteChangeMarkerWatcher.loop(storePath: path, hub: services.netmapChanges))
        }
        return StartupReport(createdAdmin: created?.username, generatedAdminPassword: created?.generatedPassword)
    }

    /// Applies pending migrations and stops: `horizon-broker migrate`.
    public static func migrate(_ app: Application, _ config: BrokerConfiguration) async throws {
        _ = try await openStore(app, config)
    }

    /// Registers the store, prepares its connections and applies migrations.
    static func openStore(_ app: Application, _ config: BrokerConfiguration) async throws -> BrokerServices {
        try DatabaseSetup.configure(app, store: config.store)
        try await DatabaseSetup.prepareConnections(app, store: config.store)
        try await app.autoMigrate()
        return BrokerServices(configuration: config, threadPool: app.threadPool)
    }
}
