import Foundation
import Testing
@testable import NineRouter

/// DATABASE_URL as libpq reads it, never echoed with its password; ENCRYPTION_KEY required with it.
@Suite struct DatabaseURLTests {
    @Test func urlsAreReadAsLibpqReadsThem() throws {
        let url = try DatabaseURL(parsing: "postgres://nr:p%40ss@db.internal:6543/gateway?sslmode=require")
        #expect(url.host == "db.internal" && url.port == 6543 && url.user == "nr" && url.password == "p@ss")
        #expect(url.database == "gateway" && url.sslMode == "require")
        let plain = try DatabaseURL(parsing: "postgresql://nr@localhost")
        #expect(plain.port == 5432 && plain.database == "nr" && plain.sslMode == "prefer" && plain.password == nil)
        #expect(!String(describing: url).contains("p@ss") && !String(describing: url).contains("p%40ss"))
    }

    @Test(arguments: ["mysql://a@b/c", "postgres:///nohost", "postgres://a@b/c?sslmode=sometimes", "not a url"])
    func badURLsAreRefusedWithoutEchoingThem(_ text: String) {
        do {
            _ = try ServerConfig.fromEnvironment(["DATABASE_URL": text])
            Issue.record("accepted \(text)")
        } catch {
            #expect(String(describing: error).hasPrefix("DATABASE_URL=(not shown) is not valid"))
        }
    }

    @Test func postgresWithoutAnEncryptionKeyDoesNotStart() async throws {
        var config = ServerConfig()
        config.databaseURL = try DatabaseURL(parsing: "postgres://nr:secret@127.0.0.1:1/none")
        config.dataDirectory = Harness.makeDataDirectory()
        do {
            _ = try await AppServices(config: config)
            Issue.record("started without ENCRYPTION_KEY")
        } catch {
            #expect(String(describing: error).contains("ENCRYPTION_KEY must be set too"))
        }
    }

    @Test func placeholdersAreNumberedOutsideQuotes() {
        #expect(PostgresStore.numbered("SELECT ? , '?' , \"a?\" , ?") == "SELECT $1 , '?' , \"a?\" , $2")
    }
}
