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
        /// How big the quiet series' clumps come, gathered the first time a series needs them.
        var clumps = ClumpSizes { ClumpTail(positiveCounts: []) }

        func kappa(meanPerDay: Double) -> Double { meanPerDay < Self.quietBelow ? max(busy, quiet) : busy }
    }

    /// The family's estimate from its watched series (`indices`, each with its window share from `shareOf` and
    /// its mean tickets a day from `meanPerDay`).
    static func estimate(series: [[Double]], indices: [Int], totals: [Double], usable: [Bool], window: Range<Int>,
                         meanPerDay: (Int) -> Double, shareOf: (Int) -> Double) -> Estimate {
        let quiet = indices.filter { meanPerDay($0) < Estimate.quietBelow }
        let busy = indices.filter { meanPerDay($0) >= Estimate.quietBelow }
        return Estimate(
            busy: estimate(series: series, indices: busy, totals: totals, usable: usable, window: window, cap: 25,
                           shareOf: shareOf),
            quiet: estimate(series: series, indices: quiet, totals: totals, usable: usable, window: window, cap: 400,
                            shareOf: shareOf),
            clumps: ClumpSizes {
                var days = [0, 0]
                for i in quiet {
                    series[i].withUnsafeBufferPointer { counts in
                        for s in window where usable[s] { ClumpTail.tally(counts[s], into: &days) }
                    }
                }
                return ClumpTail(days: days)
            })
    }

    /// κ of the series `indices` over `window` (slots where `usable`), each series' share p taken over the same
    /// window, squared residuals capped at `cap` binomial variances; 0 when the series show no extra variation.
    static func estimate(series: [[Double]], indices: [Int], totals: [Double], usable: [Bool],
                         window: Range<Int>, cap: Double, shareOf: (Int) -> Double) -> Double {
        var excess = 0.0, scale = 0.0
        // The window's days with tickets, once for all the family's series (this runs for every series every day).
        let slots = window.filter { usable[$0] && totals[$0] > 0 }
        let dayTotals = slots.map { totals[$0] }
        for i in indices {
            let p = shareOf(i)
            guard p > 0, p < 1 else { continue }
            series[i].withUnsafeBufferPointer { counts in
                for (k, s) in slots.enumerated() {
                    let mean = dayTotals[k] * p
                    let binomial = mean * (1 - p)
                    let residual = counts[s] - mean
                    excess += min(residual * residual, cap * binomial) - binomial
                    scale += mean * mean
                }
            }
        }
        guard scale > 0 else { return 0 }
        return max(0, excess / scale)
    }
}

/// The tail of a count of tickets that come in clumps: one cause files several tickets at once.
///
/// Why: in a real ITSM log a service component that averages a ticket every few days gets 15 or 30 on a day when
/// one of its systems fails, and with some hundred such components one of them does so most weeks. A variance
/// (κ above) cannot describe that: its tails fall off exponentially, so 28 tickets against 0.3 expected stays
/// a one-in-a-billion day however large κ is. Counted as clumps, the day is what it is: one cause (a Poisson
/// number of them, rate λ = μ / mean clump size) whose clump reached c, and the family's own history says how
/// often clumps get that big: F(c), the share of its quiet series' days with tickets that had c or more. The
/// p-value is 1 − exp(−λ·F(c)), the chance of at least one clump that big (for heavy-tailed clump sizes, how a
/// large sum comes about). The judged series' own days are left out of F: its own outage yesterday must not make
/// today's continuation ordinary. Beyond the family's largest clump F says nothing and the share test decides
/// alone — also for a sum of several clumps over a span, which this tail does not add up (an exact compound
/// Poisson sum, Panjer's recursion over the same sizes, was measured: it also treats Poisson coincidences of two
/// or three tickets as clumps, and cost a tenth of the generated recall at 40 tickets a day). Generated tickets
/// arrive one by one, F is 0 beyond the few tickets that meet by chance, and the share tests stay as sharp.
struct ClumpTail {
    /// Series expecting fewer tickets than this on a day are also judged as clumps: with a few tickets expected,
    /// one cause filing a clump is what a high count most likely is; a busy series' surge is many causes.
    static let expectedBelow = 5.0
    /// `days[j]`: the family's quiet series' days with exactly j tickets (j ≥ 1; index 0 unused).
    private let days: [Int]

    /// From the family's quiet series' counts on their days with tickets.
    init(positiveCounts: [Double]) {
        var days = [0, 0]
        for count in positiveCounts { Self.tally(count, into: &days) }
        self.days = days
    }

    /// From the histogram itself: `days[j]` days with j tickets.
    init(days: [Int]) { self.days = days }

    /// Counts a day with `count` tickets into the histogram `days` (a day without any is no clump).
    static func tally(_ count: Double, into days: inout [Int]) {
        guard count >= 1 else { return }
        let j = Int(count.rounded())
        if j >= days.count { days += [Int](repeating: 0, count: j - days.count + 1) }
        days[j] += 1
    }

    /// P(at least one clump of `c` or more) on a count expecting `mean` tickets, leaving out the days `excluding`
    /// (the judged series' own positive counts, when they are part of the family's); nil when no other day of
    /// the family had a clump that big.
    func upperTail(_ c: Double, mean: Double, excluding own: [Double] = []) -> Double? {
        var sizes = days
        for count in own where count >= 1 {
            let j = Int(count.rounded())
            if j < sizes.count, sizes[j] > 0 { sizes[j] -= 1 }
        }
        let n = sizes.reduce(0, +)
        let first = max(1, Int(c.rounded(.up)))
        guard n > 0, mean > 0, first < sizes.count else { return nil }
        let reaching = sizes[first...].reduce(0, +)
        guard reaching > 0 else { return nil }
        let meanSize = Double(sizes.indices.reduce(0) { $0 + $1 * sizes[$1] }) / Double(n)
        return 1 - exp(-(mean / meanSize) * Double(reaching) / Double(n))
    }
}

/// A family's clump sizes, read from its quiet series' windows only when a series first needs them: on most days
/// no series expecting a few tickets is anywhere near significant, and the reading visits every quiet series' day.
final class ClumpSizes {
    private let gather: () -> ClumpTail
    private(set) lazy var tail: ClumpTail = gather()

    init(_ gather: @escaping () -> ClumpTail) { self.gather = gather }
}

/// The three families' share drift on one day, from the share window before it: what the share tests of that day
/// use, and what the report's bands of that day are drawn with (`ExpectationRecorder`).
struct FamilyDispersions {
    var high = 0.0
    var queues = FamilyDispersion.Estimate()
    var tags = FamilyDispersion.Estimate()
    /// The share window's days, to turn a series' window sum into its mean a day.
    private var days = 1.0
    private var minSupport = 0.0

    init(at t: Int, data: DailyCounts, usable: [Bool], windows: RollingSums, shareWindow: Int, minSupport: Int) {
        let range = max(0, t - shareWindow)..<t
        let total = windows.totalSum(range)
        days = Double(max(1, range.count))
        self.minSupport = Double(minSupport)
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

    /// The clump sizes of the queues' or the tags' quiet series, and whether a series of `kind` whose share window
    /// held `windowSum` tickets is one of them (its own days are then left out when it is judged).
    func clumps(_ kind: Finding.Kind, windowSum: Double) -> (sizes: ClumpSizes, ownIsPooled: Bool)? {
        let ownIsPooled = windowSum >= minSupport && windowSum / days < FamilyDispersion.Estimate.quietBelow
        switch kind {
        case .queue: return (queues.clumps, ownIsPooled)
        case .tag: return (tags.clumps, ownIsPooled)
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
