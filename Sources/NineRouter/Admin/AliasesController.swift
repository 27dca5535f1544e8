import Foundation
import Hummingbird
import RouterCore

/// `/api/admin/aliases`: friendly model names, addressed by the alias itself.
struct AliasesController {
    let repositories: Repositories
    let snapshots: SnapshotStore
    let engine: ProxyEngine

    static let fields: Set<String> = ["alias", "targets", "target", "strategy"]

    func register(on group: RouterGroup<AppRequestContext>) {
        group.post("aliases/:name/try") { _, context in
            guard let alias = try await repositories.aliases.find(alias: name(context)) else { throw AdminError.notFound("alias") }
            return JSONOutput.response(await engine.trial(model: alias.alias))
        }
        group.get("aliases") { _, _ in
            JSONOutput.response(["data": try await repositories.aliases.all().map(AliasView.init)])
        }
        group.post("aliases") { request, _ in
            let body = try await JSONFields.read(request)
            let now = Date()
            var alias = ModelAlias(id: 0, alias: "", targets: [], strategy: .fallback, createdAt: now, updatedAt: now)
            try await apply(body, to: &alias, creating: true)
            let stored = try await AdminResource.write(name: alias.alias, field: "alias") { try await repositories.aliases.insert(alias) }
            try await snapshots.reload()
            return JSONOutput.response(AliasView(stored), status: .created)
        }
        group.get("aliases/:name") { _, context in
            JSONOutput.response(AliasView(try await find(context)))
        }
        group.patch("aliases/:name") { request, context in
            var alias = try await find(context)
            let body = try await JSONFields.read(request)
            try await apply(body, to: &alias, creating: false)
            alias.updatedAt = Date()
            try await AdminResource.write(name: alias.alias, field: "alias") { try await repositories.aliases.update(alias) }
            try await snapshots.reload()
            return JSONOutput.response(AliasView(alias))
        }
        group.delete("aliases/:name") { _, context in
            guard try await repositories.aliases.delete(alias: name(context)) else { throw AdminError.notFound("alias") }
            try await snapshots.reload()
            return Response(status: .noContent)
        }
    }

    private func name(_ context: AppRequestContext) -> String {
        context.parameters.get("name") ?? ""
    }

    private func find(_ context: AppRequestContext) async throws -> ModelAlias {
        guard let alias = try await repositories.aliases.find(alias: name(context)) else { throw AdminError.notFound("alias") }
        return alias
    }

    private func apply(_ body: JSONFields, to alias: inout ModelAlias, creating: Bool) async throws {
        try body.rejectUnknown(allowed: Self.fields)
        if let name = try body.string("alias") {
            guard ModelAlias.isValidName(name) else {
                throw AdminError.invalid("alias", "'alias' must be 1 to 128 letters, digits or -_.:")
            }
            alias.alias = name
        } else if creating {
            throw AdminError.invalid("alias", "'alias' is required")
        }
        let list = try body.strings("targets")
        let single = try body.string("target")
        if list != nil, single != nil {
            throw AdminError.invalid("targets", "give either 'targets' or 'target', not both")
        }
        if let targets = list ?? single.map({ [$0] }) {
            guard !targets.isEmpty else { throw AdminError.invalid("targets", "an alias needs at least one target") }
            alias.targets = try Validate.modelList(targets, field: "targets", maxCount: 20)
        } else if creating {
            throw AdminError.invalid("targets", "'targets' is required")
        }
        if let strategy = try Validate.enumValue(try body.string("strategy"), "strategy", as: RoutingStrategy.self) {
            alias.strategy = strategy
        }
        if alias.targets.contains(alias.alias) {
            throw AdminError.invalid("targets", "an alias may not point at itself")
        }
        let others = try await repositories.aliases.all().filter { $0.id != alias.id }
        let otherNames = Set(others.map(\.alias))
        if let chained = alias.targets.first(where: otherNames.contains) {
            throw AdminError.invalid("targets", "'\(chained)' is an alias; targets must be models, not other aliases")
        }
        if let user = others.first(where: { $0.targets.contains(alias.alias) }) {
            throw AdminError.invalid("alias", "alias '\(user.alias)' already targets '\(alias.alias)' as a model")
        }
    }
}

struct AliasView: Encodable {
    let id: Int64
    let alias: String
    let targets: [String]
    let strategy: String
    let created_at: Date
    let updated_at: Date

    init(_ a: ModelAlias) {
        id = a.id
        alias = a.alias
        targets = a.targets
        strategy = a.strategy.rawValue
        created_at = a.createdAt
        updated_at = a.updatedAt
    }
}
