import RouterCore
import Synchronization

/// Decides the model name a call is counted under in `/metrics` and the per-minute totals,
/// so that no client can create label sets or total rows without bound: names the admin
/// configured count as they are; a name only a catch-all provider accepted (a 2xx answer)
/// counts as itself while fewer than `maxLearned` such names were seen; everything else —
/// unknown models, refused calls, nonsense — counts as `CallRecord.unlistedModel`.
final class ModelLabels: Sendable {
    let maxLearned: Int
    private let learned = Mutex<Set<String>>([])

    init(maxLearned: Int = 500) {
        self.maxLearned = maxLearned
    }

    func label(for record: CallRecord, known: Set<String>) -> String {
        let name = record.model ?? record.modelRequested
        if name.isEmpty || known.contains(name) || known.contains(record.modelRequested) { return name }
        guard (200..<300).contains(record.status) else { return CallRecord.unlistedModel }
        return learned.withLock { learned in
            if learned.contains(name) { return name }
            guard learned.count < maxLearned else { return CallRecord.unlistedModel }
            learned.insert(name)
            return name
        }
    }
}
