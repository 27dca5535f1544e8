/// A request the target provider cannot express: the client gets a 400 naming the field.
public struct TranslationError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public let param: String?

    public init(message: String, param: String?) {
        self.message = message
        self.param = param
    }

    public var description: String { message }
}
