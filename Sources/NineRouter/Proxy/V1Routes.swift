import Foundation
import Hummingbird
import RouterCore

/// Registers the OpenAI-compatible `/v1` routes.
struct V1Routes {
    let engine: ProxyEngine

    func register(on router: Router<AppRequestContext>) {
        let v1 = router.group("v1")
        v1.post("chat/completions") { request, context in
            await engine.handle(request, context: context, endpoint: .chatCompletions)
        }
        ResponsesRoutes(engine: engine).register(on: v1)
        v1.post("completions") { request, context in
            await engine.handle(request, context: context, endpoint: .completions)
        }
        v1.post("embeddings") { request, context in
            await engine.handle(request, context: context, endpoint: .embeddings)
        }
        v1.post("messages") { request, context in
            await engine.handle(request, context: context, endpoint: .messages)
        }
        v1.post("messages/count_tokens") { request, context in
            await engine.handle(request, context: context, endpoint: .countTokens)
        }
        v1.get("models") { request, _ in
            listModels(request, only: nil)
        }
        v1.get("models/{id}") { request, context in
            listModels(request, only: context.parameters.get("id") ?? "")
        }
    }

    /// `GET /v1/models` lists every model the key may use: provider models and aliases.
    /// `GET /v1/models/{id}` answers one of them, or 404.
    private func listModels(_ request: Request, only: String?) -> Response {
        let requestID = RequestID.next()
        let snapshot = engine.snapshots.current
        let key: AppKey?
        do {
            key = try ClientRequest.authenticate(request, snapshot: snapshot)
            if key == nil { try engine.hostGuard.check(request) }
        } catch {
            return error.response(requestID: requestID)
        }
        var owners: [String: (owner: String, created: Date)] = [:]
        for provider in snapshot.providers where provider.enabled {
            for model in provider.models where owners[model] == nil { owners[model] = (provider.name, provider.createdAt) }
        }
        for alias in snapshot.aliases.values { owners[alias.alias] = ("ninerouter", alias.createdAt) }
        let ids = ModelResolver.availableModels(in: snapshot, allowed: key?.allowedModels)
        let models: [[String: Any]] = ids.map { id in
            ["id": id, "object": "model", "created": Int(owners[id]?.created.timeIntervalSince1970 ?? 0),
             "owned_by": owners[id]?.owner ?? "ninerouter"]
        }
        let body: Any
        if let only {
            guard let model = models.first(where: { $0["id"] as? String == only }) else {
                return GatewayError(status: .notFound, type: "invalid_request_error", code: "model_not_found",
                                   message: "The model '\(ProxyEngine.shown(only))' does not exist or you do not have access to it.",
                                   param: "model").response(requestID: requestID)
            }
            body = model
        } else {
            body = ["object": "list", "data": models] as [String: Any]
        }
        let data = (try? JSONWriting.data(body, sortedKeys: true)) ?? []
        return Response(status: .ok, headers: [.contentType: "application/json", .init("x-request-id")!: requestID],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
