import Foundation
import Hummingbird

/// The streamed Responses answer (https://platform.openai.com/docs/api-reference/responses-streaming):
/// `event: <type>` / `data: <json>` pairs, every event carrying its `type` and a `sequence_number`
/// from 0; response.created and response.in_progress, then per output item its added event, its
/// parts and deltas, its done event, and finally response.completed or response.incomplete.
extension OpenAIResponsesWire {
    /// The events in order, and where each delta (a "chunk" for the cut fault) ends.
    struct EventLog {
        var events: [String] = []
        var deltaEnds: [Int] = []
        var firstDelta: Int?

        mutating func emit(_ type: String, _ fields: [String: Any], delta: Bool = false) {
            var object = fields
            object["type"] = type
            object["sequence_number"] = events.count
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
            if delta, firstDelta == nil { firstDelta = events.count }
            events.append("event: \(type)\ndata: " + String(decoding: data, as: UTF8.self) + "\n\n")
            if delta { deltaEnds.append(events.count) }
        }

        /// The events up to the end of the `chunks`th delta (with 0, up to the first delta).
        func prefix(chunks: Int) -> [String] {
            let ends = [firstDelta ?? events.count] + deltaEnds
            return Array(events.prefix(chunks < ends.count ? ends[max(0, chunks)] : events.count))
        }
    }

    /// A text in pieces as the chat fake streams it: word by word, each after the first with its space.
    static func pieces(_ text: String) -> [String] {
        text.split(separator: " ", omittingEmptySubsequences: false).enumerated()
            .map { $0.offset == 0 ? String($0.element) : " " + $0.element }
    }

    static func events(_ answer: Answer, body: [String: Any], model: String) -> EventLog {
        var log = EventLog()
        log.emit("response.created", ["response": response(answer, body: body, model: model, final: false)])
        log.emit("response.in_progress", ["response": response(answer, body: body, model: model, final: false)])
        var index = 0
        if let summary = answer.summary {
            let id = ["item_id": "rs_fake1", "output_index": index] as [String: Any]
            log.emit("response.output_item.added", ["output_index": index, "item": reasoningItem(answer, done: false)])
            if !summary.isEmpty {
                let part = id.merging(["summary_index": 0]) { $1 }
                log.emit("response.reasoning_summary_part.added", part.merging(["part": summaryPart("")]) { $1 })
                for piece in pieces(summary) {
                    log.emit("response.reasoning_summary_text.delta", part.merging(["delta": piece]) { $1 }, delta: true)
                }
                log.emit("response.reasoning_summary_text.done", part.merging(["text": summary]) { $1 })
                log.emit("response.reasoning_summary_part.done", part.merging(["part": summaryPart(summary)]) { $1 })
            }
            log.emit("response.output_item.done", ["output_index": index, "item": reasoningItem(answer, done: true)])
            index += 1
        }
        if let call = answer.call {
            let id = ["item_id": "fc_fake1", "output_index": index] as [String: Any]
            log.emit("response.output_item.added", ["output_index": index, "item": functionCallItem(call, done: false)])
            let arguments = call.arguments
            let half = arguments.index(arguments.startIndex, offsetBy: arguments.count / 2)
            for piece in [arguments[..<half], arguments[half...]] {
                log.emit("response.function_call_arguments.delta", id.merging(["delta": String(piece)]) { $1 }, delta: true)
            }
            log.emit("response.function_call_arguments.done", id.merging(["arguments": arguments]) { $1 })
            log.emit("response.output_item.done", ["output_index": index, "item": functionCallItem(call, done: true)])
        }
        if answer.hasMessage {
            let part = ["item_id": "msg_fake1", "output_index": index, "content_index": 0] as [String: Any]
            log.emit("response.output_item.added", ["output_index": index, "item": messageItem(answer, done: false)])
            log.emit("response.content_part.added", part.merging(["part": outputText("")]) { $1 })
            for piece in pieces(answer.text) {
                log.emit("response.output_text.delta", part.merging(["delta": piece, "logprobs": [Any]()]) { $1 }, delta: true)
            }
            log.emit("response.output_text.done", part.merging(["text": answer.text, "logprobs": [Any]()]) { $1 })
            log.emit("response.content_part.done", part.merging(["part": outputText(answer.text)]) { $1 })
            log.emit("response.output_item.done", ["output_index": index, "item": messageItem(answer, done: true)])
        }
        log.emit(answer.complete ? "response.completed" : "response.incomplete",
                 ["response": response(answer, body: body, model: model, final: true)])
        return log
    }

    /// Honours the faults as the chat fake's stream does: a pause after every event, a cut after
    /// N deltas, or the first N bytes; a cut or truncated stream ends by dropping the connection.
    static func stream(_ answer: Answer, body: [String: Any], model: String, faults: StreamFaults, script: FakeScript) -> Response {
        let log = events(answer, body: body, model: model)
        let toSend = faults.truncateAt.map { [String(decoding: Array(log.events.joined().utf8).prefix($0), as: UTF8.self)] }
            ?? faults.cutAfter.map { log.prefix(chunks: $0) } ?? log.events
        let cut = faults.cutAfter != nil || faults.truncateAt != nil
        let pause = faults.pause
        return FakeProvider.eventStream(toSend, pause: pause, cut: cut, script: script)
    }
}
