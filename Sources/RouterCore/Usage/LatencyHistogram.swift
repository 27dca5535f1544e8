/// Fixed latency buckets (milliseconds) shared by the stored per-minute aggregates and
/// `/metrics`, so percentiles can be estimated from counts that are kept forever.
public enum LatencyHistogram {
    /// Upper bounds; one more bucket past the last holds everything slower.
    public static let bounds: [Double] = [25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000]
    public static var bucketCount: Int { bounds.count + 1 }

    public static func bucket(of milliseconds: Double) -> Int {
        bounds.firstIndex { milliseconds <= $0 } ?? bounds.count
    }

    /// The `q` quantile (0...1) of the counted values, interpolated linearly inside its bucket
    /// as Prometheus' `histogram_quantile` does; nil without values.
    public static func quantile(_ q: Double, counts: [Int]) -> Double? {
        let total = counts.reduce(0, +)
        guard total > 0 else { return nil }
        let rank = q * Double(total)
        var seen = 0
        for (index, count) in counts.enumerated() where count > 0 {
            if Double(seen + count) >= rank {
                let lower = index == 0 ? 0 : bounds[index - 1]
                guard index < bounds.count else { return lower }
                let fraction = (rank - Double(seen)) / Double(count)
                return lower + (bounds[index] - lower) * max(0, min(1, fraction))
            }
            seen += count
        }
        return bounds.last
    }
}
