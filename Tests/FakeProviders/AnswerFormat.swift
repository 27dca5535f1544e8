import Foundation

/// The shape a request asked its answer to take, read from each provider's documented
/// structured-output field, and the fake's reply text put in that shape (SchemaSample builds
/// the JSON). Like the services, the readers refuse what the service refuses.
enum AnswerFormat {
    case text
    /// JSON without a schema: `{"reply": "<reply text>"}`.
    case jsonObject
    /// A JSON document conforming to the schema.
    case schema([String: Any])
    /// Gemini's `text/x.enum`: the schema's first enum value, as plain text.
    case enumValue([String: Any])

    /// The service's complaint about a format, in its words.
    struct Refusal: Error {
        let message: String
        var param: String?
        var code: String?
    }

    func render(_ reply: String) -> String {
        switch self {
        case .text: reply
        case .jsonObject: SchemaSample.json(for: ["type": "object", "properties": ["reply": ["type": "string"]]], reply: reply)
        case .schema(let schema): SchemaSample.json(for: schema, reply: reply)
        case .enumValue(let schema): ((schema["enum"] as? [Any])?.first).map { "\($0)" } ?? reply
        }
    }

    // MARK: OpenAI

    /// Chat completions' `response_format` (https://platform.openai.com/docs/api-reference/chat/create):
    /// `text`, `json_object`, or `json_schema` with `json_schema: {name, schema, strict}`.
    static func chat(_ body: [String: Any]) throws(Refusal) -> AnswerFormat {
        guard let format = body["response_format"] as? [String: Any] else { return .text }
        return try openAI(format, spec: format["json_schema"] as? [String: Any], at: "response_format",
                          specAt: "response_format.json_schema", schemaRequired: false, input: body["messages"],
                          jsonWord: "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
                          strictParam: "response_format", strictCode: nil)
    }

    /// The Responses API's `text.format` (https://platform.openai.com/docs/api-reference/responses/create):
    /// the same types, the json_schema fields flat in `format` and `schema` required.
    static func responses(_ body: [String: Any]) throws(Refusal) -> AnswerFormat {
        guard let format = (body["text"] as? [String: Any])?["format"] as? [String: Any] else { return .text }
        return try openAI(format, spec: format, at: "text.format", specAt: "text.format", schemaRequired: true,
                          input: [body["input"] ?? NSNull(), body["instructions"] ?? NSNull()],
                          jsonWord: "Response input messages must contain the word 'json' in some form to use 'text.format' of type 'json_object'.",
                          strictParam: "text.format.schema", strictCode: "invalid_json_schema")
    }

    private static func openAI(_ format: [String: Any], spec: [String: Any]?, at path: String, specAt: String, schemaRequired: Bool,
                               input: Any?, jsonWord: String, strictParam: String, strictCode: String?) throws(Refusal) -> AnswerFormat {
        func missing(_ name: String) -> Refusal {
            Refusal(message: "Missing required parameter: '\(name)'.", param: name, code: "missing_required_parameter")
        }
        guard let type = format["type"] as? String else { throw missing(path + ".type") }
        switch type {
        case "text": return .text
        case "json_object":
            guard mentionsJSON(input) else { throw Refusal(message: jsonWord, param: path == "text.format" ? "input" : "messages") }
            return .jsonObject
        case "json_schema":
            guard let spec else { throw missing(specAt) }
            guard let name = spec["name"] as? String else { throw missing(specAt + ".name") }
            guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
                throw Refusal(message: "Invalid '\(specAt).name': string does not match pattern. Expected a string that matches the "
                    + "pattern '^[a-zA-Z0-9_-]+$'.", param: specAt + ".name", code: "invalid_value")
            }
            guard let schema = spec["schema"] as? [String: Any] else {
                if schemaRequired { throw missing(specAt + ".schema") }
                return .jsonObject
            }
            if spec["strict"] as? Bool == true, let problem = strictProblem(schema, context: []) {
                throw Refusal(message: "Invalid schema for response_format '\(name)': \(problem)", param: strictParam, code: strictCode)
            }
            return .schema(schema)
        default:
            throw Refusal(message: "Invalid value: '\(type)'. Supported values are: 'json_object', 'json_schema', and 'text'.",
                          param: path + ".type", code: "invalid_value")
        }
    }

    /// Whether any text in the messages (or input and instructions) says "json", in any case.
    static func mentionsJSON(_ value: Any?) -> Bool {
        if let text = value as? String { return text.lowercased().contains("json") }
        if let list = value as? [Any] { return list.contains { mentionsJSON($0) } }
        if let object = value as? [String: Any] { return object.values.contains { mentionsJSON($0) } }
        return false
    }

    /// The first rule of strict mode (https://platform.openai.com/docs/guides/structured-outputs#supported-schemas)
    /// that `schema` breaks: every object closed with `additionalProperties: false` and naming every
    /// property in `required`; nil when it keeps them.
    static func strictProblem(_ schema: [String: Any], context: [String]) -> String? {
        let properties = schema["properties"] as? [String: Any] ?? [:]
        // Python's tuple repr, as the service prints the path.
        let place = "In context=" + (context.count == 1 ? "('\(context[0])',)" : "(" + context.map { "'\($0)'" }.joined(separator: ", ") + ")")
        if SchemaSample.type(of: schema) == "object", schema["$ref"] == nil {
            guard schema["additionalProperties"] as? Bool == false else {
                return place + ", 'additionalProperties' is required to be supplied and to be false."
            }
            let required = Set(schema["required"] as? [String] ?? [])
            if let missing = SchemaSample.order(schema).first(where: { !required.contains($0) }) {
                return place + ", 'required' is required to be supplied and to be an array including every key in properties. Missing '\(missing)'."
            }
        }
        var children: [([String], Any?)] = SchemaSample.order(schema).map { (["properties", $0], properties[$0]) }
        children.append((["items"], schema["items"]))
        for key in ["anyOf", "allOf", "oneOf"] {
            children += (schema[key] as? [Any] ?? []).enumerated().map { ([key, String($0.offset)], $0.element) }
        }
        for key in ["$defs", "definitions"] {
            children += (schema[key] as? [String: Any] ?? [:]).sorted { $0.key < $1.key }.map { ([key, $0.key], $0.value) }
        }
        for (path, child) in children {
            if let child = child as? [String: Any], let problem = strictProblem(child, context: context + path) { return problem }
        }
        return nil
    }
}

extension AnswerFormat {
    // MARK: Anthropic

    /// Anthropic's structured outputs (https://platform.claude.com/docs/en/build-with-claude/structured-outputs):
    /// `output_config.format: {"type": "json_schema", "schema": {…}}`, generally available without a beta
    /// header; the beta's `output_format` (same shape), which the docs say keeps working during a
    /// transition period, is read too, with or without the old `structured-outputs-2025-11-13` header.
    static func anthropic(_ body: [String: Any]) throws(Refusal) -> AnswerFormat {
        var found = body["output_format"]
        var path = "output_format"
        if let format = (body["output_config"] as? [String: Any])?["format"], !(format is NSNull) {
            found = format
            path = "output_config.format"
        }
        guard let found, !(found is NSNull) else { return .text }
        guard let format = found as? [String: Any] else { throw Refusal(message: "\(path): Input should be a valid dictionary") }
        guard format["type"] as? String == "json_schema" else { throw Refusal(message: "\(path).type: Input should be 'json_schema'") }
        guard let schema = format["schema"] as? [String: Any] else { throw Refusal(message: "\(path).schema: Field required") }
        return .schema(schema)
    }

    // MARK: Gemini

    /// Gemini's `generationConfig` (https://ai.google.dev/gemini-api/docs/structured-output): `responseMimeType`
    /// `application/json` with `responseJsonSchema` (JSON Schema) or `responseSchema` (the OpenAPI subset,
    /// which the service parses as a proto message, refusing unknown fields), or `text/x.enum` with an enum schema.
    static func gemini(_ config: [String: Any]) throws(Refusal) -> AnswerFormat {
        let openAPI = config["responseSchema"] as? [String: Any]
        if let openAPI, let problem = geminiSchemaProblem(openAPI, at: "generation_config.response_schema") {
            throw Refusal(message: problem)
        }
        let schema = config["responseJsonSchema"] as? [String: Any] ?? openAPI
        switch (config["responseMimeType"] as? String)?.lowercased() {
        case "application/json": return schema.map { .schema($0) } ?? .jsonObject
        case "text/x.enum": return schema.map { .enumValue($0) } ?? .text
        default: return .text
        }
    }

    static let geminiSchemaFields: Set = [
        "type", "format", "title", "description", "nullable", "enum", "maxItems", "minItems", "properties", "required",
        "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "example", "anyOf", "propertyOrdering",
        "default", "items", "minimum", "maximum", "max_items", "min_items", "min_properties", "max_properties", "min_length",
        "max_length", "any_of", "property_ordering",
    ]
    static let geminiTypes: Set = ["TYPE_UNSPECIFIED", "STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL"]

    /// What the proto parser says of a `responseSchema` node: an unknown field, a list where one
    /// type belongs, or a type it does not know; nil when it parses.
    static func geminiSchemaProblem(_ schema: [String: Any], at path: String) -> String? {
        if let unknown = schema.keys.sorted().first(where: { !geminiSchemaFields.contains($0) }) {
            return "Invalid JSON payload received. Unknown name \"\(unknown)\" at '\(path)': Cannot find field."
        }
        if schema["type"] is [Any] {
            return "Invalid JSON payload received. Unknown name \"type\" at '\(path)': Proto field is not repeating, cannot start list."
        }
        if let type = schema["type"], !geminiTypes.contains((type as? String)?.uppercased() ?? "") {
            return "Invalid value at '\(path).type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), \"\(type)\""
        }
        let properties = schema["properties"] as? [String: Any] ?? [:]
        var children: [(String, Any?)] = SchemaSample.order(schema).enumerated().map {
            ("\(path).properties[\($0.offset)].value", properties[$0.element])
        }
        children.append(("\(path).items", schema["items"]))
        children += ((schema["anyOf"] ?? schema["any_of"]) as? [Any] ?? []).enumerated().map { ("\(path).any_of[\($0.offset)]", $0.element) }
        for (place, child) in children {
            if let child = child as? [String: Any], let problem = geminiSchemaProblem(child, at: place) { return problem }
        }
        return nil
    }
}
