/// Weighted Benjamini–Hochberg: which of one day's tests to report so that, on average, at most a fraction q of
/// the reported series are false discoveries — and, on a day where nothing happened, a report at all has
/// probability at most q. This is what lets the detector watch every queue and tag with enough support (hundreds
/// of series a day) without the false alerts growing with their number.
///
/// Each test has a weight, and the weights of all m hypotheses (listed and untested) must sum to m: a test of
/// weight w is judged on p / w. The default detector splits the rate equally between four families — total
/// volume, high-priority share, queues, tags — so one total-volume test weighs as much as all tags together.
public enum FalseDiscovery {
    public struct Test: Sendable {
        public var p: Double
        public var weight: Double
        public init(p: Double, weight: Double = 1) {
            self.p = p
            self.weight = weight
        }
    }

    /// The result: the indices of the rejected tests, and the per-unit-weight p cutoff q·R/m that they passed
    /// (a test of weight w passed when p ≤ w · cutoff). `cutoff` is the first step's q/m when nothing passed.
    public struct Decision: Sendable, Equatable {
        public var rejected: [Int]
        public var cutoff: Double
    }

    /// `tests` may include any number of tests with p = 1 (series watched but not elevated): they count in m.
    /// `untested` adds further hypotheses to m without listing them (watched series whose p is certainly large).
    /// Weights are used as given: the caller makes all m weights sum to m.
    public static func benjaminiHochberg(_ tests: [Test], q: Double, untested: Int = 0) -> Decision {
        let m = tests.count + untested
        guard m > 0, q > 0 else { return Decision(rejected: [], cutoff: 0) }
        let scale = 1.0
        let order = tests.indices.sorted { a, b in
            adjusted(tests[a], scale) < adjusted(tests[b], scale)
        }
        var accepted = 0
        for (rank, index) in order.enumerated() {
            if adjusted(tests[index], scale) <= q * Double(rank + 1) / Double(m) { accepted = rank + 1 }
        }
        let cutoff = q * Double(max(accepted, 1)) / Double(m)
        return Decision(rejected: Array(order.prefix(accepted)).sorted(), cutoff: cutoff * scale)
    }

    private static func adjusted(_ test: Test, _ scale: Double) -> Double {
        let w = max(test.weight, 0) * scale
        return w > 0 ? test.p / w : .infinity
    }
}
