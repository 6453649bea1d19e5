import Foundation

/// The span test: a surge that lasts a few days may be too small on any one day to pass, yet clear over the days
/// together. Each series is therefore tested twice on a judged day — on the day alone and on its counts summed
/// over the last `days` days (the day and the days before it) — and its one p-value is the weighted Simes
/// combination of the two: the smaller divided by its share of the test (`weight` for the span, 1 − `weight` for
/// the day), or the larger undivided when both are small, so the series still counts once in the day's
/// false-discovery cut. Simes is valid here because the two tests are positively dependent (the span contains
/// the day); it gains over Bonferroni on surges that show on every day of the span.
///
/// The span exists only when every day in it is usable and had a volume baseline; otherwise the day's test
/// stands alone, undivided. A series' span never reaches back to or before its own last finding (`after`): a
/// surge already found must not keep its series significant for days after it ended, which would hold the
/// incident open and delay its "recovered".
struct SpanTest {
    /// What the span's test saw: the summed count, its expectation, and the test's own p-value; with the span's
    /// length and weight, so that it can say itself in an alert.
    struct Outcome {
        var value: Double
        var expected: Double
        var p: Double
        var days: Int
        var weight: Double

        /// The span's part of the reason, said only when the span decided the series' p-value (a one-day spike
        /// reads better without it).
        func wording(day: Double) -> String {
            guard p / weight < day / (1 - weight) else { return "" }
            return "; \(days) days together: \(Wording.count(value)), \(Wording.ratio(value, expected)) the \(Wording.count(expected)) expected"
        }

        var excessPerDay: Double { (value - expected) / Double(days) }

        var facts: [(String, String)] {
            [("span_days", String(days)), ("span_value", JSONObject.number(value)),
             ("span_expected", JSONObject.number(expected)), ("span_p_value", JSONObject.number(p))]
        }
    }

    let first: Int
    let last: Int
    let weight: Double

    var slots: ClosedRange<Int> { first...last }

    /// nil when there is no span test on slot `t` (span of one day, too early, or a day in it unusable).
    init?(t: Int, days: Int, weight: Double, baselines: [SeasonalBaseline?], usable: [Bool]) {
        guard days > 1, t - days + 1 >= 0, baselines[t] != nil else { return nil }
        // Day t itself is being judged: not yet marked usable.
        for s in (t - days + 1)..<t where !usable[s] || baselines[s] == nil { return nil }
        first = t - days + 1
        last = t
        self.weight = weight
    }

    init(first: Int, last: Int, weight: Double) {
        self.first = first
        self.last = last
        self.weight = weight
    }

    /// The span of a series whose last finding was on `slot` (nil: none lately): only the days after it, and no
    /// span at all when that leaves the judged day alone.
    func after(_ slot: Int?) -> SpanTest? {
        guard let slot, slot >= first else { return self }
        guard last - slot >= 2 else { return nil }
        return SpanTest(first: slot + 1, last: last, weight: weight)
    }

    /// The series' p-value from the day's and the span's (nil: not significant, counted as 1): weighted Simes.
    func combine(day: Double, span: Double?) -> Double {
        guard let span else { return min(1, day / (1 - weight)) }
        return min(1, day / (1 - weight), span / weight, max(day, span))
    }

    /// The total volume over the span against the sum of the days' baselines: a negative binomial matched to the
    /// sum's mean and variance (the days' gamma parts are independent), widened like a day's tail.
    func volume(totals: [Double], baselines: [SeasonalBaseline?]) -> Outcome {
        summed(totals: totals, baselines: baselines) { count, mean, size in
            CountTests.negativeBinomialMidP(count, mean: mean, size: size)
        }
    }

    /// The same sum's lower tail, P(X ≤ count): a shortfall that lasts (`DayClassifier`).
    func shortfall(totals: [Double], baselines: [SeasonalBaseline?]) -> Outcome {
        summed(totals: totals, baselines: baselines) { count, mean, size in
            CountTests.negativeBinomialLowerTail(count, mean: mean, size: size)
        }
    }

    private func summed(totals: [Double], baselines: [SeasonalBaseline?],
                        tail: (_ count: Double, _ mean: Double, _ size: Double) -> Double) -> Outcome {
        var count = 0.0, mean = 0.0, variance = 0.0
        for s in slots {
            guard let b = baselines[s] else { continue }
            count += totals[s]
            mean += b.mean
            variance += b.mean + b.mean * b.mean / b.size
        }
        let size = variance > mean ? mean * mean / (variance - mean) : 1e9
        let p = tail(count, mean, size)
        // The days' spreads come from nearly the same history: the judged day's degrees stand for all.
        return outcome(value: count, expected: mean,
                       p: baselines[last].map { $0.widened(p, mean: mean, variance: variance) } ?? p)
    }

    /// This span's outcome of a test that saw `value` against `expected`, with p-value `p`.
    func outcome(value: Double, expected: Double, p: Double) -> Outcome {
        Outcome(value: value, expected: expected, p: p, days: last - first + 1, weight: weight)
    }
}
