import Foundation
import Hummingbird

/// Gemini's streamed answer (`:streamGenerateContent`): SSE `data:` events with `alt=sse`,
/// else one JSON array written out piece by piece.
extension GeminiWire {
    /// Streamed: one event per part of each candidate; the last carries the finish reason and
    /// the final usage (every event carries the running usage, as the service does).
    static func stream(_ answers: [Answer], model: String, sse: Bool, cutAfter: Int?, pause: Int, script: FakeScript) -> Response {
        let steps = answers.map(\.parts.count).max() ?? 0
        var events: [String] = []
        for step in 0..<steps {
            var candidates: [[String: Any]] = []
            for (index, answer) in answers.enumerated() where step < answer.parts.count {
                candidates.append(candidate([answer.parts[step]], index: index,
                                            finishReason: step == answer.parts.count - 1 ? answer.finishReason : nil))
            }
            let object: [String: Any] = ["candidates": candidates, "usageMetadata": usage(answers, upTo: step + 1),
                                         "modelVersion": model, "responseId": "fakeGeminiResponse1"]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            events.append(String(decoding: data, as: UTF8.self))
        }
        let toSend = cutAfter.map { Array(events.prefix($0)) } ?? events
        let cut = cutAfter != nil
        let contentType = sse ? "text/event-stream" : "application/json; charset=UTF-8"
        let framed = toSend.enumerated().map { offset, event in
            sse ? "data: " + event + "\r\n\r\n" : (offset == 0 ? "[" : ",\r\n") + event
        }
        return FakeProvider.eventStream(framed, pause: pause, cut: cut, script: script, contentType: contentType,
                                        closing: sse ? nil : "]")
    }
}
