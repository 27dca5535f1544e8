import Foundation
import GRDB
import RouterCore

/// The tables behind call records, stats and costs: `call_log` (the newest N calls in full;
/// `time` as Unix seconds and no index but the row id, so the writer's inserts stay cheap),
/// `usage_minute` (per minute × provider × model × app key totals, kept forever, with
/// latency and time-to-first-byte histograms), `model_price`, and app-key budgets.
enum ObservabilitySchema {
    static let latencyColumns = (0..<LatencyHistogram.bucketCount).map { "lat_b\($0)" }
    static let ttftColumns = (0..<LatencyHistogram.bucketCount).map { "ttft_b\($0)" }

    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-observability") { db in
            let histogram = (latencyColumns + ttftColumns).map { "\($0) INTEGER NOT NULL DEFAULT 0" }.joined(separator: ",\n")
            try db.execute(sql: """
                ALTER TABLE app_key ADD COLUMN budget_usd REAL;
                ALTER TABLE app_key ADD COLUMN budget_period TEXT;
                CREATE TABLE call_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    time REAL NOT NULL,
                    request_id TEXT NOT NULL,
                    key_id INTEGER,
                    key_name TEXT,
                    client TEXT,
                    endpoint TEXT NOT NULL,
                    format TEXT NOT NULL,
                    model_requested TEXT NOT NULL,
                    model TEXT,
                    provider TEXT,
                    provider_id INTEGER,
                    proxy TEXT,
                    status INTEGER NOT NULL,
                    error TEXT,
                    latency_ms REAL NOT NULL,
                    ttft_ms REAL,
                    stream INTEGER NOT NULL,
                    incomplete INTEGER NOT NULL,
                    input_tokens INTEGER,
                    output_tokens INTEGER,
                    cached_tokens INTEGER,
                    cost_usd REAL,
                    attempts TEXT NOT NULL
                );
                CREATE TABLE usage_minute (
                    minute INTEGER NOT NULL,
                    provider TEXT NOT NULL,
                    model TEXT NOT NULL,
                    key_id INTEGER NOT NULL,
                    key_name TEXT NOT NULL,
                    calls INTEGER NOT NULL DEFAULT 0,
                    errors INTEGER NOT NULL DEFAULT 0,
                    status_2xx INTEGER NOT NULL DEFAULT 0,
                    status_4xx INTEGER NOT NULL DEFAULT 0,
                    status_5xx INTEGER NOT NULL DEFAULT 0,
                    incomplete INTEGER NOT NULL DEFAULT 0,
                    latency_ms_sum REAL NOT NULL DEFAULT 0,
                    ttft_ms_sum REAL NOT NULL DEFAULT 0,
                    ttft_count INTEGER NOT NULL DEFAULT 0,
                    input_tokens INTEGER NOT NULL DEFAULT 0,
                    output_tokens INTEGER NOT NULL DEFAULT 0,
                    cached_tokens INTEGER NOT NULL DEFAULT 0,
                    cost_usd REAL NOT NULL DEFAULT 0,
                    last_time DATETIME,
                    \(histogram),
                    PRIMARY KEY (minute, provider, model, key_id)
                ) WITHOUT ROWID;
                CREATE INDEX usage_minute_key ON usage_minute(key_id, minute);
                CREATE INDEX usage_minute_provider ON usage_minute(provider, minute);
                CREATE TABLE model_price (
                    model TEXT PRIMARY KEY,
                    input_per_mtok REAL NOT NULL,
                    output_per_mtok REAL NOT NULL,
                    cached_per_mtok REAL,
                    updated_at DATETIME NOT NULL
                );
                """)
            let now = StoredDate.format(Date())
            for price in ModelPrice.builtIn {
                try db.execute(sql: """
                    INSERT INTO model_price (model, input_per_mtok, output_per_mtok, cached_per_mtok, updated_at)
                    VALUES (?, ?, ?, ?, ?)
                    """, arguments: [price.model, price.inputPerMTok, price.outputPerMTok, price.cachedPerMTok, now])
            }
        }
    }
}
