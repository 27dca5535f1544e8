/// Text from clients reaches line-oriented sinks (the access log, `/metrics`): a control
/// character there can end a line early, forge a record or drive a terminal. Every C0 and
/// C1 control, DEL and the Unicode line and paragraph separators are shown as `\uXXXX`.
public enum ControlCharacters {
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: true
        default: false
        }
    }

    public static func contains(in text: String) -> Bool {
        text.unicodeScalars.contains(where: isControl)
    }

    /// `text` with `\` and `"` backslash-escaped and each control as the six characters
    /// `\uXXXX` (`escapedBackslash` writes that backslash as `\\`, for formats such as
    /// Prometheus' that know no `\u` escape).
    public static func escaped(_ text: String, escapedBackslash: Bool = false) -> String {
        var out = String.UnicodeScalarView()
        let lead = escapedBackslash ? "\\\\u" : "\\u"
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            case "\"": out.append(contentsOf: "\\\"".unicodeScalars)
            case "\n" where escapedBackslash: out.append(contentsOf: "\\n".unicodeScalars)
            case _ where isControl(scalar):
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out.append(contentsOf: (lead + String(repeating: "0", count: max(0, 4 - hex.count)) + hex).unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
