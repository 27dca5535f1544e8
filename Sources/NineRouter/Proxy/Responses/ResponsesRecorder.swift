import Foundation
import NIOCore
import RouterCore

/// Keeps a streamed Responses answer: a translated stream's encoder hands over the complete
/// response; a native stream's is read from its `response.completed` (or `.incomplete`,
/// `.failed`) event. Kept before the event that completes it reaches the client, so a
/// continuation sent the moment the client has it finds it. Used by one response writer at a time.
final class ResponsesRecorder: @unchecked Sendable {
    private let call: ResponsesCall
    private let providerID: Int64
    private let native: Bool
    private let store: ResponseStore
    private let settings: RouterSettings
    private var parser: SSEParser?
    private var saved = false
    /// The newest `sequence_number` of a native stream, so an error event can follow it.
    private(set) var lastSequence = -1

    init(call: ResponsesCall, providerID: Int64, native: Bool, store: ResponseStore, settings: RouterSettings, maxEventBytes: Int) {
        self.call = call
        self.providerID = providerID
        self.native = native
        self.store = store
        self.settings = settings
        parser = native ? SSEParser(maxEventBytes: maxEventBytes) : nil
    }

    /// Reads upstream bytes (native streams only).
    func observe(_ chunk: ByteBufferView) {
        guard var parser else { return }
        for event in parser.feed(chunk) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any] else { continue }
            if let number = object["sequence_number"] as? Int { lastSequence = number }
            if ["response.completed", "response.incomplete", "response.failed"].contains(object["type"] as? String ?? ""),
               let response = object["response"] as? [String: Any] {
                call.capture.keep(call.previousID.map { PreviousIDPatch.patch(response, previousID: $0) } ?? response)
            }
        }
        self.parser = parser
    }

    /// Stores the response once it is complete.
    func saveIfReady() async {
        guard !saved, let json = call.capture.json else { return }
        saved = true
        await call.save(response: json, providerID: providerID, native: native, in: store, settings: settings)
    }
}
