import Curl
import Foundation
import Hummingbird
import Logging
import RouterCore

/// The data path for OpenAI-format calls: key check, body peek, routing, then attempts
/// over the planned candidates until one answers (see `UpstreamAttempt`). Every failure
/// comes back in OpenAI's error envelope.
struct ProxyEngine: Sendable {
    let snapshots: SnapshotStore
    let state: RoutingState
    let agent: CurlAgent
    let limits: ProxyLimits
    let recorder: CallRecorder
    let clientAddress: ClientAddress
    let hostGuard: HostGuard
    /// Responses API responses handed out, by owner.
    let responses: ResponseStore
    /// This gateway's mark on the calls it forwards (see `HopMark`).
    let gatewayID: String

    func handle(_ request: Request, context: AppRequestContext, endpoint: V1Endpoint, target: PathTarget? = nil) async -> Response {
        let requestID = RequestID.next()
        let snapshot = snapshots.current
        let trace = CallTrace(requestID: requestID, endpoint: endpoint, client: clientAddress.of(request, context: context),
                              recorder: recorder, snapshot: snapshot, routing: state)
        do {
            let marks = try HopMark.incoming(request, gatewayID: gatewayID)
            let key: AppKey?
            do {
                key = try ClientRequest.authenticate(request, snapshot: snapshot, queryKey: endpoint.wireFormat.family == .google)
            } catch {
                trace.unauthenticated()
                throw error
            }
            trace.identify(key: key)
            if key == nil { try hostGuard.check(request) }
            try HostGuard.checkJSON(request)
            var call = try await ClientRequest.read(request, appKey: key, limits: limits, requestID: requestID,
                                                   hopMarks: marks + [gatewayID], target: target)
            if endpoint == .responses { call.responses = try await ResponsesCall.prepare(call, store: responses) }
            trace.asked(model: call.model, stream: call.stream)
            if call.stream && !endpoint.supportsStreaming {
                throw GatewayError.invalidRequest("'stream' is not supported on \(endpoint.shownPath)", param: "stream")
            }
            try Self.checkAllowed(call.model, key: key)
            try checkBudget(key)
            let rateHeaders = try admit(key)
            var response = try await forward(call, endpoint: endpoint, snapshot: snapshot, trace: trace)
            response.headers.append(contentsOf: rateHeaders)
            return response
        } catch let error as GatewayError {
            trace.finish(status: Int(error.status.code), error: error.message)
            return error.response(requestID: requestID, format: endpoint.wireFormat)
        } catch {
            context.logger.error("unexpected /v1 failure: \(String(reflecting: type(of: error)))")
            trace.finish(status: 500, error: "internal error")
            return GatewayError(status: .internalServerError, type: "server_error", code: "internal_error",
                                message: "Internal error in the gateway; see its log.")
                .response(requestID: requestID, format: endpoint.wireFormat)
        }
    }

    /// Routes a checked call and tries its candidates: the step every /v1 call and the
    /// dashboard's trial share.
    func forward(_ call: ClientRequest, endpoint: V1Endpoint, snapshot: ConfigSnapshot, trace: CallTrace) async throws -> Response {
        let resolution = try resolve(call.model, key: call.appKey, snapshot: snapshot, endpoint: endpoint, streaming: call.stream)
        let plan = state.plan(resolution, requested: call.model)
        return try await UpstreamAttempt(engine: self, call: call, endpoint: endpoint, snapshot: snapshot, trace: trace)
            .run(plan: plan, resolution: resolution)
    }

    /// A key over its budget for the period gets 429 until the period ends (or the budget grows).
    func checkBudget(_ key: AppKey?, now: Date = Date()) throws(GatewayError) {
        guard let key, let budget = key.budgetUSD, let period = key.budgetPeriod else { return }
        let spent = recorder.spend.spent(key, now: now)
        guard spent >= budget else { return }
        let resets = period.nextStart(after: now).map { " It resets at \(Timestamp.format($0))." } ?? ""
        throw GatewayError(status: .tooManyRequests, type: "insufficient_quota", code: "budget_exceeded",
                           message: String(format: "This API key has used its %@ budget of $%.2f (spent $%.4f).", period.rawValue == "total" ? "total" : period.rawValue, budget, spent) + resets)
    }

    static func checkAllowed(_ model: String, key: AppKey?) throws(GatewayError) {
        guard let allowed = key?.allowedModels, !allowed.contains(model) else { return }
        throw GatewayError(status: .forbidden, type: "invalid_request_error", code: "model_not_allowed",
                          message: "This API key may not use the model '\(model)'.", param: "model")
    }

    /// Counts the call against the key's limits; the answer carries the `x-ratelimit-*` headers.
    func admit(_ key: AppKey?) throws(GatewayError) -> HTTPFields {
        guard let key else { return [:] }
        switch state.admit(key) {
        case .limited(let limit, let retryAfter):
            var error = GatewayError(status: .tooManyRequests, type: limit, code: "rate_limit_exceeded",
                                    message: "Rate limit reached for this API key (\(limit) per minute). Try again in \(retryAfter)s.")
            error.headers[.retryAfter] = String(retryAfter)
            error.headers.append(contentsOf: Self.rateHeaders(key, remainingRequests: limit == "requests" ? 0 : nil,
                                                              remainingTokens: limit == "tokens" ? 0 : nil))
            throw error
        case .allowed(let requests, let tokens):
            return Self.rateHeaders(key, remainingRequests: requests, remainingTokens: tokens)
        }
    }

    static func rateHeaders(_ key: AppKey, remainingRequests: Int?, remainingTokens: Int?) -> HTTPFields {
        var headers = HTTPFields()
        if let rpm = key.rpmLimit {
            headers[.init("x-ratelimit-limit-requests")!] = String(rpm)
            if let remainingRequests { headers[.init("x-ratelimit-remaining-requests")!] = String(remainingRequests) }
        }
        if let tpm = key.tpmLimit {
            headers[.init("x-ratelimit-limit-tokens")!] = String(tpm)
            if let remainingTokens { headers[.init("x-ratelimit-remaining-tokens")!] = String(remainingTokens) }
        }
        return headers
    }

    func resolve(_ model: String, key: AppKey?, snapshot: ConfigSnapshot, endpoint: V1Endpoint,
                 streaming: Bool) throws(GatewayError) -> Resolution {
        var resolution = ModelResolver.resolve(model, in: snapshot)
        guard !resolution.candidates.isEmpty else {
            let available = ModelResolver.availableModels(in: snapshot, allowed: key?.allowedModels)
            throw GatewayError(status: .notFound, type: "invalid_request_error", code: "model_not_found",
                              message: "The model '\(Self.shown(model))' does not exist or you do not have access to it. Available: "
                                  + (available.isEmpty ? "none" : available.joined(separator: ", ")) + ".",
                              param: "model")
        }
        let speaking = resolution.candidates.filter {
            FormatBridge.between(endpoint, $0.provider, model: $0.upstreamModel) != nil
        }
        guard !speaking.isEmpty else {
            let others = Set(resolution.candidates.map(\.provider.type.rawValue)).sorted().joined(separator: ", ")
            throw GatewayError.invalidRequest(
                "The model '\(model)' is served only by \(others) connections, which this gateway version cannot reach "
                    + "from \(endpoint.shownPath)\(streaming ? " with stream: true" : "") yet.",
                code: "model_not_supported", param: "model")
        }
        resolution.candidates = speaking
        return resolution
    }

    /// A client-chosen name as error messages quote it: at most 200 characters.
    static func shown(_ name: String) -> String {
        name.count > 200 ? String(name.prefix(200)) + "…" : name
    }

    func timeouts() -> UpstreamTimeouts {
        UpstreamTimeouts(connect: limits.connectTimeout, firstByte: limits.firstByteTimeout, stall: limits.stallTimeout)
    }
}
