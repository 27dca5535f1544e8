import Foundation
import Hummingbird
import RouterCore

/// `/api/admin/prices`: USD per million tokens per model, the basis of every call's cost.
/// A few current list prices come built in; all of them can be changed or removed.
struct PricesController {
    let repositories: Repositories
    let snapshots: SnapshotStore

    static let fields: Set<String> = ["input_per_mtok", "output_per_mtok", "cached_per_mtok"]

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("prices") { _, _ in
            JSONOutput.response(["data": try await repositories.prices.all().map(PriceView.init)])
        }
        group.get("prices/:model") { _, context in
            guard let price = try await repositories.prices.find(model: try Self.model(context)) else { throw AdminError.notFound("price") }
            return JSONOutput.response(PriceView(price))
        }
        group.put("prices/:model") { request, context in
            let model = try Self.model(context, writing: true)
            let body = try await JSONFields.read(request)
            try body.rejectUnknown(allowed: Self.fields)
            guard let input = try body.amount("input_per_mtok") else {
                throw AdminError.invalid("input_per_mtok", "'input_per_mtok' is required")
            }
            guard let output = try body.amount("output_per_mtok") else {
                throw AdminError.invalid("output_per_mtok", "'output_per_mtok' is required")
            }
            let price = ModelPrice(model: model, inputPerMTok: input, outputPerMTok: output,
                                   cachedPerMTok: try body.amount("cached_per_mtok", nullable: true))
            let created = try await repositories.prices.put(price)
            try await snapshots.reload()
            return JSONOutput.response(PriceView(price), status: created ? .created : .ok)
        }
        group.delete("prices/:model") { _, context in
            guard try await repositories.prices.delete(model: try Self.model(context)) else { throw AdminError.notFound("price") }
            try await snapshots.reload()
            return Response(status: .noContent)
        }
    }

    /// The `{model}` of the path: letters, digits and `_ . : @ -`, up to 200 characters
    /// (no such model has a price; writing one is refused at the field).
    static func model(_ context: AppRequestContext, writing: Bool = false) throws -> String {
        guard let model = context.parameters.get("model"), (1...200).contains(model.count),
              model.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_.:@-".unicodeScalars.contains($0)) })
        else {
            throw writing ? AdminError.invalid("model", "a model name has 1 to 200 letters, digits or _ . : @ -")
                : AdminError.notFound("price")
        }
        return model
    }
}

struct PriceView: Encodable {
    let model: String
    let input_per_mtok: Double
    let output_per_mtok: Double
    let cached_per_mtok: Nullable<Double>

    init(_ price: ModelPrice) {
        model = price.model
        input_per_mtok = price.inputPerMTok
        output_per_mtok = price.outputPerMTok
        cached_per_mtok = Nullable(price.cachedPerMTok)
    }
}
