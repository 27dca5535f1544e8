import Foundation
import HTTPTypes
import NIOCore
import RouterCore

/// The gateway's side of one `/v1/responses` call: the id a translated answer goes out under,
/// what the response echoes, the earlier turns `previous_response_id` names (checked against
/// the caller's key before any provider is asked) and, once the answer is known, its storing.
struct ResponsesCall: Sendable {
    let id: String
    let model: String
    let keyID: Int64?
    /// The request as the client sent it.
    let request: JSONObjectBox
    /// The request fields the response repeats.
    let echo: JSONObjectBox
    let store: Bool
    let includeEncrypted: Bool
    let previousID: String?
    /// The conversation `previous_response_id` continues, oldest first.
    let chain: [ResponseStore.Entry]
    /// This call's input items, each with an id (JSON array text).
    let input: String
    let capture = ResponseCapture()

    static func prepare(_ call: ClientRequest, store: ResponseStore) async throws(GatewayError) -> ResponsesCall {
        guard let body = try? JSONSerialization.jsonObject(with: Data(call.body.readableBytesView)) as? [String: Any] else {
            throw GatewayError.invalidRequest("The body must be a JSON object.", code: "invalid_json")
        }
        let previousID = body["previous_response_id"] as? String
        var chain: [ResponseStore.Entry] = []
        if let previousID {
            let found = try? await store.chain(endingWith: previousID)
            guard let found, let last = found.last, last.keyID == call.appKey?.id, last.stored else {
                throw GatewayError(status: .badRequest, type: "invalid_request_error", code: "previous_response_not_found",
                                   message: "Previous response with id '\(ProxyEngine.shown(previousID))' not found.",
                                   param: "previous_response_id")
            }
            chain = found
        }
        let include = body["include"] as? [String] ?? []
        return ResponsesCall(id: "resp_" + Self.randomHex(24), model: call.model, keyID: call.appKey?.id,
                             request: JSONObjectBox(body), echo: JSONObjectBox(OpenAIResponses.echo(of: body)), store: body["store"] as? Bool ?? true,
                             includeEncrypted: include.contains("reasoning.encrypted_content"), previousID: previousID,
                             chain: chain, input: JSONText.unsorted(ResponseItems.identified(body["input"])))
    }

    /// What the Responses encoders need to write this call's answer.
    func context(created: Int = Int(Date().timeIntervalSince1970)) -> ClientContext {
        var context = ClientContext(requestedModel: model, created: created)
        context.responseID = id
        context.echo = echo
        context.includeEncrypted = includeEncrypted
        context.capture = capture
        return context
    }

    /// The request for one candidate as a JSON object: as sent when the connection itself holds
    /// the earlier turns (native, and the previous response came from it), else with the earlier
    /// turns written into `input` and `previous_response_id` gone.
    func requestObject(forNative native: Bool, providerID: Int64) -> [String: Any]? {
        guard !chain.isEmpty else { return nil }
        if native, !rebuildsTurns(forNativeProvider: providerID) { return nil }
        var body = request.value
        body.removeValue(forKey: "previous_response_id")
        var items: [[String: Any]] = []
        for entry in chain {
            items += ResponseItems.array(entry.input)
            items += (JSONText.dictionary(entry.response ?? "{}")["output"] as? [[String: Any]] ?? [])
        }
        items += ResponseItems.array(input)
        body["input"] = native ? ResponseItems.forNative(items) : items
        return body
    }

    /// A native connection gets the earlier turns written in unless it made the previous response.
    func rebuildsTurns(forNativeProvider providerID: Int64) -> Bool {
        guard let last = chain.last else { return false }
        return !(last.native && last.providerID == providerID)
    }

    /// A native answer to rebuilt turns, naming the previous response the client continued.
    func patchedNativeAnswer(_ body: [UInt8], providerID: Int64) -> [UInt8] {
        guard let previousID, rebuildsTurns(forNativeProvider: providerID),
              let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return body }
        return Array(JSONText.unsorted(PreviousIDPatch.patch(object, previousID: previousID)).utf8)
    }

    /// Keeps the answer: the whole response when stored, else only who owns its id.
    func save(response json: String?, providerID: Int64?, native: Bool, in repository: ResponseStore,
              settings: RouterSettings) async {
        // A translated answer goes out under this call's id; a native one under the provider's.
        let known = native ? capture.id : id
        guard let json, let answerID = known ?? JSONText.dictionary(json)["id"] as? String else { return }
        let entry = ResponseStore.Entry(id: answerID, keyID: keyID, createdAt: Date(), providerID: providerID, native: native,
                                        stored: store, previousID: previousID, input: store ? input : "[]",
                                        response: store ? json : nil)
        try? await repository.save(entry, retentionDays: settings.responsesRetentionDays, maxCount: settings.responsesMaxStored)
    }

    /// `bytes` random bytes as lowercase hex (by table: Foundation's formatting is slow on Linux).
    static func randomHex(_ bytes: Int) -> String {
        var rng = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes * 2)
        // Eight bytes a draw: the system generator costs a system call each time.
        while out.count < bytes * 2 {
            var word = rng.next()
            for _ in 0..<min(8, bytes - out.count / 2) {
                out.append(digits[Int(word >> 4 & 0x0f)])
                out.append(digits[Int(word & 0x0f)])
                word >>= 8
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
