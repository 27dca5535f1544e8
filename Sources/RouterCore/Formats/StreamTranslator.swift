/// A streamed answer rewritten event by event into another provider's format: feed each
/// upstream event, send what comes back; when the upstream ends, send `finish()` (nothing
/// after a complete answer, else a closing error event).
public protocol StreamTranslator: Sendable {
    mutating func translate(_ event: SSEParser.Event) -> String
    mutating func finish() -> String
    /// The gateway ends the stream early (the upstream broke off): the client format's failure.
    mutating func fail(_ message: String) -> String
}
