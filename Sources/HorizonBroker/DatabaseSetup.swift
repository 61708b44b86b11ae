import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Vapor

enum DatabaseSetup {
    /// Registers the configured store as the default database and all migrations.
    static func configure(_ app: Application, store: BrokerConfiguration.Store) throws {
        switch store {
        case .sqlite(let path):
            let dir = (path as NSString).deletingLastPathComponent
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw BrokerConfigurationError.cannotCreateDataDirectory(dir, error.localizedDescription)
            }
            app.databases.use(.sqlite(.file(path)), as: .sqlite)
        case .postgres(let url):
            app.databases.use(.postgres(configuration: try SQLPostgresConfiguration(url: url)), as: .psql)
        }
        Migrations.register(on: app)
    }
}
