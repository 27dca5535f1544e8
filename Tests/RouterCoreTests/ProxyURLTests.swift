import RouterCore
import Testing

@Suite struct ProxyURLTests {
    @Test func parsesSchemesCredentialsAndPorts() throws {
        let http = try ProxyURL(parsing: "http://user:p%40ss@proxy.corp:3128")
        #expect(http.scheme == .http)
        #expect(http.host == "proxy.corp")
        #expect(http.port == 3128)
        #expect(http.username == "user")
        #expect(http.password == "p@ss")
        #expect(http.urlWithCredentials == "http://user:p%40ss@proxy.corp:3128")
        #expect(http.description == "http://user:****@proxy.corp:3128")

        let socks = try ProxyURL(parsing: "SOCKS5H://10.0.0.1")
        #expect(socks.scheme == .socks5h)
        #expect(socks.port == 1080)
        #expect(socks.username == nil)
        #expect(socks.description == "socks5h://10.0.0.1:1080")

        let v6 = try ProxyURL(parsing: "https://[::1]:8443/")
        #expect(v6.host == "[::1]")
        #expect(v6.port == 8443)

        let userOnly = try ProxyURL(parsing: "socks5://bob@h:1")
        #expect(userOnly.description == "socks5://bob@h:1")
    }

    @Test(arguments: [
        ("127.0.0.1:3128", ProxyURL.ParseError.missingScheme),
        ("ftp://h:21", .unsupportedScheme("ftp")),
        ("http://:3128", .missingHost),
        ("http://h:0", .invalidPort),
        ("http://h:70000", .invalidPort),
        ("http://h:12ab", .invalidPort),
        ("http://h:1/path", .unexpectedPath),
        ("http://h:1?x=1", .unexpectedPath),
        ("http://bad host:1", .missingHost),
    ])
    func rejectsWhatIsNotAProxy(text: String, error: ProxyURL.ParseError) {
        #expect(throws: error) { try ProxyURL(parsing: text) }
    }

    @Test func maskedFormMatchesOnlyItsOwnProxy() throws {
        let stored = try ProxyURL(parsing: "http://alice:secret@h:1")
        #expect(try ProxyURL(parsing: "http://alice:****@h:1").isMaskedForm(of: stored))
        #expect(try !ProxyURL(parsing: "http://alice:****@h:2").isMaskedForm(of: stored))
        #expect(try !ProxyURL(parsing: "http://mallory:****@h:1").isMaskedForm(of: stored))
        #expect(try !ProxyURL(parsing: "http://alice:other@h:1").isMaskedForm(of: stored))
    }
}

@Suite struct SecretHintTests {
    @Test func hintShowsPrefixAndLastFour() {
        #expect(SecretHint.hint(for: "sk-proj-abcdefghijkl9f3a") == "sk-…9f3a")
        #expect(SecretHint.hint(for: "AIzaSyA-0123456789xyzw") == "…xyzw")
        #expect(SecretHint.hint(for: "short") == "…")
        #expect(SecretHint.hint(for: "") == "")
    }
}

@Suite struct ModelAliasNameTests {
    @Test func allowedCharacters() {
        #expect(ModelAlias.isValidName("smart"))
        #expect(ModelAlias.isValidName("gpt-4o_fast.v2:latest"))
        #expect(!ModelAlias.isValidName(""))
        #expect(!ModelAlias.isValidName("a b"))
        #expect(!ModelAlias.isValidName("a/b"))
        #expect(!ModelAlias.isValidName("é"))
        #expect(!ModelAlias.isValidName(String(repeating: "a", count: 129)))
    }
}
