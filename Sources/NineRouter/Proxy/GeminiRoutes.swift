import Foundation
import Hummingbird
import RouterCore

/// Google's Generative Language API for apps on the google-genai SDK:
/// `POST /v1beta/models/{model}:generateContent`, `:streamGenerateContent` (`alt=sse`, else one
/// JSON array), `:countTokens`, and `GET /v1beta/models[/{model}]`. The key comes in
/// `x-goog-api-key` (or `?key=`); errors use Google's envelope.
struct GeminiRoutes {
    let engine: ProxyEngine

    func register(on router: Router<AppRequestContext>) {
        let v1beta = router.group("v1beta")
        v1beta.post("models/{target}") { request, context in
            let target = context.parameters.get("target") ?? ""
            guard let colon = target.lastIndex(of: ":"),
                  let endpoint = Self.endpoints[String(target[target.index(after: colon)...])] else {
                return GatewayError(status: .notFound, type: "not_found", message: "Unknown method: use :generateContent, "
                                    + ":streamGenerateContent or :countTokens.")
                    .response(requestID: RequestID.next(), format: .geminiGenerateContent)
            }
            let sse = request.uri.queryParameters.get("alt") == "sse"
            return await engine.handle(request, context: context, endpoint: endpoint,
                                       target: PathTarget(model: String(target[..<colon]), stream: endpoint == .geminiStream, sse: sse))
        }
        v1beta.get("models") { request, _ in list(request, only: nil) }
        v1beta.get("models/{target}") { request, context in list(request, only: context.parameters.get("target") ?? "") }
    }

    static let endpoints: [String: V1Endpoint] = [
        "generateContent": .geminiGenerate, "streamGenerateContent": .geminiStream, "countTokens": .geminiCountTokens,
    ]

    /// The models the key may use, as Google lists them (`models/<id>`).
    private func list(_ request: Request, only: String?) -> Response {
        let requestID = RequestID.next()
        let snapshot = engine.snapshots.current
        do {
            let key = try ClientRequest.authenticate(request, snapshot: snapshot, queryKey: true)
            if key == nil { try engine.hostGuard.check(request) }
            let ids = ModelResolver.availableModels(in: snapshot, allowed: key?.allowedModels)
            let models = ids.map(Self.model)
            let body: [String: Any]
            if let only {
                let wanted = only.hasPrefix("models/") ? String(only.dropFirst(7)) : only
                guard let model = models.first(where: { $0["name"] as? String == "models/" + wanted }) else {
                    throw GatewayError(status: .notFound, type: "not_found",
                                       message: "Model '\(ProxyEngine.shown(only))' is not found or not available to this key.")
                }
                body = model
            } else {
                body = ["models": models]
            }
            return Response(status: .ok, headers: [.contentType: "application/json", .init("x-request-id")!: requestID],
                            body: .init(byteBuffer: ByteBuffer(string: JSONText.compact(body))))
        } catch let error as GatewayError {
            return error.response(requestID: requestID, format: .geminiGenerateContent)
        } catch {
            return GatewayError.invalidRequest("The request could not be read.").response(requestID: requestID, format: .geminiGenerateContent)
        }
    }

    static func model(_ id: String) -> [String: Any] {
        ["name": "models/" + id, "baseModelId": id, "version": "001", "displayName": id,
         "description": "Served by NineRouter.", "inputTokenLimit": 1_048_576, "outputTokenLimit": 65_536,
         "supportedGenerationMethods": ["generateContent", "streamGenerateContent", "countTokens"]]
    }
}
