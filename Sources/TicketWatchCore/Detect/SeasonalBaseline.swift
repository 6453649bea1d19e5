import Foundation

/// What a day's total volume is expected to be, from the days before it only: a robust weekly profile times a
/// robust recent level, with a negative-binomial spread estimated from the same history.
///
/// - Weekday profile: the `seasonWindow` days before the day judged are cut into whole weeks ending the day
///   before; each complete week (no gap in it) gives every weekday the ratio of its count to that week's mean,
///   and a weekday's factor is the trimmed mean of its ratios (largest and smallest dropped), each week weighted
///   by its mean, the factors then scaled to average 1. The weights matter when the history holds weeks of
///   another order of size (the thin months before a desk's export becomes complete, a feed that was stopped):
///   two tickets on a Thursday of an empty week would otherwise weigh as much as a full week's Thursday. Fewer than two complete weeks: no weekday profile yet (all factors 1).
/// - Level: the mean, over the usable days of the last `levelWindow` days, of count / weekday factor, days more
///   than three robust standard deviations from their median left out (`rejectingMean`).
/// - Spread: the same complete weeks give residual ratios count / (week mean × factor); their variance, outliers
///   rejected alike (`rejectingVariance`), × 7W / 6(W − 1) for the W week means and six weekday factors fitted
///   from the same 7W days, minus the Poisson part, is the gamma (overdispersion) part 1/k of a negative
///   binomial. The uncertainty of the level and profile estimates is added, and tails are read on a Student t
///   with the spread estimate's degrees of freedom (`widened`), so a short history gives a wider, not a falsely
///   narrow, baseline.
/// Gap days are never part of any of this (see `DayStatus`).
struct SeasonalBaseline {
    /// Expected count on the day judged, and the negative binomial's size k (Var = μ + μ²/k).
    var mean: Double
    var size: Double
    /// Degrees of freedom of the spread estimate: the residuals less the week means and weekday factors fitted
    /// from them. Few of them (the first weeks of a warehouse) mean an uncertain spread, so tails are widened.
    var spreadDegrees: Double
    /// The weekday factor used for the day judged.
    var weekdayFactor: Double
    /// The recent level: an average day's tickets, weekday aside.
    var level: Double
    /// Usable days the estimate rests on, and the first and last slot of the history window.
    var historyDays: Int
    var windowStart: Int
    var windowEnd: Int

    var std: Double { (mean + mean * mean / size).squareRoot() }

    /// `usable[s]` is false for gap days and slots not yet known. Returns nil with fewer than `minHistory` usable
    /// days in the season window.
    static func estimate(at t: Int, counts: [Double], usable: [Bool], weekday: (Int) -> Int,
                         seasonWindow: Int, levelWindow: Int, minHistory: Int) -> SeasonalBaseline? {
        let start = max(0, t - seasonWindow)
        guard t > start else { return nil }
        var history = 0
        for s in start..<t where usable[s] { history += 1 }
        guard history >= minHistory else { return nil }

        // Whole weeks ending the day before t, complete (all seven days usable).
        var ratios = [[Double]](repeating: [], count: 7)
        var weights = [[Double]](repeating: [], count: 7)
        var weeks: [(first: Int, mean: Double)] = []
        var end = t
        while end - 7 >= start {
            let first = end - 7
            if (first..<end).allSatisfy({ usable[$0] }) {
                var sum = 0.0
                for s in first..<end { sum += counts[s] }
                let mean = sum / 7
                if mean > 0 {
                    weeks.append((first, mean))
                    for s in first..<end {
                        ratios[weekday(s)].append(counts[s] / mean)
                        weights[weekday(s)].append(mean)
                    }
                }
            }
            end = first
        }
        var factors = [Double](repeating: 1, count: 7)
        if weeks.count >= 2 {
            // A floor keeps a factor above zero only: real desks close at weekends (a Sunday at 1 % of a weekday),
            // and a floor of a few percent would expect dozens of tickets on every such Sunday — a "drop" each week.
            for d in 0..<7 { factors[d] = max(trimmedMean(ratios[d], weights: weights[d]), 0.001) }
            let average = factors.reduce(0, +) / 7
            for d in 0..<7 { factors[d] /= average }
        }

        // Level: mean deseasonalised count over the recent usable days, outlying days left out.
        var deseasonalised: [Double] = []
        for s in max(start, t - levelWindow)..<t where usable[s] {
            deseasonalised.append(counts[s] / factors[weekday(s)])
        }
        if deseasonalised.count < 3 {
            deseasonalised = (start..<t).filter { usable[$0] }.map { counts[$0] / factors[weekday($0)] }
        }
        let level = rejectingMean(deseasonalised)
        let factor = factors[weekday(t)]
        let mean = max(level * factor, 0.5)

        // Spread: residual ratios within complete weeks (or around the level when there are none yet).
        var residuals: [Double] = []
        var poisson: [Double] = []
        if weeks.count >= 2 {
            for week in weeks {
                for s in week.first..<(week.first + 7) {
                    let expected = max(week.mean * factors[weekday(s)], 0.5)
                    residuals.append(counts[s] / expected)
                    poisson.append(1 / expected)
                }
            }
        } else {
            for s in start..<t where usable[s] {
                let expected = max(level * factors[weekday(s)], 0.5)
                residuals.append(counts[s] / expected)
                poisson.append(1 / expected)
            }
        }
        // Residual degrees of freedom: 7W values less W week means and 6 free weekday factors.
        let w = Double(weeks.count)
        let correction = weeks.count >= 2 ? 7 * w / (6 * (w - 1)) : 1.0
        // The spread is read from days expected to have at least ten tickets, when there are enough of them: a desk
        // closed at weekends has Sundays of a few tickets, whose ratios are mostly Poisson noise (a variance of
        // 1/expected, cut unevenly by the outlier rejection), and whose 1/expected subtracted would cancel the
        // whole overdispersion of the weekdays. The Poisson part is taken over the residuals the variance kept.
        let busy = poisson.indices.filter { poisson[$0] <= 0.1 }
        if busy.count >= 7 && busy.count < poisson.count {
            residuals = busy.map { residuals[$0] }
            poisson = busy.map { poisson[$0] }
        }
        let (kept, keptPoisson) = rejectingVariance(residuals, alongside: poisson)
        let variance = kept * correction
        var inverseSize = max(0, variance - keptPoisson)
        // Estimation error of the level (a mean of the kept days, widened by a tenth for the rejection and
        // the weekday factors it divides by) and of the weekday factor.
        inverseSize += variance * 1.1 / Double(max(deseasonalised.count, 1))
        if weeks.count >= 2 { inverseSize += variance / Double(weeks.count) }
        let size = 1 / max(inverseSize, 1e-6)
        let degrees = weeks.count >= 2 ? 6 * (w - 1) : Double(max(residuals.count - 1, 1))
        return SeasonalBaseline(mean: mean, size: size, spreadDegrees: degrees, weekdayFactor: factor, level: level,
                                historyDays: history,
                                windowStart: start, windowEnd: t - 1)
    }

    /// P(no ticket at all) under this baseline: what tells a quiet day from a gap in the feed.
    var probabilityOfZero: Double { exp(size * log(size / (size + mean))) }

    /// The counts the day's test takes as ordinary: the central `coverage` of this baseline, tails read as
    /// `upperTail` reads them (mid-p, widened for the spread's uncertainty). A count above `upper` is one the
    /// day's test finds below p = (1 − coverage) / 2.
    func band(coverage: Double = 0.99) -> (lower: Double, upper: Double) {
        CountTests.centralBand(coverage: coverage, upTo: (mean + 60 * std + 20).rounded(.up), upperTail: upperTail)
    }

    /// The one-sided p-value of a count x under this baseline: the mid-p P(X > x) + ½ P(X = x), widened for the
    /// spread's uncertainty.
    func upperTail(_ x: Double) -> Double {
        widened(CountTests.negativeBinomialMidP(x, mean: mean, size: size), mean: mean,
                variance: mean + mean * mean / size)
    }

    /// A negative-binomial tail p of a count with this `mean` and `variance`, widened for the uncertainty of the
    /// estimated spread: p's normal score read on a Student t instead. Only the overdispersion part of the
    /// variance is estimated (the Poisson part is known), so the t's degrees are those of the estimate scaled by
    /// (variance / estimated part)² (Satterthwaite): a small count with a Poisson-like spread keeps nearly its
    /// exact tail, a large one whose spread rests on three weeks of history gets a t with 12 degrees.
    func widened(_ p: Double, mean: Double, variance: Double) -> Double {
        let estimated = variance - mean
        guard estimated > 0 else { return p }
        let ratio = variance / estimated
        return CountTests.studentised(p, degrees: spreadDegrees * ratio * ratio)
    }
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/// The median and the robust scale 1.4826 × MAD (the standard deviation, for normal data).
func medianAndScale(_ values: [Double]) -> (centre: Double, scale: Double) {
    let centre = median(values)
    return (centre, 1.4826 * median(values.map { abs($0 - centre) }))
}

/// Values within three robust standard deviations of the median: incident days (far out) are left out, while
/// the rest keeps the efficiency of a plain mean or variance (a median or MAD alone uses a day's worth of
/// information at 64 % and 37 %, which on a volume series means a wider baseline and missed surges).
private func rejectingOutliers(_ values: [Double]) -> [Double]? {
    let (centre, scale) = medianAndScale(values)
    let kept = values.filter { abs($0 - centre) <= 3 * scale }
    return kept.count >= 5 ? kept : nil
}

/// Mean of the values left after rejecting outliers (the median when fewer than five remain).
func rejectingMean(_ values: [Double]) -> Double {
    guard let kept = rejectingOutliers(values) else { return median(values) }
    return kept.reduce(0, +) / Double(kept.count)
}

/// Variance of the values left after rejecting outliers, divided by 0.97334, the variance a normal keeps when
/// cut at ±3 standard deviations (the squared robust scale when fewer than five remain).
func rejectingVariance(_ values: [Double]) -> Double {
    guard let kept = rejectingOutliers(values) else { return pow(medianAndScale(values).scale, 2) }
    let mean = kept.reduce(0, +) / Double(kept.count)
    return kept.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(kept.count) / 0.97334
}

/// `rejectingVariance(values)`, and the mean of `alongside` over the same kept values (over all of them when
/// fewer than five remain).
func rejectingVariance(_ values: [Double], alongside: [Double]) -> (variance: Double, keptMean: Double) {
    let (centre, scale) = medianAndScale(values)
    let keep = values.indices.filter { abs(values[$0] - centre) <= 3 * scale }
    guard keep.count >= 5 else {
        return (pow(scale, 2), alongside.reduce(0, +) / Double(max(alongside.count, 1)))
    }
    return (rejectingVariance(values), keep.reduce(0) { $0 + alongside[$1] } / Double(keep.count))
}

/// Weighted mean without the largest and smallest value (when there are at least five).
func trimmedMean(_ values: [Double], weights: [Double]) -> Double {
    guard !values.isEmpty else { return 1 }
    let sorted = zip(values, weights).sorted { $0.0 < $1.0 }
    let kept = sorted.count >= 5 ? sorted.dropFirst().dropLast() : sorted[...]
    let weight = kept.reduce(0) { $0 + $1.1 }
    guard weight > 0 else { return 1 }
    return kept.reduce(0) { $0 + $1.0 * $1.1 } / weight
}
