import Foundation

/// How much the shares of a family's series (every queue, every tag, or the high-priority tickets) move from day
/// to day beyond what counting alone explains, estimated from the history and pooled across the family.
///
/// Why: on real traffic a queue's share of the day is not fixed. Reassignments, team changes and one cause
/// filing several tickets make a busy queue's count vary by 20 to 40 % of its mean from day to day, where a
/// binomial allows a few percent; tested against a binomial, such a queue "surges" every week (on a real ITSM
/// log, 101 of 149 alerts in six months were queues within their usual range). One series' history is too
/// short to estimate this for itself, and a past incident in it would inflate the estimate; the family's series
/// together give a stable figure, and series that share a desk share its habits.
///
/// Model: given the day's n tickets, a series' count has mean μ = n·p and variance μ(1 − p) + κ·μ², i.e. the
/// share itself varies with squared coefficient of variation κ (a beta-binomial or gamma-mixed share). κ is the
/// method-of-moments estimate Σ((c − μ)² − μ(1 − p)) / Σ μ² over the family's watched series and the usable days
/// of the window, each day's squared residual capped so that past surges count little.
///
/// Busy and quiet series are estimated apart (`Estimate`): a busy queue's share drifts by some tens of percent,
/// while a quiet one's count comes in clumps (one cause, several tickets: ten tickets on a day in a queue that
/// averages one is common in real ITSM data), which is a far larger κ. The quiet class's residuals are capped
/// much higher, since a clump is what it is made of. Generated traffic whose shares are fixed and whose tickets
/// come one by one gives κ ≈ 0 in both classes, and the share tests stay as sharp as before.
enum FamilyDispersion {
    /// A family's two estimates; series averaging fewer than `quietBelow` tickets a day are quiet.
    struct Estimate {
        static let quietBelow = 1.0
        var busy = 0.0
        var quiet = 0.0
        /// How big the quiet series' clumps come: every count of a quiet series on a day it had tickets.
        var clumps = ClumpTail(positiveCounts: [])

        func kappa(meanPerDay: Double) -> Double { meanPerDay < Self.quietBelow ? max(busy, quiet) : busy }
    }

    /// The family's estimate from its watched series (`indices`, each with its window share from `shareOf` and
    /// its mean tickets a day from `meanPerDay`).
    static func estimate(series: [[Double]], indices: [Int], totals: [Double], usable: [Bool], window: Range<Int>,
                         meanPerDay: (Int) -> Double, shareOf: (Int) -> Double) -> Estimate {
        let quiet = indices.filter { meanPerDay($0) < Estimate.quietBelow }
        let busy = indices.filter { meanPerDay($0) >= Estimate.quietBelow }
        var positive: [Double] = []
        for i in quiet {
            for s in window where usable[s] && series[i][s] > 0 { positive.append(series[i][s]) }
        }
        return Estimate(
            busy: estimate(series: series, indices: busy, totals: totals, usable: usable, window: window, cap: 25,
                           shareOf: shareOf),
            quiet: estimate(series: series, indices: quiet, totals: totals, usable: usable, window: window, cap: 400,
                            shareOf: shareOf),
            clumps: ClumpTail(positiveCounts: positive))
    }

    /// κ of the series `indices` over `window` (slots where `usable`), each series' share p taken over the same
    /// window, squared residuals capped at `cap` binomial variances; 0 when the series show no extra variation.
    static func estimate(series: [[Double]], indices: [Int], totals: [Double], usable: [Bool],
                         window: Range<Int>, cap: Double, shareOf: (Int) -> Double) -> Double {
        var excess = 0.0, scale = 0.0
        for i in indices {
            let counts = series[i]
            let p = shareOf(i)
            guard p > 0, p < 1 else { continue }
            for s in window where usable[s] && totals[s] > 0 {
                let mean = totals[s] * p
                let binomial = mean * (1 - p)
                let residual = counts[s] - mean
                excess += min(residual * residual, cap * binomial) - binomial
                scale += mean * mean
            }
        }
        guard scale > 0 else { return 0 }
        return max(0, excess / scale)
    }
}

/// The tail of a quiet series' count when its tickets come in clumps: one cause files several tickets at once.
///
/// Why: in a real ITSM log a service component that averages a ticket every few days gets 15 or 30 on a day when
/// one of its systems fails, and with some hundred such components one of them does so most weeks. A variance
/// (κ above) cannot describe that: its tails fall off exponentially, so 28 tickets against 0.3 expected stays
/// a one-in-a-billion day however large κ is. Counted as clumps, the day is what it is: one cause (a Poisson
/// number of them, rate λ = μ / mean clump size) whose clump reached 28, and the family's own history says how
/// often clumps get that big: F(c), the share of the quiet series' days with tickets that had c or more. The
/// p-value is then 1 − exp(−λ·F(c)). A family whose quiet series never came in clumps (generated traffic, where
/// tickets arrive one by one) has F(c) = 0 beyond its incidents, and the tail is the quasi-binomial's alone.
struct ClumpTail {
    /// Series expecting fewer tickets than this on a day are also judged as clumps: with a few tickets expected,
    /// one cause filing a clump is what a high count most likely is; a busy series' surge is many causes.
    static let expectedBelow = 5.0
    /// The pooled positive counts, ascending.
    private let sorted: [Double]
    private let meanSize: Double

    init(positiveCounts: [Double]) {
        sorted = positiveCounts.sorted()
        meanSize = sorted.isEmpty ? 1 : sorted.reduce(0, +) / Double(sorted.count)
    }

    /// P(a day of a series expecting `mean` tickets has `c` or more) under clumps; nil when no day of the family's
    /// history had a clump that big (the history says nothing against the share test then).
    func upperTail(_ c: Double, mean: Double) -> Double? {
        guard !sorted.isEmpty, mean > 0 else { return nil }
        // First index whose count is ≥ c.
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < c { lo = mid + 1 } else { hi = mid }
        }
        let reaching = sorted.count - lo
        guard reaching > 0 else { return nil }
        let f = Double(reaching) / Double(sorted.count)
        return 1 - exp(-(mean / meanSize) * f)
    }
}

/// The three families' share drift on one day, from the share window before it: what the share tests of that day
/// use, and what the report's bands of that day are drawn with (`ExpectationRecorder`).
struct FamilyDispersions {
    var high = 0.0
    var queues = FamilyDispersion.Estimate()
    var tags = FamilyDispersion.Estimate()
    /// The share window's days, to turn a series' window sum into its mean a day.
    private var days = 1.0

    init(at t: Int, data: DailyCounts, usable: [Bool], windows: RollingSums, shareWindow: Int, minSupport: Int) {
        let range = max(0, t - shareWindow)..<t
        let total = windows.totalSum(range)
        days = Double(max(1, range.count))
        high = FamilyDispersion.estimate(series: [data.highs], indices: [0], totals: data.totals, usable: usable,
                                         window: range, cap: 25) { _ in
            ShareTest.share(count: windows.highSum(range), of: total)
        }
        for (kind, table) in [(Finding.Kind.queue, data.queues), (Finding.Kind.tag, data.tags)] {
            let sums = table.counts.indices.map { windows.seriesSum(kind, $0, range) }
            let watched = table.counts.indices.filter { sums[$0] >= Double(minSupport) }
            let estimate = FamilyDispersion.estimate(
                series: table.counts, indices: watched, totals: data.totals, usable: usable, window: range,
                meanPerDay: { [days] in sums[$0] / days },
                shareOf: { ShareTest.share(count: sums[$0], of: total) })
            if kind == .queue { queues = estimate } else { tags = estimate }
        }
    }

    /// The clump tail of the queues' or the tags' quiet series.
    func clumps(_ kind: Finding.Kind) -> ClumpTail? {
        switch kind {
        case .queue: return queues.clumps
        case .tag: return tags.clumps
        case .high, .total, .feed: return nil
        }
    }

    /// κ for a series of `kind` whose share window held `windowSum` tickets (ignored for the high share).
    func kappa(_ kind: Finding.Kind, windowSum: Double) -> Double {
        switch kind {
        case .high: high
        case .queue: queues.kappa(meanPerDay: windowSum / days)
        case .tag: tags.kappa(meanPerDay: windowSum / days)
        case .total, .feed: 0
        }
    }
}
