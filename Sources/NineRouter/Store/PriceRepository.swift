import Foundation
import GRDB
import RouterCore

/// Model list prices in SQLite (seeded with `ModelPrice.builtIn` on first start).
struct PriceRepository: Sendable {
    let database: AppDatabase

    func all() throws -> [ModelPrice] {
        try database.fetchAll("SELECT * FROM model_price ORDER BY model", [], Self.decode)
    }

    func find(model: String) throws -> ModelPrice? {
        try database.fetchOne("SELECT * FROM model_price WHERE model = ?", [model], Self.decode)
    }

    /// Inserts or replaces; true when the model had no price before.
    func put(_ price: ModelPrice) throws -> Bool {
        try database.writer.write { db in
            let existed = try Bool.fetchOne(db, sql: "SELECT 1 FROM model_price WHERE model = ?", arguments: [price.model]) ?? false
            try db.execute(sql: """
                INSERT INTO model_price (model, input_per_mtok, output_per_mtok, cached_per_mtok, updated_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(model) DO UPDATE SET input_per_mtok = excluded.input_per_mtok,
                    output_per_mtok = excluded.output_per_mtok, cached_per_mtok = excluded.cached_per_mtok,
                    updated_at = excluded.updated_at
                """, arguments: [price.model, price.inputPerMTok, price.outputPerMTok, price.cachedPerMTok, Date()])
            return !existed
        }
    }

    func delete(model: String) throws -> Bool {
        try database.delete(from: "model_price", where: "model", is: model)
    }

    private static func decode(_ row: Row) -> ModelPrice {
        ModelPrice(model: row["model"], inputPerMTok: row["input_per_mtok"], outputPerMTok: row["output_per_mtok"],
                   cachedPerMTok: row["cached_per_mtok"])
    }
}
