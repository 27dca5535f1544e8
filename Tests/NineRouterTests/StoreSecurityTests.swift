import Crypto
import Foundation
import Testing
@testable import NineRouter

/// The data directory and the encryption key: the findings of the security review about
/// what is kept on disk.
@Suite struct StoreSecurityTests {
    func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int) ?? -1
    }

    /// Finding 12: a data directory pre-created 0755 kept the SQLite file, WAL and SHM at 0644.
    @Test func anExistingDataDirectoryIsMadePrivate() async throws {
        let directory = Harness.makeDataDirectory()
        chmod(directory, 0o755)
        let database = directory + "/ninerouter.sqlite"
        #expect(FileManager.default.createFile(atPath: database, contents: nil, attributes: [.posixPermissions: 0o644]))
        let services = try await AppServices(config: {
            var config = ServerConfig()
            config.dataDirectory = directory
            return config
        }())
        #expect(services.database?.tightened.sorted() == [directory, database].sorted())
        try await services.repositories.settings.save(try await services.repositories.settings.load())
        #expect(mode(directory) == 0o700)
        for file in ["ninerouter.sqlite", "ninerouter.sqlite-wal", "ninerouter.sqlite-shm", "secret.key"] {
            #expect(mode(directory + "/" + file) == 0o600, "\(file)")
        }
        // A fresh directory is private from the first byte: nothing to tighten.
        let fresh = NSTemporaryDirectory() + "ninerouter-fresh-" + UUID().uuidString
        let again = try SQLiteStore(directory: fresh)
        #expect(again.tightened.isEmpty)
        #expect(mode(fresh) == 0o700)
        #expect(mode(fresh + "/ninerouter.sqlite") == 0o600)
    }

    /// Finding 13: a key file of the wrong encoding was overwritten with a new key, making
    /// every stored secret unreadable for good.
    @Test func aDamagedKeyFileStopsStartUpAndIsKept() throws {
        for content in [Data([0xff, 0xfe, 0x00, 0x41]), Data("not a key\n".utf8), Data()] {
            let directory = Harness.makeDataDirectory()
            let path = directory + "/secret.key"
            #expect(FileManager.default.createFile(atPath: path, contents: content))
            #expect(throws: SecretBox.KeyFileError.self) { try SecretBox.loadOrCreate(directory: directory) }
            #expect(FileManager.default.contents(atPath: path) == content)
        }
        let directory = Harness.makeDataDirectory()
        let created = try SecretBox.loadOrCreate(directory: directory)
        let sealed = created.seal("sk-provider-key")
        #expect(try SecretBox.loadOrCreate(directory: directory).open(sealed) == "sk-provider-key")
        #expect(mode(directory + "/secret.key") == 0o600)
    }

    /// The passphrase form of ENCRYPTION_KEY goes through argon2id with a fixed salt; what
    /// earlier versions sealed under SHA-256(passphrase) still opens.
    @Test func passphrasesAreStretchedAndTheOldFormStillOpens() throws {
        let passphrase = "correct horse battery staple"
        let box = SecretBox(configuredKey: passphrase)
        let legacy = SecretBox(key: SymmetricKey(data: SHA256.hash(data: Data(passphrase.utf8))))
        #expect(try box.open(legacy.seal("old secret")) == "old secret")
        let sealed = box.seal("new secret")
        #expect(throws: SecretBox.SecretError.self) { try legacy.open(sealed) }
        #expect(try SecretBox(configuredKey: passphrase).open(sealed) == "new secret")
        #expect(throws: SecretBox.SecretError.self) { try SecretBox(configuredKey: "another passphrase").open(sealed) }
        let derived = PasswordHasher.deriveKey(from: passphrase, salt: SecretBox.passphraseSalt)
        #expect(derived.count == 32)
        #expect(derived != Array(SHA256.hash(data: Data(passphrase.utf8))))
    }

    @Test func metricsTokenComparison() {
        #expect(SecretToken.equalInConstantTime("Bearer abc", "Bearer abc"))
        #expect(!SecretToken.equalInConstantTime("Bearer abd", "Bearer abc"))
        #expect(!SecretToken.equalInConstantTime("Bearer ab", "Bearer abc"))
        #expect(!SecretToken.equalInConstantTime("", "Bearer abc"))
    }
}
