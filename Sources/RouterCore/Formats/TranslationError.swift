/// A request the target provider cannot express: the client gets a 400 naming the field.
public struct TranslationError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public let param: String?

    /// A quoted name (between single quotes) the client chose is cut at 200 characters: an
    /// error never echoes more of the input than that.
    public init(message: String, param: String?) {
        self.message = message.split(separator: "'", omittingEmptySubsequences: false).enumerated().map { index, piece in
            index % 2 == 1 && piece.count > 200 ? piece.prefix(200) + "…" : piece
        }.joined(separator: "'")
        self.param = param
    }

    public var description: String { message }
}
