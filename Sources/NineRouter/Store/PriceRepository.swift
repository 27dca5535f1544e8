import Foundation
import RouterCore

/// Model list prices (seeded with `ModelPrice.builtIn` on first start).
struct PriceRepository: Sendable {
    let store: any StoreDriver

    func all() async throws -> [ModelPrice] {
        try await store.all("SELECT * FROM model_price ORDER BY model", [], Self.decode)
    }

    func find(model: String) async throws -> ModelPrice? {
        try await store.one("SELECT * FROM model_price WHERE model = ?", [model], Self.decode)
    }

    /// Inserts or replaces; true when the model had no price before.
    func put(_ price: ModelPrice) async throws -> Bool {
        let existed = try await find(model: price.model) != nil
        try await store.execute("""
            INSERT INTO model_price (model, input_per_mtok, output_per_mtok, cached_per_mtok, updated_at)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(model) DO UPDATE SET input_per_mtok = excluded.input_per_mtok,
                output_per_mtok = excluded.output_per_mtok, cached_per_mtok = excluded.cached_per_mtok,
                updated_at = excluded.updated_at
            """, [price.model, price.inputPerMTok, price.outputPerMTok, price.cachedPerMTok, Date()])
        return !existed
    }

    func delete(model: String) async throws -> Bool {
        try await store.delete(from: "model_price", where: "model", is: model)
    }

    private static func decode(_ row: SQLRow) -> ModelPrice {
        ModelPrice(model: row.string("model") ?? "", inputPerMTok: row.double("input_per_mtok") ?? 0,
                   outputPerMTok: row.double("output_per_mtok") ?? 0, cachedPerMTok: row.double("cached_per_mtok"))
    }
}
