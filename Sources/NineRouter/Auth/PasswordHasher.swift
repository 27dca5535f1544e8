import CArgon2
import Foundation

/// argon2id with OWASP's minimum parameters (m=19 MiB, t=2, p=1); verification is
/// libargon2's own constant-time comparison.
enum PasswordHasher {
    static let timeCost: UInt32 = 2
    static let memoryKiB: UInt32 = 19456
    static let parallelism: UInt32 = 1
    static let saltLength = 16
    static let hashLength = 32

    static func hash(_ password: String) -> String {
        var salt = [UInt8](repeating: 0, count: saltLength)
        var rng = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = rng.next() }
        let encodedLength = argon2_encodedlen(timeCost, memoryKiB, parallelism, UInt32(saltLength), UInt32(hashLength), Argon2_id)
        var encoded = [CChar](repeating: 0, count: encodedLength)
        let bytes = Array(password.utf8)
        let status = bytes.withUnsafeBytes { pwd in
            argon2id_hash_encoded(timeCost, memoryKiB, parallelism, pwd.baseAddress, pwd.count, salt, salt.count,
                                  hashLength, &encoded, encodedLength)
        }
        precondition(status == ARGON2_OK.rawValue, "argon2id hashing failed: \(status)")
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func verify(_ password: String, against encoded: String) -> Bool {
        let bytes = Array(password.utf8)
        return bytes.withUnsafeBytes { pwd in
            argon2id_verify(encoded, pwd.baseAddress, pwd.count) == ARGON2_OK.rawValue
        }
    }

    /// A 32-byte key stretched from a passphrase with the same parameters and a fixed salt:
    /// the same passphrase gives the same key on every replica and every start.
    static func deriveKey(from passphrase: String, salt: String) -> [UInt8] {
        var key = [UInt8](repeating: 0, count: hashLength)
        let saltBytes = Array(salt.utf8)
        let bytes = Array(passphrase.utf8)
        let status = bytes.withUnsafeBytes { pwd in
            argon2id_hash_raw(timeCost, memoryKiB, parallelism, pwd.baseAddress, pwd.count, saltBytes, saltBytes.count,
                              &key, key.count)
        }
        precondition(status == ARGON2_OK.rawValue, "argon2id key derivation failed: \(status)")
        return key
    }

    /// Once per process, before the first hash: keeps argon2's 19 MiB work areas from
    /// staying in glibc's arenas after use (see the shim).
    static let prepareAllocator: Void = nr_fix_mmap_threshold()
}
