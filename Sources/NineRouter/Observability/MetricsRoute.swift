import Curl
import Foundation
import Hummingbird
import RouterCore

/// `GET /metrics` for Prometheus. Open unless `METRICS_TOKEN` is set, then it wants that
/// token as a Bearer credential.
struct MetricsRoute {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.get("metrics") { request, _ in
            if let token = services.config.metricsToken,
               !SecretToken.equalInConstantTime(request.headers[.authorization] ?? "", "Bearer \(token)") {
                return Response(status: .unauthorized, headers: [.contentType: "text/plain; charset=utf-8",
                                                                 .wwwAuthenticate: "Bearer realm=\"metrics\""],
                                body: .init(byteBuffer: ByteBuffer(string: "metrics need 'Authorization: Bearer <METRICS_TOKEN>'\n")))
            }
            let snapshot = services.snapshots.current
            let now = Date()
            var inflight: [String: Int] = [:]
            var cooling: [String: Bool] = [:]
            for provider in snapshot.providers {
                let status = services.routing.status(of: provider.id, now: now)
                inflight[provider.name] = status.inflight
                cooling[provider.name] = status.coolingUntil != nil
            }
            let text = services.recorder.metrics.render(.init(inflight: inflight, cooling: cooling,
                                                              queued: services.recorder.queued,
                                                              dropped: services.recorder.dropped,
                                                              transfers: services.agent.activeTransfers))
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
