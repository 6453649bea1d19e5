import Foundation

/// Upper-tail tests for counts, exact for small counts and large ones alike, and the normal-equivalent score
/// the default detector stores in `z`.
///
/// Every tail comes from one function, the regularized incomplete beta I_x(a, b), which also accepts the
/// non-integer arguments that an overdispersion-scaled (quasi-) binomial or a negative binomial needs.
public enum CountTests {
    /// P(X ≥ x) for X ~ NegativeBinomial(mean μ, size k): Var X = μ + μ²/k. As k → ∞ it is Poisson(μ).
    /// Uses P(X ≥ x) = I_{μ/(k+μ)}(x, k).
    public static func negativeBinomialUpperTail(_ x: Double, mean: Double, size: Double) -> Double {
        guard x > 0 else { return 1 }
        guard mean > 0 else { return 0 }
        let k = min(size, 1e9)
        return regularizedIncompleteBeta(mean / (k + mean), x, k)
    }

    /// The mid-p of a negative-binomial count: P(X > x) + ½ P(X = x).
    public static func negativeBinomialMidP(_ x: Double, mean: Double, size: Double) -> Double {
        let atOrAbove = negativeBinomialUpperTail(x, mean: mean, size: size)
        return (atOrAbove + negativeBinomialUpperTail(x + 1, mean: mean, size: size)) / 2
    }

    /// P(X ≤ x) for X ~ NegativeBinomial(mean μ, size k), as I_{k/(k+μ)}(k, x + 1): the complement of the upper
    /// tail at x + 1 without its rounding, so tiny lower tails stay exact. For x = 0 it is P(X = 0) = (k/(k+μ))^k.
    public static func negativeBinomialLowerTail(_ x: Double, mean: Double, size: Double) -> Double {
        guard x >= 0 else { return 0 }
        guard mean > 0 else { return 1 }
        let k = min(size, 1e9)
        return regularizedIncompleteBeta(k / (k + mean), k, x + 1)
    }

    /// P(X ≥ c) for X ~ Binomial(n, p), through P(X ≥ c) = I_p(c, n − c + 1). Non-integer c and n are allowed:
    /// dividing both by an overdispersion factor φ gives the quasi-binomial tail with variance φ·n·p·(1 − p).
    public static func binomialUpperTail(_ c: Double, n: Double, p: Double) -> Double {
        guard c > 0 else { return 1 }
        guard p > 0 else { return 0 }
        guard p < 1 else { return 1 }
        let count = min(c, n)
        return regularizedIncompleteBeta(p, count, n - count + 1)
    }

    /// The mid-p of a binomial count: P(X > c) + ½ P(X = c), the average of the tails at c and c + `step` (the
    /// step is 1/φ on the quasi-binomial's scaled counts).
    public static func binomialMidP(_ c: Double, n: Double, p: Double, step: Double = 1) -> Double {
        let next = c + step > n ? 0 : binomialUpperTail(c + step, n: n, p: p)
        return (binomialUpperTail(c, n: n, p: p) + next) / 2
    }

    /// The central band of a discrete count given its one-sided mid-p `upperTail` (decreasing in the count): the
    /// smallest count whose tail is below 1 − α and the largest whose tail is above α, α = (1 − coverage) / 2.
    /// A count outside the band is one the test calls unusual at that level in one direction or the other.
    public static func centralBand(coverage: Double, upTo maximum: Double,
                                   upperTail: (Double) -> Double) -> (lower: Double, upper: Double) {
        let alpha = (1 - coverage) / 2
        // First count in 0...maximum for which `beyond` holds (maximum + 1 when none does); `beyond` is monotone.
        func first(_ beyond: (Double) -> Bool) -> Double {
            var low = 0.0, high = maximum + 1
            while low < high {
                let mid = ((low + high) / 2).rounded(.down)
                if beyond(mid) { high = mid } else { low = mid + 1 }
            }
            return low
        }
        let lower = first { upperTail($0) < 1 - alpha }
        let upper = first { upperTail($0) <= alpha } - 1
        return (min(lower, max(upper, 0)), max(upper, 0))
    }

    /// The standard-normal quantile of the upper tail: z with P(Z ≥ z) = p (the score stored in `z`).
    /// Capped at ±37.5 (p below 1e-300 or above 1 − 1e-300).
    public static func normalScore(upperTail p: Double) -> Double {
        if p <= 1e-300 { return 37.5 }
        if p >= 1 - 1e-16 { return -8.2 }
        if p > 0.5 { return -normalScore(upperTail: 1 - p) }
        // Acklam's rational approximation for the lower quantile of p, then one Halley step on erfc.
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        var x: Double
        if p < 0.02425 {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
                ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else {
            let q = p - 0.5, r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
                (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        }
        let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return -x
    }

    /// P(T ≥ t) for a Student t with ν degrees of freedom (ν need not be whole): ½ I_{ν/(ν+t²)}(ν/2, ½).
    public static func studentUpperTail(_ t: Double, degrees ν: Double) -> Double {
        let half = 0.5 * regularizedIncompleteBeta(ν / (ν + t * t), ν / 2, 0.5)
        return t >= 0 ? half : 1 - half
    }

    /// The tail p of a test whose scale was estimated with ν degrees of freedom: the normal score of p read on a
    /// Student t (p itself as ν → ∞).
    public static func studentised(_ p: Double, degrees ν: Double) -> Double {
        guard ν.isFinite, ν < 1e6 else { return p }
        return studentUpperTail(normalScore(upperTail: p), degrees: max(ν, 1))
    }

    /// P(Z ≥ z) for a standard normal Z.
    public static func normalUpperTail(_ z: Double) -> Double { 0.5 * erfc(z / 2.0.squareRoot()) }

    /// I_x(a, b), the regularized incomplete beta function (Numerical Recipes' continued fraction, evaluated
    /// on the side where it converges fast).
    public static func regularizedIncompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront + log(continuedFraction(x, a, b)) - log(a))
        }
        return 1 - exp(logFront + log(continuedFraction(1 - x, b, a)) - log(b))
    }

    private static func continuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300, epsilon = 1e-15
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return h
    }
}
