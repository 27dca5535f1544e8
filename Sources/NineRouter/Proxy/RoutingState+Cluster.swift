import Foundation
import RouterCore
import Synchronization

/// What the routing state shares with other replicas through the store (see `ClusterSync`):
/// rate-limit use, and provider keys resting after a 401/403.
extension RoutingState {
    func shareWithCluster() {
        state.withLock { state in
            state.limiter.shareWithCluster()
            state.sharesRests = true
        }
    }

    func takeUnpublishedUsage() -> [ClusterView.Usage] {
        state.withLock { $0.limiter.takeUnpublished() }
    }

    func syncLimits(others: [Int64: ClusterView.Use], replicas: Int, lag: Double) {
        state.withLock { $0.limiter.sync(others: others, replicas: replicas, lag: lag) }
    }

    func takeUnpublishedRests() -> [ClusterRepository.Rest] {
        state.withLock { state in
            defer { state.unpublishedRests.removeAll() }
            return state.unpublishedRests
        }
    }

    /// Rests other replicas decided; this replica skips those keys until they end too.
    func applyRests(_ rests: [ClusterRepository.Rest]) {
        state.withLock { state in
            for rest in rests {
                state.cooldowns.rest(rest.key, until: rest.until)
                if state.health[rest.key.providerID]?.lastError == nil {
                    state.health[rest.key.providerID] = ProviderHealth(lastError: rest.reason, lastErrorAt: Date())
                }
            }
        }
    }
}
