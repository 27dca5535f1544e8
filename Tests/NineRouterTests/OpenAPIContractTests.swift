import Foundation
import Hummingbird
import RouterCore
import Testing
@testable import NineRouter

/// openapi.yaml and the router must list the same routes: nothing undocumented, nothing
/// documented that is not there.
@Suite struct OpenAPIContractTests {
    /// `METHOD /path/{param}` for each operation in openapi.yaml (paths at two spaces of
    /// indentation, methods at four, as the file is written).
    static func documentedRoutes() throws -> Set<String> {
        let text = try String(contentsOfFile: Harness.repoRoot + "/openapi.yaml", encoding: .utf8)
        var routes = Set<String>()
        var currentPath: String?
        var inPaths = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, let first = line.first, first != " " { inPaths = false }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                currentPath = String(line.dropFirst(2).dropLast())
            } else if let path = currentPath, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let method = line.trimmingCharacters(in: .whitespaces).dropLast()
                if ["get", "post", "put", "patch", "delete"].contains(method) {
                    routes.insert("\(method.uppercased()) \(path)")
                }
            }
        }
        return routes
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        let harness = try await Harness()
        let router = buildRouter(services: harness.services)
        let served = Set(router.routes.map { "\($0.method) \($0.path)" })
        let documented = try Self.documentedRoutes()
        #expect(documented.count >= 25)
        #expect(served.subtracting(documented).isEmpty, "undocumented: \(served.subtracting(documented).sorted())")
        #expect(documented.subtracting(served).isEmpty, "not served: \(documented.subtracting(served).sorted())")
    }
}
