import Foundation
import GRDB
import Logging
import Testing
@testable import NineRouter

@Suite struct ServerConfigTests {
    @Test func theReplicaNameComesFromTheEnvironmentOrTheHostAndPort() throws {
        let named = try ServerConfig.fromEnvironment(["REPLICA_NAME": " eu-1 ", "ROUTER_PORT": "20200"])
        #expect(named.replica == "eu-1")
        let unnamed = try ServerConfig.fromEnvironment(["ROUTER_PORT": "20200"])
        #expect(unnamed.replica == ProcessInfo.processInfo.hostName + ":20200")
        #expect(throws: ServerConfig.ConfigError.self) { try ServerConfig.fromEnvironment(["REPLICA_NAME": "a\u{1b}[31mb"]) }
        #expect(throws: ServerConfig.ConfigError.self) {
            try ServerConfig.fromEnvironment(["REPLICA_NAME": String(repeating: "r", count: 129)])
        }
    }

    @Test func defaults() throws {
        let config = try ServerConfig.fromEnvironment([:])
        #expect(config.port == 20128)
        #expect(config.host == "0.0.0.0")
        #expect(config.dataDirectory == "./data")
        #expect(config.initialPassword == nil)
        #expect(config.sessionTTL == .seconds(86400))
        #expect(config.logLevel == .info)
        #expect(!config.cookieSecure && !config.trustProxy)
    }

    @Test func environmentIsRead() throws {
        let config = try ServerConfig.fromEnvironment([
            "ROUTER_PORT": "8080", "HOST": "127.0.0.1", "DATA_DIR": "/var/lib/nr", "INITIAL_PASSWORD": "pw",
            "LOG_LEVEL": "DEBUG", "SESSION_TTL": "30m", "COOKIE_SECURE": "1", "TRUST_PROXY": "true", "ENCRYPTION_KEY": "k",
        ])
        #expect(config.port == 8080)
        #expect(config.host == "127.0.0.1")
        #expect(config.dataDirectory == "/var/lib/nr")
        #expect(config.initialPassword == "pw")
        #expect(config.logLevel == .debug)
        #expect(config.sessionTTL == .seconds(1800))
        #expect(config.cookieSecure && config.trustProxy)
        #expect(config.encryptionKey == "k")
    }

    @Test(arguments: ["24h", "7d", "90s", "3600"])
    func durations(text: String) throws {
        #expect(try ServerConfig.parseDuration(text, name: "X") > .zero)
    }

    @Test func badValuesAreNamed() {
        #expect(throws: ServerConfig.ConfigError.self) { try ServerConfig.fromEnvironment(["ROUTER_PORT": "http"]) }
        #expect(throws: ServerConfig.ConfigError.self) { try ServerConfig.fromEnvironment(["SESSION_TTL": "-1h"]) }
        #expect(throws: ServerConfig.ConfigError.self) { try ServerConfig.fromEnvironment(["LOG_LEVEL": "loud"]) }
        #expect(throws: ServerConfig.ConfigError.self) { try ServerConfig.fromEnvironment(["TRUST_PROXY": "maybe"]) }
    }

    @Test func storeIsOneSQLiteFileInWALModeWithMigrationsApplied() async throws {
        let harness = try await Harness()
        let database = try #require(harness.services.database)
        let mode = try await database.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let applied = try await database.writer.read { db in try SQLiteStore.migrator.appliedMigrations(db) }
        #expect(applied == ["v1-foundation", "v2-observability", "v3-billing-headers", "v4-responses", "v5-replica", "v6-login-failures", "v7-response-order", "v8-connection-settings"])
        #expect(FileManager.default.fileExists(atPath: harness.config.dataDirectory + "/ninerouter.sqlite"))
    }
}
