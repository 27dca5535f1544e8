import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Azure OpenAI's data plane as documented (https://learn.microsoft.com/azure/ai-foundry/openai/reference
/// and …/latest): the v1 API under `/openai/v1/…` (the body names the deployment as its model)
/// and the deployments API under `/openai/deployments/{deployment}/…?api-version=…`. The key in
/// `api-key` (the v1 API also takes it as a bearer token, as OpenAI's own client sends it).
/// Responses at `/openai/v1/responses` (and `/openai/responses?api-version=…`), as OpenAI's.
/// OpenAI's bodies plus Azure's content filtering: an answer carries `prompt_filter_results`
/// and each choice `content_filter_results`; a stream opens with a chunk holding only the
/// prompt's filter results (no choices, an empty id). Deployments are the fake's models.
struct AzureFake {
    let provider: FakeProvider

    func register(on router: Router<BasicRequestContext>, prefix: String) {
        let openai = OpenAIFake(provider: provider, checksKey: false)
        let kinds: [(String, OpenAIFake.Kind)] = [("chat/completions", .chat), ("completions", .text), ("embeddings", .embedding)]
        for (path, kind) in kinds {
            router.post(RouterPath(prefix + "openai/v1/" + path)) { request, _ in
                guard authorized(request, bearerToo: true) else { return Self.accessDenied() }
                return try await Self.filtered(try await openai.answer(request, kind: kind))
            }
            router.post(RouterPath(prefix + "openai/deployments/{deployment}/" + path)) { request, context in
                guard request.uri.queryParameters["api-version"] != nil else { return Self.resourceNotFound() }
                guard authorized(request, bearerToo: false) else { return Self.accessDenied() }
                guard let deployment = context.parameters.get("deployment"), provider.models.contains(deployment) else {
                    return Self.deploymentNotFound()
                }
                return try await Self.filtered(try await openai.answer(request, kind: kind))
            }
        }
        // Responses are per resource: the v1 API, and the preview API under an api-version.
        let responses = OpenAIResponsesFake(provider: provider, checksKey: false)
        router.post(RouterPath(prefix + "openai/v1/responses")) { request, _ in
            guard authorized(request, bearerToo: true) else { return Self.accessDenied() }
            return try await responses.answer(request)
        }
        router.post(RouterPath(prefix + "openai/responses")) { request, _ in
            guard request.uri.queryParameters["api-version"] != nil else { return Self.resourceNotFound() }
            guard authorized(request, bearerToo: false) else { return Self.accessDenied() }
            return try await responses.answer(request)
        }
        router.get(RouterPath(prefix + "openai/v1/models")) { request, _ in
            guard authorized(request, bearerToo: true) else { return Self.accessDenied() }
            return FakeProvider.json(.ok, OpenAIWire.modelList(provider.models))
        }
    }

    private func authorized(_ request: Request, bearerToo: Bool) -> Bool {
        request.headers[.init("api-key")!] == provider.apiKey
            || (bearerToo && request.headers[.authorization] == "Bearer \(provider.apiKey)")
    }

    static func accessDenied() -> Response {
        FakeProvider.json(.unauthorized, ["error": ["code": "401", "message": "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."]])
    }

    static func resourceNotFound() -> Response {
        FakeProvider.json(.notFound, ["error": ["code": "404", "message": "Resource not found"]])
    }

    static func deploymentNotFound() -> Response {
        FakeProvider.json(.notFound, ["error": ["code": "DeploymentNotFound", "message": "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."]])
    }

    static var safe: [String: Any] { ["hate": ["filtered": false, "severity": "safe"], "self_harm": ["filtered": false, "severity": "safe"],
                                      "sexual": ["filtered": false, "severity": "safe"], "violence": ["filtered": false, "severity": "safe"]] }
    static var promptFilter: [[String: Any]] { [["prompt_index": 0, "content_filter_results": safe]] }

    /// OpenAI's answer with Azure's content-filter results added.
    static func filtered(_ response: Response) async throws -> Response {
        guard response.status == .ok else { return response }
        let type = response.headers[.contentType] ?? ""
        if type.hasPrefix("text/event-stream") {
            let opening: [String: Any] = ["choices": [], "created": 0, "id": "", "model": "", "object": "", "prompt_filter_results": promptFilter]
            let first = "data: " + String(decoding: (try? JSONSerialization.data(withJSONObject: opening, options: [.sortedKeys])) ?? Data(), as: UTF8.self) + "\n\n"
            let body = response.body
            return Response(status: .ok, headers: response.headers, body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: first))
                try await body.write(writer)
            })
        }
        guard type.hasPrefix("application/json") else { return response }
        let collector = Collector()
        try await response.body.write(collector.writer)
        guard var object = try? JSONSerialization.jsonObject(with: Data(collector.bytes.bytes)) as? [String: Any],
              let choices = object["choices"] as? [[String: Any]] else { return FakeProvider.json(.ok, (try? JSONSerialization.jsonObject(with: Data(collector.bytes.bytes))) ?? [:]) }
        object["prompt_filter_results"] = promptFilter
        object["choices"] = choices.map { choice in choice.merging(["content_filter_results": safe]) { $1 } }
        return FakeProvider.json(.ok, object)
    }
}

/// Gathers a response body written by Hummingbird's writer protocol.
private struct Collector {
    let bytes = Bytes()

    final class Bytes: @unchecked Sendable {
        var bytes: [UInt8] = []
    }

    struct Writer: ResponseBodyWriter {
        let sink: Bytes
        mutating func write(_ buffer: ByteBuffer) async throws { sink.bytes += buffer.readableBytesView }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }

    var writer: Writer { Writer(sink: bytes) }
}
