import Foundation
import Hummingbird
import NIOCore
import RouterCore

/// The dashboard's "try it": one tiny chat completion through the real data path (routing,
/// fallback, translation, call record), made by the admin rather than an app key, reporting
/// which provider answered.
extension ProxyEngine {
    struct TrialResult: Encodable {
        let request_id: String
        let status: Int
        let provider: Nullable<String>
        let latency_ms: Double
        let reply: Nullable<String>
        let error: Nullable<String>
    }

    func trial(model: String) async -> TrialResult {
        let requestID = RequestID.next()
        let snapshot = snapshots.current
        let trace = CallTrace(requestID: requestID, endpoint: .chatCompletions, client: "dashboard", recorder: recorder,
                              snapshot: snapshot, routing: state)
        trace.asked(model: model, stream: false)
        let payload: [String: Any] = ["model": model, "max_tokens": 16,
                                      "messages": [["role": "user", "content": "Reply with the single word OK."]]]
        let bytes = (try? JSONSerialization.data(withJSONObject: payload)).map { Array($0) } ?? []
        let call = ClientRequest(appKey: nil, body: ByteBuffer(bytes: bytes), model: model, stream: false, includeUsage: false,
                                 hasStreamOptions: false, requestID: requestID, forwardedHeaders: [],
                                 hopMarks: [gatewayID])
        do {
            let response = try await forward(call, endpoint: .chatCompletions, snapshot: snapshot, trace: trace)
            let provider = response.headers[.init("x-ninerouter-provider")!]
            let collector = BodyCollector()
            try await response.body.write(CollectingWriter(collector: collector))
            let object = (try? JSONSerialization.jsonObject(with: Data(collector.bytes))) as? [String: Any] ?? [:]
            let reply = ((object["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String
            let error = ModelListing.errorMessage(from: collector.bytes)
            return TrialResult(request_id: requestID, status: Int(response.status.code), provider: Nullable(provider),
                               latency_ms: Figures.round(trace.elapsedMs, places: 1), reply: Nullable(reply),
                               error: Nullable(response.status.code < 400 ? nil : error))
        } catch let error as GatewayError {
            trace.finish(status: Int(error.status.code), error: error.message)
            return TrialResult(request_id: requestID, status: Int(error.status.code), provider: Nullable(nil),
                               latency_ms: Figures.round(trace.elapsedMs, places: 1), reply: Nullable(nil),
                               error: Nullable(error.message))
        } catch {
            trace.finish(status: 500, error: "internal error")
            return TrialResult(request_id: requestID, status: 500, provider: Nullable(nil), latency_ms: 0, reply: Nullable(nil),
                               error: Nullable("The call failed inside the gateway; see its log."))
        }
    }
}

/// Bytes of a response body written to memory.
final class BodyCollector: @unchecked Sendable {
    var bytes: [UInt8] = []
}

struct CollectingWriter: ResponseBodyWriter {
    let collector: BodyCollector

    mutating func write(_ buffer: ByteBuffer) async throws {
        collector.bytes.append(contentsOf: buffer.readableBytesView)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
