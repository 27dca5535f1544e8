import Foundation
import RouterCore
import Testing

/// Usage read from answers and streams in each provider's format, prices and histograms.
@Suite struct UsageTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func wholeAnswersInEachFormat() {
        let openai = bytes(#"""
            {"id":"c","choices":[{"message":{"content":"the \"usage\":{\"prompt_tokens\":999} trick","tool_calls":[]}}],
             "usage":{"prompt_tokens":20,"completion_tokens":7,"total_tokens":27,"prompt_tokens_details":{"cached_tokens":5}}}
            """#)
        #expect(UsageExtractor.fromBody(openai, format: .openAIChat) == TokenUsage(input: 20, output: 7, cached: 5))
        let anthropic = bytes(#"""
            {"content":[{"type":"tool_use","input":{"usage":{"input_tokens":1}}}],
             "usage" : {"input_tokens":10,"cache_read_input_tokens":30,"cache_creation_input_tokens":2,"output_tokens":9}}
            """#)
        #expect(UsageExtractor.fromBody(anthropic, format: .anthropicMessages) == TokenUsage(input: 42, output: 9, cached: 30))
        let gemini = bytes(#"{"candidates":[],"usageMetadata":{"promptTokenCount":8,"candidatesTokenCount":3,"thoughtsTokenCount":2}}"#)
        #expect(UsageExtractor.fromBody(gemini, format: .geminiGenerateContent) == TokenUsage(input: 8, output: 5, cached: nil))
        #expect(UsageExtractor.fromBody(bytes(#"{"usage":null}"#), format: .openAIChat).isEmpty)
        #expect(UsageExtractor.fromBody(bytes("not json {\"usage\":{"), format: .openAIChat).isEmpty)
        #expect(UsageExtractor.fromBody(bytes(#"{"object":"list","data":[],"usage":{"prompt_tokens":4,"total_tokens":4}}"#),
                                        format: .openAIChat) == TokenUsage(input: 4, output: nil))
    }

    /// Feeds `text` in pieces of `size` bytes; returns what the tap sends on, joined.
    func run(_ tap: inout StreamUsageTap, _ text: String, size: Int) -> String {
        var out: [UInt8] = []
        let all = bytes(text)
        for start in stride(from: 0, to: all.count, by: size) {
            let piece = all[start..<min(start + size, all.count)]
            out += tap.feed(piece) ?? Array(piece)
        }
        out += tap.finish()
        return String(decoding: out, as: UTF8.self)
    }

    @Test(arguments: [1, 3, 7, 64, 4096])
    func injectedOpenAIUsageIsReadThenTakenOut(size: Int) {
        let upstream = """
            data: {"id":"c","choices":[{"index":0,"delta":{"content":"Hi"}}],"usage":null}

            data: {"usage":null,"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

            data: {"id":"c","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}

            data: [DONE]


            """
        var tap = StreamUsageTap(format: .openAIChat, stripInjectedUsage: true)
        let sent = run(&tap, upstream, size: size)
        #expect(sent == """
            data: {"id":"c","choices":[{"index":0,"delta":{"content":"Hi"}}]}

            data: {"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

            data: [DONE]


            """)
        #expect(tap.usage == TokenUsage(input: 9, output: 2))
        #expect(tap.completed)

        var watching = StreamUsageTap(format: .openAIChat)
        #expect(run(&watching, upstream, size: size) == upstream)
        #expect(watching.usage == TokenUsage(input: 9, output: 2))
    }

    /// Issue 12: a server writing `json.dumps` defaults (spaces after `:` and `,`) defeated the
    /// byte patterns, and the client got a usage-only chunk it never asked for.
    @Test(arguments: [1, 5, 4096])
    func injectedUsageIsTakenOutHoweverTheJSONIsSpaced(size: Int) {
        let upstream = """
            data: {"id": "c", "choices": [{"index": 0, "delta": {"content": "a \\"usage\\": null, b"}}], "usage": null}

            data: {"usage" :\tnull, "id": "c", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}

            data: {"id": "c", "choices": [ ], "usage": {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11}}

            data: [DONE]


            """
        var tap = StreamUsageTap(format: .openAIChat, stripInjectedUsage: true)
        let sent = run(&tap, upstream, size: size)
        #expect(sent == """
            data: {"id": "c", "choices": [{"index": 0, "delta": {"content": "a \\"usage\\": null, b"}}]}

            data: {"id": "c", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}

            data: [DONE]


            """)
        #expect(tap.usage == TokenUsage(input: 9, output: 2))
        #expect(tap.completed)
    }

    @Test func anthropicAndGeminiStreams() {
        var anthropic = StreamUsageTap(format: .anthropicMessages)
        let events = """
            event: message_start\r
            data: {"type":"message_start","message":{"usage":{"input_tokens":25,"cache_read_input_tokens":5,"output_tokens":1}}}\r
            \r
            event: content_block_delta\r
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\\"usage\\":{}"}}\r
            \r
            event: message_delta\r
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":15}}\r
            \r

            """
        _ = run(&anthropic, events, size: 5)
        #expect(anthropic.usage == TokenUsage(input: 30, output: 15, cached: 5))
        #expect(!anthropic.completed)
        _ = anthropic.feed(bytes("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"))
        #expect(anthropic.completed)

        var gemini = StreamUsageTap(format: .geminiGenerateContent)
        _ = run(&gemini, #"data: {"candidates":[{"content":{"parts":[{"text":"a"}]}}],"usageMetadata":{"promptTokenCount":4}}"# + "\r\n\r\n"
            + #"data: {"candidates":[{"content":{"parts":[{"text":"b"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":6}}"#
            + "\r\n\r\n", size: 11)
        #expect(gemini.usage == TokenUsage(input: 4, output: 6))
        #expect(gemini.completed)
    }

    @Test func pricesBudgetsAndHistograms() throws {
        let price = ModelPrice(model: "m", inputPerMTok: 2, outputPerMTok: 8, cachedPerMTok: 0.5)
        #expect(price.cost(of: TokenUsage(input: 1_000_000, output: 500_000, cached: 400_000)) == 1.2 + 0.2 + 4)
        #expect(price.cost(of: TokenUsage()) == nil)
        #expect(ModelPrice(model: "m", inputPerMTok: 1, outputPerMTok: 1, cachedPerMTok: nil)
            .cost(of: TokenUsage(input: 10, output: 0, cached: 10)) == 0.00001)

        let now = try #require(ISO8601DateFormatter().date(from: "2026-11-25T13:45:00Z"))
        #expect(BudgetPeriod.daily.start(containing: now) == ISO8601DateFormatter().date(from: "2026-11-25T00:00:00Z"))
        #expect(BudgetPeriod.monthly.start(containing: now) == ISO8601DateFormatter().date(from: "2026-11-01T00:00:00Z"))
        #expect(BudgetPeriod.monthly.nextStart(after: now) == ISO8601DateFormatter().date(from: "2026-12-01T00:00:00Z"))
        #expect(BudgetPeriod.total.start(containing: now) == nil)

        #expect(LatencyHistogram.bucket(of: 10) == 0)
        #expect(LatencyHistogram.bucket(of: 25) == 0)
        #expect(LatencyHistogram.bucket(of: 26) == 1)
        #expect(LatencyHistogram.bucket(of: 1e9) == LatencyHistogram.bounds.count)
        var counts = [Int](repeating: 0, count: LatencyHistogram.bucketCount)
        counts[2] = 100  // all between 50 and 100 ms
        #expect(LatencyHistogram.quantile(0.5, counts: counts) == 75)
        #expect(LatencyHistogram.quantile(0.99, counts: counts) == 99.5)
        #expect(LatencyHistogram.quantile(0.5, counts: [Int](repeating: 0, count: LatencyHistogram.bucketCount)) == nil)
    }

    /// Usage and completeness per wire format: a Responses stream reports `input_tokens` and
    /// ends with `response.completed`, never `[DONE]`.
    @Test func responsesStreamsReportUsageAndCompleteTheirOwnWay() {
        let events = """
            event: response.output_text.delta
            data: {"type":"response.output_text.delta","sequence_number":3,"delta":"Hi"}

            event: response.completed
            data: {"type":"response.completed","sequence_number":4,"response":{"id":"resp_1","status":"completed","usage":{"input_tokens":11,"input_tokens_details":{"cached_tokens":4},"output_tokens":3,"output_tokens_details":{"reasoning_tokens":1},"total_tokens":14}}}


            """
        var tap = StreamUsageTap(format: .openAIResponses)
        #expect(tap.feed(Array(events.utf8)) == nil)
        #expect(tap.usage == TokenUsage(input: 11, output: 3, cached: 4))
        #expect(tap.completed)
        var chat = StreamUsageTap(format: .openAIChat)
        _ = chat.feed(Array(events.utf8))
        #expect(!chat.completed, "a chat stream is complete only with [DONE]")
    }
}
