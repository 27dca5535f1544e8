import Foundation
import GRDB
import RouterCore

/// The SQLite schema, one registered migration per version (GRDB records which ran).
extension SQLiteStore {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-foundation") { db in
            try db.execute(sql: """
                CREATE TABLE admin_credential (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    password_hash TEXT NOT NULL,
                    source TEXT NOT NULL,
                    updated_at DATETIME NOT NULL
                );
                CREATE TABLE admin_session (
                    token_hash TEXT PRIMARY KEY,
                    created_at DATETIME NOT NULL,
                    expires_at DATETIME NOT NULL
                );
                CREATE TABLE proxy_pool (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    proxies_enc TEXT NOT NULL,
                    strategy TEXT NOT NULL,
                    strict INTEGER NOT NULL,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL
                );
                CREATE TABLE provider (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    type TEXT NOT NULL,
                    base_url TEXT NOT NULL,
                    api_key_enc TEXT NOT NULL,
                    models TEXT NOT NULL,
                    enabled INTEGER NOT NULL,
                    priority INTEGER NOT NULL,
                    weight INTEGER NOT NULL,
                    proxy_pool_id INTEGER REFERENCES proxy_pool(id) ON DELETE RESTRICT,
                    headers_enc TEXT NOT NULL,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL
                );
                CREATE TABLE app_key (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL,
                    key_hash TEXT NOT NULL UNIQUE,
                    key_prefix TEXT NOT NULL,
                    allowed_models TEXT,
                    rpm_limit INTEGER,
                    tpm_limit INTEGER,
                    expires_at DATETIME,
                    enabled INTEGER NOT NULL,
                    last_used_at DATETIME,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL
                );
                CREATE TABLE model_alias (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    alias TEXT NOT NULL UNIQUE,
                    targets TEXT NOT NULL,
                    strategy TEXT NOT NULL,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL
                );
                CREATE TABLE setting (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                );
                """)
        }
        ObservabilitySchema.register(in: &migrator)
        migrator.registerMigration("v3-billing-headers") { db in
            try db.execute(sql: "ALTER TABLE provider ADD COLUMN allow_client_billing_headers INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v4-responses") { db in
            try db.execute(sql: """
                ALTER TABLE provider ADD COLUMN native_responses INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE provider ADD COLUMN responses_only_models TEXT NOT NULL DEFAULT '[]';
                UPDATE provider SET native_responses = 1
                    WHERE type = 'openai' AND base_url IN ('https://api.openai.com/v1', 'https://api.openai.com/v1/');
                """)
            try db.execute(sql: ResponseStore.sqliteSchema)
        }
        migrator.registerMigration("v5-replica") { db in
            try db.execute(sql: "ALTER TABLE call_log ADD COLUMN replica TEXT")
        }
        migrator.registerMigration("v6-login-failures") { db in
            try db.execute(sql: """
                CREATE TABLE login_failure (client TEXT NOT NULL, at DOUBLE NOT NULL);
                CREATE INDEX login_failure_client ON login_failure(client, at);
                """)
        }
        migrator.registerMigration("v7-response-order") { db in
            try db.execute(sql: ResponseStore.orderIndex.joined(separator: ";\n"))
        }
        migrator.registerMigration("v8-connection-settings") { db in
            try db.execute(sql: ProviderRepository.settingsColumn)
        }
        return migrator
    }
}
