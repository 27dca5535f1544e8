import Foundation
import HTTPTypes
import NIOCore
import RouterCore

/// A native connection's stream for a call whose earlier turns the gateway wrote into `input`
/// (the connection never saw them): the provider's response objects name no previous response,
/// so the one the client continued is put back in; every other event passes as it came.
struct PreviousIDPatch: StreamTranslator {
    let previousID: String
    private var lastSequence = -1

    init(previousID: String) {
        self.previousID = previousID
    }

    mutating func translate(_ event: SSEParser.Event) -> String {
        var object = JSONText.dictionary(event.data)
        if let number = object["sequence_number"] as? Int { lastSequence = number }
        guard let response = object["response"] as? [String: Any] else {
            return (event.name.map { "event: \($0)\n" } ?? "")
                + event.data.split(separator: "\n", omittingEmptySubsequences: false).map { "data: \($0)\n" }.joined() + "\n"
        }
        object["response"] = Self.patch(response, previousID: previousID)
        return JSONText.sseEvent(object, name: event.name)
    }

    mutating func finish() -> String { "" }

    mutating func fail(_ message: String) -> String {
        String(buffer: GatewayError(status: .badGateway, type: "server_error", code: "stream_interrupted", message: message)
            .sseEvent(.openAIResponses, sequence: lastSequence + 1))
    }

    static func patch(_ response: [String: Any], previousID: String) -> [String: Any] {
        var response = response
        response["previous_response_id"] = previousID
        return response
    }
}
