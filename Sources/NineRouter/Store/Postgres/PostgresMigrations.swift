import Foundation
import Logging
import PostgresNIO
import RouterCore

/// The PostgreSQL schema, versioned like SQLite's: each version runs once, in its own
/// transaction, recorded in `schema_migration`. Replicas starting together queue on an
/// advisory lock, so the first migrates and the others find the work done.
enum PostgresMigrations {
    /// The advisory lock's key ("NineRouter" migrations; any fixed number works).
    static let lockKey: Int64 = 20_128_013

    static let versions: [(name: String, statements: [SQLStatement])] = [
        ("v1-schema", schema.map { SQLStatement($0) } + builtInPrices),
        ("v2-cluster", cluster.map { SQLStatement($0) }),
        ("v3-response-order", ResponseStore.orderIndex.map { SQLStatement($0) }),
        ("v4-connection-settings", [SQLStatement(ProviderRepository.settingsColumn)]),
    ]

    static func migrate(_ client: PostgresClient, logger: Logger) async throws -> [String] {
        try await client.withConnection { connection in
            try await run("SELECT pg_advisory_lock(\(lockKey))", on: connection, logger: logger)
            do {
                let applied = try await pending(on: connection, logger: logger)
                try await run("SELECT pg_advisory_unlock(\(lockKey))", on: connection, logger: logger)
                return applied
            } catch {
                try? await run("SELECT pg_advisory_unlock(\(lockKey))", on: connection, logger: logger)
                throw error
            }
        }
    }

    /// Runs the versions not yet recorded; their names.
    private static func pending(on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        try await run("CREATE TABLE IF NOT EXISTS schema_migration (version TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                      on: connection, logger: logger)
        let done = Set(try await PostgresStore.rows(connection.query("SELECT version FROM schema_migration", logger: logger))
            .compactMap { $0.string("version") })
        var applied: [String] = []
        for version in versions where !done.contains(version.name) {
            try await connection.withTransaction(logger: logger) { connection in
                _ = try await PostgresStore.pipeline(
                    version.statements + [SQLStatement("INSERT INTO schema_migration (version) VALUES (?)", [version.name])],
                    on: connection, logger: logger)
            }
            applied.append(version.name)
        }
        return applied
    }

    private static func run(_ sql: String, on connection: PostgresConnection, logger: Logger) async throws {
        for try await _ in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {}
    }

    private static var histogram: String {
        (ObservabilitySchema.latencyColumns + ObservabilitySchema.ttftColumns).map { "\($0) BIGINT NOT NULL DEFAULT 0" }
            .joined(separator: ",\n")
    }

    private static var builtInPrices: [SQLStatement] {
        ModelPrice.builtIn.map { price in
            SQLStatement("""
                INSERT INTO model_price (model, input_per_mtok, output_per_mtok, cached_per_mtok, updated_at)
                VALUES (?, ?, ?, ?, ?) ON CONFLICT (model) DO NOTHING
                """, [price.model, price.inputPerMTok, price.outputPerMTok, price.cachedPerMTok, Date()])
        }
    }

    /// What replicas share beyond the configuration: failed logins per client, the config
    /// version NOTIFY announces, who is alive, rate-limit use per second, and provider keys
    /// resting after a 401/403.
    private static let cluster: [String] = [
        "CREATE TABLE login_failure (client TEXT NOT NULL, at DOUBLE PRECISION NOT NULL)",
        "CREATE INDEX login_failure_client ON login_failure (client, at)",
        "CREATE TABLE cluster_state (id BIGINT PRIMARY KEY CHECK (id = 1), config_version BIGINT NOT NULL)",
        "INSERT INTO cluster_state (id, config_version) VALUES (1, 1)",
        """
        CREATE TABLE replica (name TEXT PRIMARY KEY, version TEXT NOT NULL, started_at DOUBLE PRECISION NOT NULL,
            last_seen DOUBLE PRECISION NOT NULL, calls BIGINT NOT NULL DEFAULT 0)
        """,
        """
        CREATE TABLE rate_usage (replica TEXT NOT NULL, key_id BIGINT NOT NULL, second BIGINT NOT NULL,
            requests BIGINT NOT NULL DEFAULT 0, tokens BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (replica, key_id, second))
        """,
        "CREATE INDEX rate_usage_second ON rate_usage (second)",
        """
        CREATE TABLE provider_rest (provider_id BIGINT NOT NULL, model TEXT NOT NULL, until DOUBLE PRECISION NOT NULL,
            reason TEXT NOT NULL, PRIMARY KEY (provider_id, model))
        """,
    ]

    /// The tables SQLite's five versions make, in PostgreSQL's types; names are unique
    /// without regard to case, as SQLite's `COLLATE NOCASE` makes them.
    private static let schema: [String] = [
        """
        CREATE TABLE admin_credential (id BIGINT PRIMARY KEY CHECK (id = 1), password_hash TEXT NOT NULL,
            source TEXT NOT NULL, updated_at TIMESTAMPTZ NOT NULL)
        """,
        "CREATE TABLE admin_session (token_hash TEXT PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL, expires_at TIMESTAMPTZ NOT NULL)",
        """
        CREATE TABLE proxy_pool (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, proxies_enc TEXT NOT NULL, strategy TEXT NOT NULL,
            strict BOOLEAN NOT NULL, created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL)
        """,
        "CREATE UNIQUE INDEX proxy_pool_name ON proxy_pool (lower(name))",
        """
        CREATE TABLE provider (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, base_url TEXT NOT NULL,
            api_key_enc TEXT NOT NULL, models TEXT NOT NULL, enabled BOOLEAN NOT NULL, priority BIGINT NOT NULL,
            weight BIGINT NOT NULL, proxy_pool_id BIGINT REFERENCES proxy_pool(id) ON DELETE RESTRICT, headers_enc TEXT NOT NULL,
            allow_client_billing_headers BOOLEAN NOT NULL DEFAULT FALSE, native_responses BOOLEAN NOT NULL DEFAULT FALSE,
            responses_only_models TEXT NOT NULL DEFAULT '[]', created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL)
        """,
        "CREATE UNIQUE INDEX provider_name ON provider (lower(name))",
        """
        CREATE TABLE app_key (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, key_hash TEXT NOT NULL UNIQUE, key_prefix TEXT NOT NULL,
            allowed_models TEXT, rpm_limit BIGINT, tpm_limit BIGINT, expires_at TIMESTAMPTZ, enabled BOOLEAN NOT NULL,
            last_used_at TIMESTAMPTZ, created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL,
            budget_usd DOUBLE PRECISION, budget_period TEXT)
        """,
        """
        CREATE TABLE model_alias (id BIGSERIAL PRIMARY KEY, alias TEXT NOT NULL UNIQUE, targets TEXT NOT NULL, strategy TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL)
        """,
        "CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """
        CREATE TABLE call_log (id BIGSERIAL PRIMARY KEY, time DOUBLE PRECISION NOT NULL, request_id TEXT NOT NULL, key_id BIGINT,
            key_name TEXT, client TEXT, endpoint TEXT NOT NULL, format TEXT NOT NULL, model_requested TEXT NOT NULL, model TEXT,
            provider TEXT, provider_id BIGINT, proxy TEXT, status BIGINT NOT NULL, error TEXT, latency_ms DOUBLE PRECISION NOT NULL,
            ttft_ms DOUBLE PRECISION, stream BOOLEAN NOT NULL, incomplete BOOLEAN NOT NULL, input_tokens BIGINT,
            output_tokens BIGINT, cached_tokens BIGINT, cost_usd DOUBLE PRECISION, attempts TEXT NOT NULL, replica TEXT)
        """,
        """
        CREATE TABLE usage_minute (minute BIGINT NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL, key_id BIGINT NOT NULL,
            key_name TEXT NOT NULL, calls BIGINT NOT NULL DEFAULT 0, errors BIGINT NOT NULL DEFAULT 0,
            status_2xx BIGINT NOT NULL DEFAULT 0, status_4xx BIGINT NOT NULL DEFAULT 0, status_5xx BIGINT NOT NULL DEFAULT 0,
            incomplete BIGINT NOT NULL DEFAULT 0, latency_ms_sum DOUBLE PRECISION NOT NULL DEFAULT 0,
            ttft_ms_sum DOUBLE PRECISION NOT NULL DEFAULT 0, ttft_count BIGINT NOT NULL DEFAULT 0,
            input_tokens BIGINT NOT NULL DEFAULT 0, output_tokens BIGINT NOT NULL DEFAULT 0, cached_tokens BIGINT NOT NULL DEFAULT 0,
            cost_usd DOUBLE PRECISION NOT NULL DEFAULT 0, last_time TIMESTAMPTZ, \(histogram),
            PRIMARY KEY (minute, provider, model, key_id))
        """,
        "CREATE INDEX usage_minute_key ON usage_minute (key_id, minute)",
        "CREATE INDEX usage_minute_provider ON usage_minute (provider, minute)",
        """
        CREATE TABLE model_price (model TEXT PRIMARY KEY, input_per_mtok DOUBLE PRECISION NOT NULL,
            output_per_mtok DOUBLE PRECISION NOT NULL, cached_per_mtok DOUBLE PRECISION, updated_at TIMESTAMPTZ NOT NULL)
        """,
        """
        CREATE TABLE stored_response (id TEXT PRIMARY KEY, key_id BIGINT, created_at DOUBLE PRECISION NOT NULL, provider_id BIGINT,
            native BOOLEAN NOT NULL DEFAULT FALSE, stored BOOLEAN NOT NULL DEFAULT TRUE, previous_id TEXT,
            input TEXT NOT NULL DEFAULT '[]', response TEXT)
        """,
        "CREATE INDEX stored_response_created ON stored_response (created_at)",
    ]
}
