import Foundation
import Hummingbird

/// Google's Generative Language API as documented (https://ai.google.dev/api/generate-content):
/// `POST /v1beta/models/{model}:generateContent` and `:streamGenerateContent` (SSE with
/// `alt=sse`, else one JSON array), the key in `x-goog-api-key` or `?key=`, answers as
/// `GenerateContentResponse` in proto3 JSON (default values such as `index: 0` left out),
/// errors in Google's envelope `{"error":{"code","message","status","details"}}`. Like the
/// real service it refuses unknown fields, roles other than user/model, a function-response
/// turn that does not answer every call, and (for gemini-3 models) a function call sent back
/// without its thought signature. `responseMimeType: application/json` (with `responseJsonSchema`
/// or `responseSchema`) makes the text a JSON document (AnswerFormat, SchemaSample).
struct GeminiFake {
    let provider: FakeProvider
    static let signature = Data("fake-thought-signature/1".utf8).base64EncodedString()

    func register(on router: Router<BasicRequestContext>, prefix: String) {
        router.post(RouterPath(prefix + "v1beta/models/:call")) { request, context in
            try await answer(request, call: context.parameters.get("call") ?? "")
        }
    }

    private func answer(_ request: Request, call: String) async throws -> Response {
        let (text, headers) = try await provider.receive(request)
        let key = headers["x-goog-api-key"] ?? request.uri.queryParameters.get("key")
        guard let key else {
            return GeminiWire.failure(403, "Method doesn't allow unregistered callers (callers without established identity). "
                + "Please use API Key or other form of API consumer identity to call this API.")
        }
        guard key == provider.apiKey else { return GeminiWire.invalidKey() }
        let pieces = call.split(separator: ":", maxSplits: 1).map(String.init)
        if pieces.count == 2, pieces[1] == "countTokens", provider.models.contains(pieces[0]) {
            return GeminiWire.countTokens(text)
        }
        guard pieces.count == 2, ["generateContent", "streamGenerateContent"].contains(pieces[1]) else {
            return GeminiWire.failure(404, "Method not found.")
        }
        let model = pieces[0]
        guard provider.models.contains(model) else {
            return GeminiWire.failure(404, "models/\(model) is not found for API version v1beta, or is not supported for "
                + "\(pieces[1]). Call ListModels to see the list of available models and their supported methods.")
        }
        var cutAfter: Int?
        var pause = 5
        while let fault = provider.script.next() {
            switch fault {
            case .delay(let ms): try await Task.sleep(for: .milliseconds(ms))
            case .status(let code, _): return GeminiWire.failure(code, "scripted \(code)")
            case .cutStreamAfter(let chunks): cutAfter = chunks
            case .slowStream(let ms): pause = ms
            case .raw(let status, let contentType, let body, let headers): return FakeProvider.raw(status, contentType, body, headers)
            case .truncateStream, .oversized: break
            }
            if case .delay = fault { continue }
            break
        }
        guard let body = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            return GeminiWire.failure(400, "Invalid JSON payload received. Unexpected token.")
        }
        if let refusal = GeminiWire.validate(body, model: model) { return GeminiWire.failure(400, refusal) }
        let config = body["generationConfig"] as? [String: Any] ?? [:]
        let format: AnswerFormat
        do { format = try AnswerFormat.gemini(config) } catch { return GeminiWire.failure(400, error.message) }
        let answers = GeminiWire.answers(for: body, name: provider.name, count: config["candidateCount"] as? Int ?? 1,
                                         maxTokens: config["maxOutputTokens"] as? Int, format: format)
        if pieces[1] == "streamGenerateContent" {
            return GeminiWire.stream(answers, model: model, sse: request.uri.queryParameters.get("alt") == "sse",
                                     cutAfter: cutAfter, pause: pause, script: provider.script)
        }
        return FakeProvider.json(.ok, GeminiWire.response(answers, model: model))
    }
}

extension GeminiWire {
    static let statusNames = [400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                              429: "RESOURCE_EXHAUSTED", 499: "CANCELLED", 500: "INTERNAL", 503: "UNAVAILABLE",
                              504: "DEADLINE_EXCEEDED"]

    static func failure(_ code: Int, _ message: String) -> Response {
        var object = error(code: code, status: statusNames[code] ?? "UNKNOWN", message: message)
        if code == 429, var inner = object["error"] as? [String: Any] {
            inner["details"] = [["@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "7s"]]
            object["error"] = inner
        }
        return FakeProvider.json(.init(code: code), object)
    }

    static func invalidKey() -> Response {
        FakeProvider.json(.badRequest, ["error": [
            "code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT",
            "details": [["@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
                         "domain": "googleapis.com", "metadata": ["service": "generativelanguage.googleapis.com"]]],
        ] as [String: Any]])
    }

    static let requestFields: Set = ["contents", "tools", "toolConfig", "safetySettings", "systemInstruction", "generationConfig",
                                     "cachedContent"]
    static let configFields: Set = ["stopSequences", "responseMimeType", "responseSchema", "responseJsonSchema",
                                    "responseModalities", "candidateCount", "maxOutputTokens", "temperature", "topP", "topK",
                                    "seed", "presencePenalty", "frequencyPenalty", "responseLogprobs", "logprobs",
                                    "thinkingConfig", "mediaResolution", "speechConfig"]
    static let partFields: Set = ["text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode",
                                  "codeExecutionResult", "thought", "thoughtSignature", "videoMetadata"]

    /// What the service would refuse in this body, in its words; nil when it is acceptable.
    static func validate(_ body: [String: Any], model: String) -> String? {
        if let unknown = body.keys.sorted().first(where: { !requestFields.contains($0) }) {
            return "Invalid JSON payload received. Unknown name \"\(unknown)\": Cannot find field."
        }
        if let unknown = (body["generationConfig"] as? [String: Any])?.keys.sorted().first(where: { !configFields.contains($0) }) {
            return "Invalid JSON payload received. Unknown name \"\(unknown)\" at 'generation_config': Cannot find field."
        }
        let contents = body["contents"] as? [[String: Any]] ?? []
        guard !contents.isEmpty else { return "* GenerateContentRequest.contents: contents is not specified\n" }
        var previousCalls = 0
        for (turn, content) in contents.enumerated() {
            guard ["user", "model"].contains(content["role"] as? String ?? "user") else {
                return "Please use a valid role: user, model."
            }
            let parts = content["parts"] as? [[String: Any]] ?? []
            guard !parts.isEmpty else { return "* GenerateContentRequest.contents[\(turn)].parts: contents.parts must not be empty.\n" }
            for part in parts {
                if let unknown = part.keys.sorted().first(where: { !partFields.contains($0) }) {
                    return "Invalid JSON payload received. Unknown name \"\(unknown)\" at 'contents[\(turn)].parts[0]': Cannot find field."
                }
                if let call = part["functionCall"] as? [String: Any], model.hasPrefix("gemini-3"),
                   ![GeminiFake.signature, "skip_thought_signature_validator"].contains(part["thoughtSignature"] as? String ?? "") {
                    return "Function call is missing a thought_signature in functionCall parts. This is required for tools to "
                        + "work correctly, and missing thought_signature may lead to degraded model performance. Additional "
                        + "data, function call `default_api:\(call["name"] as? String ?? "")` , position \(turn + 1)."
                }
            }
            let responses = parts.filter { $0["functionResponse"] != nil }.count
            if responses > 0, responses != previousCalls {
                return "Please ensure that the number of function response parts is equal to the number of function call "
                    + "parts of the function call turn."
            }
            previousCalls = parts.filter { $0["functionCall"] != nil }.count
        }
        for tool in body["tools"] as? [[String: Any]] ?? [] {
            for declaration in tool["functionDeclarations"] as? [[String: Any]] ?? [] {
                if declaration["parameters"] != nil, declaration["parametersJsonSchema"] != nil {
                    return "parameters and parameters_json_schema are mutually exclusive"
                }
                if (declaration["name"] as? String ?? "").isEmpty {
                    return "* GenerateContentRequest.tools[0].function_declarations[0].name: Name cannot be empty.\n"
                }
            }
        }
        return nil
    }

    /// One candidate's parts and finish reason.
    struct Answer {
        var parts: [[String: Any]]
        var finishReason: String
        var words: [String] { parts.compactMap { $0["text"] as? String } }
    }

    /// The fake's answer: a function call when tools are offered and the user spoke last,
    /// else "Hello from <name>: <what the user said>" (cut to maxOutputTokens words), as JSON
    /// when the generation config asks for it (AnswerFormat).
    static func answers(for body: [String: Any], name: String, count: Int, maxTokens: Int?, format: AnswerFormat = .text) -> [Answer] {
        let contents = body["contents"] as? [[String: Any]] ?? []
        let last = (contents.last?["parts"] as? [[String: Any]]) ?? []
        let mode = ((body["toolConfig"] as? [String: Any])?["functionCallingConfig"] as? [String: Any])?["mode"] as? String
        let declaration = ((body["tools"] as? [[String: Any]])?.first?["functionDeclarations"] as? [[String: Any]])?.first
        if let declaration, mode != "NONE", !last.contains(where: { $0["functionResponse"] != nil }) {
            let schema = declaration["parametersJsonSchema"] as? [String: Any] ?? declaration["parameters"] as? [String: Any] ?? [:]
            let field = (schema["required"] as? [String])?.first ?? "query"
            let call: [String: Any] = ["functionCall": ["name": declaration["name"] as? String ?? "", "args": [field: said(last)]],
                                       "thoughtSignature": GeminiFake.signature]
            return Array(repeating: Answer(parts: [call], finishReason: "STOP"), count: count)
        }
        let words = format.render("Hello from \(name): " + said(last)).split(separator: " ", omittingEmptySubsequences: false)
            .enumerated().map { $0.offset == 0 ? String($0.element) : " " + $0.element }
        let kept = maxTokens.map { Array(words.prefix($0)) } ?? words
        let answer = Answer(parts: kept.map { ["text": $0] }, finishReason: kept.count < words.count ? "MAX_TOKENS" : "STOP")
        return Array(repeating: answer, count: count)
    }

    /// What a user turn said: its text, `[image]` for images, or what a function returned.
    static func said(_ parts: [[String: Any]]) -> String {
        if let response = parts.first(where: { $0["functionResponse"] != nil })?["functionResponse"] as? [String: Any] {
            let result = response["response"] as? [String: Any] ?? [:]
            let output = result["output"] as? String ?? String(decoding: (try? JSONSerialization.data(
                withJSONObject: result, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
            return "the tool said " + output
        }
        return parts.compactMap { part -> String? in
            if let text = part["text"] as? String { return text }
            if let inline = part["inlineData"] as? [String: Any] {
                return (inline["mimeType"] as? String ?? "").hasPrefix("image/") ? "[image]" : "[media]"
            }
            return part["fileData"] != nil ? "[image]" : nil
        }.joined(separator: " ")
    }

    static func usage(_ answers: [Answer], upTo words: Int? = nil) -> [String: Any] {
        let output = answers.reduce(0) { $0 + min($1.parts.count, words ?? Int.max) * ($1.words.isEmpty ? 9 : 1) }
        return ["promptTokenCount": 12, "candidatesTokenCount": output, "totalTokenCount": 12 + output,
                "promptTokensDetails": [["modality": "TEXT", "tokenCount": 12]]]
    }

    /// A candidate in proto3 JSON: `index` left out when it is 0.
    static func candidate(_ parts: [[String: Any]], index: Int, finishReason: String?) -> [String: Any] {
        var candidate: [String: Any] = ["content": ["parts": parts, "role": "model"]]
        if index != 0 { candidate["index"] = index }
        if let finishReason { candidate["finishReason"] = finishReason }
        return candidate
    }

    static func response(_ answers: [Answer], model: String) -> [String: Any] {
        ["candidates": answers.enumerated().map { candidate($0.element.parts, index: $0.offset, finishReason: $0.element.finishReason) },
         "usageMetadata": usage(answers), "modelVersion": model, "responseId": "fakeGeminiResponse1"]
    }
}

extension GeminiWire {
    /// `countTokens` as documented: `{"totalTokens": N, "promptTokensDetails": [...]}`, N the
    /// words of every text part of `contents` (or of `generateContentRequest.contents`).
    static func countTokens(_ text: String) -> Response {
        let body = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        let contents = body["contents"] as? [[String: Any]]
            ?? (body["generateContentRequest"] as? [String: Any])?["contents"] as? [[String: Any]] ?? []
        let words = contents.flatMap { $0["parts"] as? [[String: Any]] ?? [] }.compactMap { $0["text"] as? String }
            .reduce(0) { $0 + $1.split(separator: " ").count }
        return FakeProvider.json(.ok, ["totalTokens": words,
                                       "promptTokensDetails": [["modality": "TEXT", "tokenCount": words]]])
    }
}
