import Foundation
import Hummingbird
import RouterCore

/// `GET /v1/responses/{id}`, `DELETE /v1/responses/{id}` and
/// `GET /v1/responses/{id}/input_items`: stored responses, each visible only to the app key
/// that made it (any other gets OpenAI's 404).
struct ResponsesRoutes {
    let engine: ProxyEngine

    func register(on v1: RouterGroup<AppRequestContext>) {
        v1.post("responses") { request, context in
            await engine.handle(request, context: context, endpoint: .responses)
        }
        v1.get("responses/{id}") { request, context in
            await answer(request, context) { entry in
                guard request.uri.queryParameters.get("stream") != "true" else {
                    throw GatewayError.invalidRequest("'stream' is not supported when retrieving a stored response.", param: "stream")
                }
                let response = JSONText.dictionary(entry.response ?? "{}")
                let include = request.uri.queryParameters.getAll("include") + request.uri.queryParameters.getAll("include[]")
                return include.contains("reasoning.encrypted_content") ? response : OpenAIResponses.withoutSignatures(response)
            }
        }
        v1.delete("responses/{id}") { request, context in
            await answer(request, context) { entry in
                _ = try? await engine.responses.delete(entry.id)
                return ["id": entry.id, "object": "response", "deleted": true]
            }
        }
        v1.get("responses/{id}/input_items") { request, context in
            await answer(request, context) { entry in try Self.page(ResponseItems.array(entry.input), query: request.uri.queryParameters) }
        }
    }

    /// Runs `body` on the caller's own stored response, in OpenAI's envelopes.
    private func answer(_ request: Request, _ context: AppRequestContext,
                        _ body: (ResponseStore.Entry) async throws -> [String: Any]) async -> Response {
        let requestID = RequestID.next()
        do {
            let key = try ClientRequest.authenticate(request, snapshot: engine.snapshots.current)
            if key == nil { try engine.hostGuard.check(request) }
            let id = context.parameters.get("id") ?? ""
            guard let entry = try? await engine.responses.find(id), entry.keyID == key?.id, entry.stored, entry.response != nil else {
                throw GatewayError(status: .notFound, type: "invalid_request_error",
                                   message: "Response with id '\(ProxyEngine.shown(id))' not found.")
            }
            let object = try await body(entry)
            return Response(status: .ok, headers: [.contentType: "application/json", .init("x-request-id")!: requestID],
                            body: .init(byteBuffer: ByteBuffer(string: JSONText.unsorted(object))))
        } catch let error as GatewayError {
            return error.response(requestID: requestID)
        } catch {
            return GatewayError.invalidRequest("The request could not be read.").response(requestID: requestID)
        }
    }

    /// One page of input items, as OpenAI's list: `order` desc by default, `limit` 1–100
    /// (default 20), `after` an item id.
    static func page(_ items: [[String: Any]], query: Parameters) throws(GatewayError) -> [String: Any] {
        let order = query.get("order") ?? "desc"
        guard order == "asc" || order == "desc" else {
            throw GatewayError.invalidRequest("'order' must be 'asc' or 'desc'.", param: "order")
        }
        var limit = 20
        if let text = query.get("limit") {
            guard let value = Int(text), (1...100).contains(value) else {
                throw GatewayError.invalidRequest("'limit' must be an integer from 1 to 100.", param: "limit")
            }
            limit = value
        }
        var ordered = order == "desc" ? Array(items.reversed()) : items
        if let after = query.get("after") {
            guard let position = ordered.firstIndex(where: { $0["id"] as? String == after }) else {
                throw GatewayError.invalidRequest("No input item with id '\(ProxyEngine.shown(after))' in this response.",
                                                  param: "after")
            }
            ordered = Array(ordered[(position + 1)...])
        }
        let page = Array(ordered.prefix(limit))
        return ["object": "list", "data": page, "first_id": page.first?["id"] ?? NSNull(),
                "last_id": page.last?["id"] ?? NSNull(), "has_more": ordered.count > limit]
    }
}
