import Foundation

/// Value rules shared by the admin resources; each failure is a 422 naming the field.
enum Validate {
    /// A display name: 1-64 characters, no slash (it separates `provider/model`), no control characters.
    static func name(_ value: String?, field: String = "name", required: Bool) throws -> String? {
        guard let value else {
            if required { throw AdminError.invalid(field, "'\(field)' is required") }
            return nil
        }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard (1...64).contains(trimmed.count) else { throw AdminError.invalid(field, "'\(field)' must be 1 to 64 characters") }
        guard !trimmed.contains("/"), !trimmed.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw AdminError.invalid(field, "'\(field)' may not contain '/' or control characters")
        }
        return trimmed
    }

    static func range(_ value: Int?, _ field: String, _ bounds: ClosedRange<Int>) throws -> Int? {
        guard let value else { return nil }
        guard bounds.contains(value) else {
            throw AdminError.invalid(field, "'\(field)' must be between \(bounds.lowerBound) and \(bounds.upperBound)")
        }
        return value
    }

    /// Model ids: non-empty, no whitespace, at most 256 characters, no duplicates.
    static func modelList(_ values: [String], field: String, maxCount: Int = 1000) throws -> [String] {
        guard values.count <= maxCount else { throw AdminError.invalid(field, "'\(field)' has more than \(maxCount) entries") }
        var seen = Set<String>()
        var out: [String] = []
        for value in values {
            guard (1...256).contains(value.count), !value.contains(where: { $0.isWhitespace || $0.isNewline }) else {
                throw AdminError.invalid(field, "'\(field)' entries must be 1 to 256 characters without spaces")
            }
            if seen.insert(value).inserted { out.append(value) }
        }
        return out
    }

    static func enumValue<E: RawRepresentable & CaseIterable>(_ text: String?, _ field: String, as type: E.Type) throws -> E?
    where E.RawValue == String {
        guard let text else { return nil }
        guard let value = E(rawValue: text) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw AdminError.invalid(field, "'\(field)' must be one of: \(allowed)")
        }
        return value
    }

    /// An http(s) URL with a host, without a trailing slash.
    static func baseURL(_ text: String, field: String = "base_url") throws -> String {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard trimmed.count <= 2048, let components = URLComponents(string: trimmed),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty, components.query == nil, components.fragment == nil,
              components.user == nil, components.password == nil
        else {
            throw AdminError.invalid(field, "'\(field)' must be an http:// or https:// URL with a host, without query or credentials")
        }
        return trimmed
    }
}
