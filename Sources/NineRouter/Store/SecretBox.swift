import Crypto
import Foundation

/// Encrypts provider keys, extra headers and proxy credentials at rest with AES-GCM.
/// The key comes from ENCRYPTION_KEY or a generated DATA_DIR/secret.key (mode 0600).
public struct SecretBox: Sendable {
    /// Raw key bytes; `SymmetricKey` itself is not Sendable in this swift-crypto.
    private let keyBytes: Data
    /// The key earlier versions derived from the same passphrase (SHA-256 of it): secrets
    /// sealed with it still open.
    private let legacyKeyBytes: Data?
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }
    private static let prefix = "v1:"
    /// The fixed salt for passphrases (documented in the README): replicas given the same
    /// passphrase must derive the same key.
    static let passphraseSalt = "ninerouter/encryption-key/v2"

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
        legacyKeyBytes = nil
    }

    /// A 32-byte key given as base64 or 64 hex digits is used as it is; any other text is a
    /// passphrase, stretched with argon2id (m=19 MiB, t=2, p=1, salt `passphraseSalt`).
    public init(configuredKey text: String) {
        if let data = Data(base64Encoded: text), data.count == 32 {
            keyBytes = data
            legacyKeyBytes = nil
        } else if text.count == 64, let data = Data(hex: text) {
            keyBytes = data
            legacyKeyBytes = nil
        } else {
            keyBytes = Data(PasswordHasher.deriveKey(from: text, salt: Self.passphraseSalt))
            legacyKeyBytes = Data(SHA256.hash(data: Data(text.utf8)))
        }
    }

    public struct KeyFileError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Loads DATA_DIR/secret.key, creating it with a fresh random key only when no such file
    /// exists. A key file that is there but cannot be read or does not hold a key stops
    /// start-up: replacing it would make every stored secret unreadable for good.
    public static func loadOrCreate(directory: String) throws -> SecretBox {
        let path = (directory as NSString).appendingPathComponent("secret.key")
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0).base64EncodedString() }
        let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd >= 0 {
            defer { close(fd) }
            let bytes = Array((encoded + "\n").utf8)
            guard Foundation.write(fd, bytes, bytes.count) == bytes.count, fsync(fd) == 0 else {
                unlink(path)
                throw KeyFileError(description: "cannot write the new encryption key to \(path)")
            }
            return SecretBox(key: key)
        }
        guard errno == EEXIST else {
            throw KeyFileError(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KeyFileError(description: "\(path) exists but cannot be read; fix its permissions (it is the key to every "
                + "stored provider secret) or set ENCRYPTION_KEY")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let raw = Data(base64Encoded: text), raw.count == 32 else {
            throw KeyFileError(description: "\(path) does not hold a base64 32-byte key; restore it from a backup "
                + "(it is the key to every stored provider secret). It was left as it is.")
        }
        return SecretBox(key: SymmetricKey(data: raw))
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
        for candidate in [keyBytes, legacyKeyBytes].compactMap({ $0 }) {
            if let box = try? AES.GCM.SealedBox(combined: data),
               let plain = try? AES.GCM.open(box, using: SymmetricKey(data: candidate)) {
                return String(decoding: plain, as: UTF8.self)
            }
        }
        throw SecretError.unreadable("wrong ENCRYPTION_KEY or damaged data")
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
