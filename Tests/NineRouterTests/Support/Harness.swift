import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import NineRouter

/// A NineRouter on a fresh DATA_DIR, driven through its router (no socket) or live.
struct Harness {
    static let password = "correct-horse-battery"
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    let config: ServerConfig
    let services: AppServices

    /// A new temporary data directory, removed by nobody: the OS cleans /tmp.
    static func makeDataDirectory() -> String {
        let path = NSTemporaryDirectory() + "ninerouter-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    init(dataDirectory: String = Harness.makeDataDirectory(), initialPassword: String? = Harness.password,
         configure: (inout ServerConfig) -> Void = { _ in }) async throws {
        var config = ServerConfig()
        config.dataDirectory = dataDirectory
        config.webDirectory = Harness.repoRoot + "/web"
        config.initialPassword = initialPassword
        config.logLevel = .warning
        config.replicaName = "test-replica"
        configure(&config)
        self.config = config
        services = try await AppServices(config: config)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        try await services.preparePassword(logger: logger)
    }

    func test<Value: Sendable>(_ setup: TestingSetup = .router,
                               _ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        var logger = Logger(label: "test-app")
        logger.logLevel = .warning
        let app = Application(router: buildRouter(services: services), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              services: services.backgroundServices, logger: logger)
        return try await app.test(setup, body)
    }
}

/// A response read as JSON.
struct JSONResponse: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let text: String

    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
    var data: [[String: Any]] { object["data"] as? [[String: Any]] ?? [] }
    var errorCode: String? { (object["error"] as? [String: Any])?["code"] as? String }
    var errorField: String? { (object["error"] as? [String: Any])?["field"] as? String }
    subscript(key: String) -> Any? { object[key] }
}

extension TestClientProtocol {
    /// Sends a JSON body (a dictionary, or raw text when `raw` is given) and reads the answer.
    func call(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: [String: Any]? = nil,
              raw: String? = nil, headers extra: HTTPFields = [:]) async throws -> JSONResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var body: ByteBuffer?
        if let json {
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
        } else if let raw {
            body = ByteBuffer(string: raw)
        }
        if body != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: body) { response in
            JSONResponse(status: response.status, headers: response.headers, text: String(buffer: response.body))
        }
    }

    func login(_ password: String = Harness.password, headers: HTTPFields = [:]) async throws -> JSONResponse {
        try await call(.post, "/api/admin/login", json: ["password": password], headers: headers)
    }

    /// Logs in and returns the bearer token.
    func token(_ password: String = Harness.password) async throws -> String {
        let response = try await login(password)
        guard let token = response["token"] as? String else {
            throw HarnessError.loginFailed(response.status.code, response.text)
        }
        return token
    }
}

extension TestClientProtocol {
    /// Sends each body and checks the admin error names the field with the right status.
    func expectValidation(_ method: HTTPRequest.Method, _ path: String, token: String,
                          _ cases: [([String: Any], HTTPResponse.Status, String)],
                          sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for (body, status, field) in cases {
            let response = try await call(method, path, token: token, json: body)
            #expect(response.status == status, "\(body)", sourceLocation: sourceLocation)
            #expect(response.errorField == field, "\(body)", sourceLocation: sourceLocation)
            #expect(response.errorCode != nil, "\(body)", sourceLocation: sourceLocation)
        }
    }
}

enum HarnessError: Error {
    case loginFailed(Int, String)
}
