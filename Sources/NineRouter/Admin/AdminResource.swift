import Hummingbird

/// Small glue between routes and repositories, shared by every resource controller.
enum AdminResource {
    /// The `:id` path parameter; anything but a positive integer cannot name a row.
    static func id(_ context: AppRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw AdminError.notFound("resource")
        }
        return id
    }

    /// Runs a write and reports a UNIQUE violation as 409 on the `name` field.
    @discardableResult
    static func write<T>(name: String, field: String = "name", _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch where StoreError.classify(error) == .duplicate {
            throw AdminError.conflict("'\(name)' is already used by another entry", field: field)
        }
    }
}
