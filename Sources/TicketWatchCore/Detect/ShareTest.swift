import Foundation

/// The test for a part of the day's traffic — one queue, one tag, the high-priority tickets: is its count c among
/// the day's n tickets more than its recent share predicts?
///
/// Conditioning on the day's total takes out whatever moves all traffic at once (a busy Monday, a generally heavy
/// day), so a queue is flagged for growing against the rest, not for riding a busy day. Under the baseline the
/// count is binomial, c ~ Bin(n, p̂), with p̂ the share over the usable days of the last `shareWindow` days
/// (smoothed, (C + ½) / (N + 1), so a share never seen is small but not zero). Real traffic is lumpier than
/// binomial (beta-binomial); the overdispersion φ = Var / binomial Var is estimated from the window's Pearson
/// residuals (winsorised at 3 so past incidents barely count) and only used where it is clearly above 1 (its
/// estimate minus two standard errors). On top of that, the family's day-to-day share variation κ
/// (`FamilyDispersion`) gives a variance μ(1 − p) + κ·μ², i.e. φ = 1 + κ·μ/(1 − p), which matters for busy
/// series; the larger of the two φ is used. The test is then the quasi-binomial tail with c/φ of n/φ.
enum ShareTest {
    struct Result {
        var p: Double
        var expected: Double
        var std: Double
        var share: Double
        var overdispersion: Double
    }

    /// The smoothed baseline share from window sums.
    static func share(count: Double, of total: Double) -> Double { (count + 0.5) / (total + 1) }

    /// The binomial expectation and spread of a count that was not tested, because it cannot be significant.
    static func untested(n: Double, share p: Double) -> Result {
        Result(p: 1, expected: n * p, std: (n * p * (1 - p)).squareRoot(), share: p, overdispersion: 1)
    }

    /// Whether the binomial mid-p of `c` is surely above `level`, from ½·P(X = c), a lower bound of it: four
    /// logarithms instead of a continued fraction, for the screen that runs on every series every day (most
    /// counts are near their expectation, where one term of the tail is already far above any cut).
    static func surelyAbove(_ level: Double, c: Double, n: Double, share p: Double) -> Bool {
        guard c <= n, p > 0, p < 1 else { return false }
        let logPmf = lgamma(n + 1) - lgamma(c + 1) - lgamma(n - c + 1) + c * log(p) + (n - c) * log1p(-p)
        return 0.5 * exp(logPmf) > level
    }

    /// p-value with φ = 1 (binomial): a quick screen, since φ ≥ 1 only makes the p-value larger.
    static func binomialP(_ c: Double, n: Double, share p: Double) -> Double {
        CountTests.binomialMidP(c, n: n, p: p)
    }

    /// The full test: estimates φ from the window (slots `window` where `usable`), adds the family's share
    /// variation `dispersion` (κ), then the quasi-binomial tail.
    static func test(_ c: Double, n: Double, share p: Double, series: [Double], totals: [Double],
                     usable: [Bool], window: Range<Int>, dispersion: Double = 0) -> Result {
        let phi = overdispersion(share: p, n: n, series: series, totals: totals, usable: usable, window: window,
                                 dispersion: dispersion)
        let pValue = quasiBinomialP(c, n: n, share: p, overdispersion: phi)
        let expected = n * p
        return Result(p: pValue, expected: expected, std: (phi * expected * (1 - p)).squareRoot(), share: p,
                      overdispersion: phi)
    }

    /// φ for a count among `n` tickets: from the window's winsorised Pearson residuals, kept only where clearly
    /// above 1, or from the family's share drift `dispersion`, whichever is larger.
    static func overdispersion(share p: Double, n: Double, series: [Double], totals: [Double], usable: [Bool],
                               window: Range<Int>, dispersion: Double = 0) -> Double {
        var sum = 0.0, days = 0
        for s in window where usable[s] && totals[s] > 0 {
            let e = totals[s] * p
            let v = e * (1 - p)
            guard v > 0 else { continue }
            let r2 = (series[s] - e) * (series[s] - e) / v
            sum += min(r2, 9)
            days += 1
        }
        var phi = 1.0
        if days >= 7 {
            // E[min(χ²₁, 9)] ≈ 0.995; the estimate's standard error is about √(2/T).
            let estimate = sum / Double(days) / 0.995
            phi = max(1, estimate - 2 * (2 / Double(days)).squareRoot())
        }
        // The series' own φ already holds whatever share variation its window showed: take the larger.
        return max(phi, 1 + dispersion * n * p / (1 - p))
    }

    /// The quasi-binomial upper tail of count `c` among `n` with overdispersion φ: the binomial mid-p of c/φ of
    /// n/φ. The one spelling of the share model's tail, for the test and the band the report draws.
    static func quasiBinomialP(_ c: Double, n: Double, share p: Double, overdispersion phi: Double) -> Double {
        CountTests.binomialMidP(c / phi, n: n / phi, p: p, step: 1 / phi)
    }

    /// The central band of a count among `n` tickets under the share test's (quasi-)binomial with share `p` and
    /// overdispersion `phi`: the smallest and largest counts whose mid-p tails are both above (1 − coverage) / 2.
    static func band(n: Double, share p: Double, overdispersion phi: Double,
                     coverage: Double = 0.99) -> (lower: Double, upper: Double) {
        guard n > 0 else { return (0, 0) }
        let tail = { (c: Double) in quasiBinomialP(c, n: n, share: p, overdispersion: phi) }
        return CountTests.centralBand(coverage: coverage, upTo: n.rounded(.up), upperTail: tail)
    }
}
