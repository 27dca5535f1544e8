import Crypto
import Foundation

/// Encrypts provider keys, extra headers and proxy credentials at rest with AES-GCM.
/// The key comes from ENCRYPTION_KEY or a generated DATA_DIR/secret.key (mode 0600).
public struct SecretBox: Sendable {
    /// Raw key bytes; `SymmetricKey` itself is not Sendable in this swift-crypto.
    private let keyBytes: Data
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }
    private static let prefix = "v1:"

    public enum SecretError: Error, CustomStringConvertible {
        case unreadable(String)

        public var description: String {
            switch self {
            case .unreadable(let why): "cannot decrypt stored secret: \(why)"
            }
        }
    }

    public init(key: SymmetricKey) {
        keyBytes = key.withUnsafeBytes { Data($0) }
    }

    /// A 32-byte key given as base64 or 64 hex digits is used as it is; any other text is a
    /// passphrase, stretched with SHA-256.
    public init(configuredKey text: String) {
        if let data = Data(base64Encoded: text), data.count == 32 {
            keyBytes = data
        } else if text.count == 64, let data = Data(hex: text) {
            keyBytes = data
        } else {
            keyBytes = Data(SHA256.hash(data: Data(text.utf8)))
        }
    }

    /// Loads DATA_DIR/secret.key, creating it with a fresh random key the first time.
    public static func loadOrCreate(directory: String) throws -> SecretBox {
        let path = (directory as NSString).appendingPathComponent("secret.key")
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let data = Data(base64Encoded: trimmed), data.count == 32 else {
                throw SecretError.unreadable("\(path) does not hold a base64 32-byte key")
            }
            return SecretBox(key: SymmetricKey(data: data))
        }
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0).base64EncodedString() }
        try SecureFile.write(encoded + "\n", to: path)
        return SecretBox(key: key)
    }

    public func seal(_ plaintext: String) -> String {
        // AES.GCM.seal only fails on an invalid key size, which SymmetricKey rules out.
        guard let box = try? AES.GCM.seal(Data(plaintext.utf8), using: key), let combined = box.combined else {
            preconditionFailure("AES-GCM seal failed with a 256-bit key")
        }
        return Self.prefix + combined.base64EncodedString()
    }

    public func open(_ sealed: String) throws -> String {
        guard sealed.hasPrefix(Self.prefix), let data = Data(base64Encoded: String(sealed.dropFirst(Self.prefix.count))) else {
            throw SecretError.unreadable("unknown format")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: data)
            return String(decoding: try AES.GCM.open(box, using: key), as: UTF8.self)
        } catch {
            throw SecretError.unreadable("wrong ENCRYPTION_KEY or damaged data")
        }
    }
}

/// Writes files that hold secrets: created with mode 0600 before any byte is written.
enum SecureFile {
    static func write(_ text: String, to path: String) throws {
        let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
    }
}

extension Data {
    init?(hex: String) {
        var bytes: [UInt8] = []
        var iterator = hex.makeIterator()
        while let high = iterator.next() {
            guard let low = iterator.next(), let h = high.hexDigitValue, let l = low.hexDigitValue else { return nil }
            bytes.append(UInt8(h << 4 | l))
        }
        self.init(bytes)
    }
}
