import Curl
import Foundation
import Hummingbird
import NIOCore
import RouterCore

/// Tries the planned candidates in order, up to `max_attempts`, until one answers. A
/// connection error, a timeout before the first byte, 408, 429, 5xx and 401/403 cool the
/// candidate down and move on; any other answer goes back to the client as it is. Nothing
/// is retried once a byte has reached the client.
struct UpstreamAttempt {
    let engine: ProxyEngine
    let call: ClientRequest
    let endpoint: V1Endpoint
    let snapshot: ConfigSnapshot
    let trace: CallTrace

    enum Outcome {
        case answered(Response)
        case failed(String)
        /// No proxy of a strict pool could be reached.
        case proxiesDown(String)
    }

    func run(plan: Balancer.Plan, resolution: Resolution) async throws -> Response {
        var tried: [String] = []
        var proxyFailure: String?
        for candidate in plan.ready.prefix(snapshot.settings.maxAttempts) {
            switch await attempt(candidate) {
            case .answered(let response): return response
            case .failed(let why): tried.append("\(candidate.provider.name) (\(why))")
            case .proxiesDown(let why):
                tried.append("\(candidate.provider.name) (\(why))")
                proxyFailure = why
            }
        }
        if let proxyFailure, tried.count == 1 {
            throw GatewayError(status: .badGateway, type: "server_error", code: "proxy_unavailable", message: proxyFailure)
        }
        let now = Date()
        let retry = resolution.candidates.compactMap { engine.state.coolingUntil($0.key, now: now) }.min() ?? plan.earliestRetry
        let seconds = retry.map { max(1, Int($0.timeIntervalSince(now).rounded(.up))) } ?? 1
        var error = GatewayError(
            status: .serviceUnavailable, type: "server_error", code: "no_provider_available",
            message: tried.isEmpty
                ? "Every provider for '\(call.model)' is cooling down after errors; retry in \(seconds)s."
                : "No provider could serve '\(call.model)'. Tried: \(tried.joined(separator: "; ")).")
        error.headers[.retryAfter] = String(seconds)
        throw error
    }

    private func attempt(_ candidate: RouteCandidate) async -> Outcome {
        let state = engine.state
        let token = InflightToken(state: state, key: candidate.key)
        let provider = candidate.provider
        let began = trace.elapsedMs
        let bridge = FormatBridge.between(endpoint, provider, model: candidate.upstreamModel)
            ?? FormatBridge(translation: nil, upstream: provider.type.adapter.wireFormat)
        // Usage for the record: an OpenAI stream is asked for its usage chunk even when the app was not.
        let addUsage = bridge.isPassThrough && provider.type.family == .openai && call.stream && !call.includeUsage
            && (endpoint == .chatCompletions || endpoint == .completions) && !provider.quirks.refusesStreamOptions
        let adapter = provider.type.adapter
        let model = adapter.upstreamModel(candidate.upstreamModel, on: provider)
        let body: [UInt8]
        let path: String
        do {
            body = adapter.finalBody(try bridge.requestBody(call, provider: provider, upstreamModel: model,
                                                            addingStreamUsage: addUsage), on: provider)
            path = try bridge.upstreamPath(endpoint, provider: provider.type, model: model, streaming: call.stream)
                ?? endpoint.upstreamPath
        } catch {
            trace.finish(status: Int(error.status.code), error: error.message)
            return .answered(error.response(requestID: call.requestID, format: endpoint.wireFormat))
        }
        var request = UpstreamRequest(method: "POST", url: adapter.url(for: provider, path: path, model: model),
                                      headers: upstreamHeaders(for: provider), body: body, timeouts: engine.timeouts())
        let failed = Failure(attempt: self, candidate: candidate, began: began)

        let pool = provider.proxyPoolID.flatMap { snapshot.proxyPools[$0] }
        var routes: [ProxyURL?] = pool.map { state.proxyOrder(for: $0).map(Optional.some) } ?? [nil]
        if let pool, !pool.strict { routes.append(nil) }
        if let pool, routes.isEmpty {
            let why = "proxy pool '\(pool.name)' has no proxies and is strict"
            trace.attempt(provider, model: candidate.upstreamModel, status: nil, error: why, startedAt: began)
            return .proxiesDown(why)
        }

        var opened: Opened?
        for proxy in routes {
            request.proxy = proxy.map { ProxySetting(url: $0.urlWithCredentials) }
            do {
                opened = call.stream
                    ? .stream(try await engine.agent.stream(request))
                    : .whole(try await engine.agent.perform(request, limit: engine.limits.maxResponseBodyBytes))
                if let proxy, let pool { state.proxySucceeded(proxy, in: pool) }
                trace.through(proxy: proxy)
                break
            } catch let error as CurlError {
                if let proxy, let pool, Self.isProxyFailure(error) {
                    state.proxyFailed(proxy, in: pool, message: Redact.secrets(in: error.description, secrets: [proxy.urlWithCredentials]))
                    continue
                }
                return failed(.transient, why: Self.describe(error))
            } catch {
                return failed(.transient, why: "upstream error")
            }
        }
        guard var opened else {
            let why = "no working proxy in pool '\(pool?.name ?? "?")'"
            trace.attempt(provider, model: candidate.upstreamModel, status: nil, error: why, startedAt: began)
            return .proxiesDown(why)
        }
        if adapter.needsErrorBody(status: opened.head.status), case .stream(let upstream) = opened {
            do {
                opened = .whole(try await upstream.collect(limit: engine.limits.maxResponseBodyBytes))
            } catch {
                return failed(.transient, why: Self.describe(error))
            }
        }
        let status = opened.head.status
        let errorBody: [UInt8]? = if case .whole(let response) = opened, !(200..<300).contains(status) { response.body } else { nil }
        switch adapter.classify(status: status, retryAfterHeader: Self.retryAfter(opened.head), body: errorBody) {
        case .retry(let retryAfter):
            return failed(.transient, status: status, retryAfter: retryAfter, why: "HTTP \(status)")
        case .keyRejected:
            return failed(.authentication, status: status, why: "HTTP \(status): key rejected")
        case .redirect:
            // Never followed: the call (and its key) would go wherever the redirect says.
            return failed(.transient, status: status, why: "HTTP \(status): a redirect, not followed")
        case .answer where !Self.looksLikeAnAPIAnswer(opened):
            // A captive portal, a proxy's error page: not what any provider answers.
            return failed(.transient, status: status, why: "HTTP \(status) with a body that is not the API's (not JSON or SSE)")
        case .answer, .clientError:
            break
        }
        switch opened {
        case .whole(let response):
            return await answer(response, candidate: candidate, bridge: bridge, began: began)
        case .stream(let upstream):
            return await deliver(upstream, candidate: candidate, token: token, bridge: bridge, began: began,
                                 strippingUsage: addUsage)
        }
    }

    /// Records a failed attempt, cools the candidate down and says why.
    struct Failure {
        let attempt: UpstreamAttempt
        let candidate: RouteCandidate
        let began: Double

        func callAsFunction(_ kind: Cooldowns.FailureKind, status: Int? = nil, retryAfter: TimeInterval? = nil,
                            why: String) -> Outcome {
            attempt.trace.attempt(candidate.provider, model: candidate.upstreamModel, status: status, error: why, startedAt: began)
            attempt.engine.state.failed(candidate.key, kind: kind, retryAfter: retryAfter, message: why)
            return .failed(why)
        }
    }

    /// The client's forwardable headers, the connection's extra headers, then the provider's
    /// own authentication, in each provider's convention. A header the connection sets is
    /// never also taken from the client, and clients choose no billing scope unless the
    /// connection allows it.
    func upstreamHeaders(for provider: ProviderConnection) -> [(name: String, value: String)] {
        let overridden = Set(provider.headers.keys.map { $0.lowercased() })
        var headers = call.forwardedHeaders.filter { header in
            let name = header.name.lowercased()
            return !overridden.contains(name)
                && (provider.allowClientBillingHeaders || !HeaderPolicy.billingScope.contains(name))
        }
        headers.append(HopMark.header(appending: call.hopMarks))
        headers.append(contentsOf: provider.headers.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) })
        headers.append((name: "Content-Type", value: "application/json"))
        headers += provider.type.adapter.authHeaders(for: provider, present: headers)
        return headers
    }

    /// A successful answer in a provider's shape: a JSON body, or for a stream anything but
    /// an HTML page.
    static func looksLikeAnAPIAnswer(_ opened: Opened) -> Bool {
        switch opened {
        case .whole(let response):
            guard let first = response.body.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return true }
            return first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        case .stream(let stream):
            // Only an HTML page is surely not an event stream: some OpenAI-compatible servers
            // label their SSE loosely (text/plain), and those must keep working.
            let type = stream.head.header("content-type")?.lowercased() ?? ""
            return !type.hasPrefix("text/html")
        }
    }

    /// curl's codes for "could not reach or use the proxy" (as opposed to the upstream).
    static func isProxyFailure(_ error: CurlError) -> Bool {
        if case .transport(let code, _) = error { return [5, 7, 97].contains(code) }
        return false
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as CurlError:
            switch error {
            case .transport(let code, _): return "connection failed (curl \(code))"
            case .timedOut: return "timed out"
            default: return error.description
            }
        default: return "upstream error"
        }
    }

    static func retryAfter(_ head: UpstreamHead) -> TimeInterval? {
        head.header("retry-after").flatMap { TimeInterval($0.trimmingCharacters(in: .whitespaces)) }
    }
}
