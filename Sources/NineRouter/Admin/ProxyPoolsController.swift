import Foundation
import Hummingbird
import RouterCore

/// `/api/admin/proxy-pools`: outbound proxy pools. Credentials are masked on read; a
/// masked proxy sent back keeps its stored password.
struct ProxyPoolsController {
    let repositories: Repositories
    let snapshots: SnapshotStore
    let probe: UpstreamProbe
    let routing: RoutingState

    static let fields: Set<String> = ["name", "proxies", "strategy", "strict"]
    static let defaultTestTarget = "https://api.openai.com/v1/models"

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("proxy-pools") { _, _ in
            JSONOutput.response(["data": try await repositories.proxyPools.all().map(view)])
        }
        group.post("proxy-pools") { request, _ in
            let body = try await JSONFields.read(request)
            let now = Date()
            var pool = ProxyPool(id: 0, name: "", proxies: [], strategy: .roundRobin, strict: true, createdAt: now, updatedAt: now)
            try apply(body, to: &pool, creating: true)
            let stored = try await AdminResource.write(name: pool.name) { try await repositories.proxyPools.insert(pool) }
            try await snapshots.reload()
            return JSONOutput.response(view(stored), status: .created)
        }
        group.get("proxy-pools/:id") { _, context in
            JSONOutput.response(view(try await find(context)))
        }
        group.patch("proxy-pools/:id") { request, context in
            var pool = try await find(context)
            let body = try await JSONFields.read(request)
            try apply(body, to: &pool, creating: false)
            pool.updatedAt = Date()
            try await AdminResource.write(name: pool.name) { try await repositories.proxyPools.update(pool) }
            try await snapshots.reload()
            return JSONOutput.response(view(pool))
        }
        group.delete("proxy-pools/:id") { _, context in
            switch try await repositories.proxyPools.delete(id: try AdminResource.id(context)) {
            case .deleted:
                try await snapshots.reload()
                return Response(status: .noContent)
            case .notFound:
                throw AdminError.notFound("proxy pool")
            case .inUse(let providers):
                throw AdminError.conflict("proxy pool is used by provider(s) \(providers.joined(separator: ", ")); detach them first")
            }
        }
        group.post("proxy-pools/:id/test") { request, context in
            let pool = try await find(context)
            let body = try await JSONFields.read(request, required: false)
            try body.rejectUnknown(allowed: ["url", "proxy"])
            let target = try body.string("url").map { try Validate.baseURL($0, field: "url") } ?? Self.defaultTestTarget
            var tested = pool
            if let index = try body.int("proxy") {
                guard pool.proxies.indices.contains(index) else {
                    throw AdminError.invalid("proxy", "'proxy' must be the index of one of the pool's \(pool.proxies.count) proxies")
                }
                tested.proxies = [pool.proxies[index]]
            }
            let results = await probe.testPool(tested, target: target)
            return JSONOutput.response(PoolTestView(target: target, ok_count: results.filter(\.ok).count,
                                                    total: results.count, results: results))
        }
    }

    private func view(_ pool: ProxyPool) -> ProxyPoolView {
        ProxyPoolView(pool, health: pool.proxies.map { proxy in
            let status = routing.proxyStatus(proxy, in: pool)
            return ProxyPoolView.Health(proxy: proxy.description, down_until: Nullable(status.downUntil),
                                        last_error: Nullable(status.lastError))
        })
    }

    private func find(_ context: AppRequestContext) async throws -> ProxyPool {
        guard let pool = try await repositories.proxyPools.find(id: try AdminResource.id(context)) else { throw AdminError.notFound("proxy pool") }
        return pool
    }

    private func apply(_ body: JSONFields, to pool: inout ProxyPool, creating: Bool) throws {
        try body.rejectUnknown(allowed: Self.fields)
        if let name = try Validate.name(try body.string("name"), required: creating) { pool.name = name }
        if let texts = try body.strings("proxies") {
            guard texts.count <= 1000 else { throw AdminError.invalid("proxies", "at most 1000 proxies in a pool") }
            let stored = pool.proxies
            pool.proxies = try texts.enumerated().map { index, text in
                let parsed: ProxyURL
                do {
                    parsed = try ProxyURL(parsing: text)
                } catch let error as ProxyURL.ParseError {
                    throw AdminError.invalid("proxies", "proxies[\(index)]: \(error.description)")
                }
                return stored.first(where: parsed.isMaskedForm(of:)) ?? parsed
            }
        } else if creating {
            throw AdminError.invalid("proxies", "'proxies' is required")
        }
        if let strategy = try Validate.enumValue(try body.string("strategy"), "strategy", as: ProxyPoolStrategy.self) {
            pool.strategy = strategy
        }
        if let strict = try body.bool("strict") { pool.strict = strict }
    }
}

struct ProxyPoolView: Encodable {
    let id: Int64
    let name: String
    let proxies: [String]
    let strategy: String
    let strict: Bool
    let health: [Health]
    let created_at: Date
    let updated_at: Date

    /// Each proxy as the data path sees it: resting after a failed connection, and why.
    struct Health: Encodable {
        let proxy: String
        let down_until: Nullable<Date>
        let last_error: Nullable<String>
    }

    init(_ p: ProxyPool, health: [Health]) {
        self.health = health
        id = p.id
        name = p.name
        proxies = p.proxies.map(\.description)
        strategy = p.strategy.rawValue
        strict = p.strict
        created_at = p.createdAt
        updated_at = p.updatedAt
    }
}

struct PoolTestView: Encodable {
    let target: String
    let ok_count: Int
    let total: Int
    let results: [UpstreamProbe.ProxyResult]
}
