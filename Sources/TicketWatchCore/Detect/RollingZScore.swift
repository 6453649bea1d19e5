/// The notebook's rolling z-score (pandas `rolling(w, min_periods=max(3, w // 3))`, mean and `std(ddof=0)`),
/// reproduced exactly so the `seed` detector's alerts match the notebook's.
///
/// The window includes the current row, as in the notebook; that is what caps z at √(w − 1) (design.md).
public enum RollingZScore {
    /// One row's result. `mean` and `std` are nil while the window has fewer than `minPeriods` rows
    /// (pandas gives NaN there); `z` is then 0, as it is when `std` is 0 (the notebook's `fillna(0)`).
    public struct Point: Sendable, Equatable {
        public let z: Double
        public let mean: Double?
        public let std: Double?

        public init(z: Double, mean: Double?, std: Double?) {
            self.z = z
            self.mean = mean
            self.std = std
        }
    }

    /// The notebook's `max(3, window // 3)`.
    public static func minPeriods(window: Int) -> Int { max(3, window / 3) }

    /// z, mean and std for every row of `values`, in order.
    ///
    /// Each window is summed afresh (mean = Σx / n, variance = Σ(x − mean)² / n) rather than updated
    /// incrementally: a flat window then gives exactly 0, never a rounding residue that would turn into a huge z.
    public static func points(_ values: [Double], window: Int = 14) -> [Point] {
        precondition(window >= 1, "rolling window must be at least 1 row")
        let minimum = minPeriods(window: window)
        var result: [Point] = []
        result.reserveCapacity(values.count)
        for index in values.indices {
            let start = max(values.startIndex, index - window + 1)
            let slice = values[start...index]
            let n = Double(slice.count)
            guard slice.count >= minimum else {
                result.append(Point(z: 0, mean: nil, std: nil))
                continue
            }
            var sum = 0.0
            for x in slice { sum += x }
            let mean = sum / n
            var squares = 0.0
            for x in slice {
                let d = x - mean
                squares += d * d
            }
            let std = (squares / n).squareRoot()
            let z = std == 0 ? 0 : (values[index] - mean) / std
            result.append(Point(z: z.isNaN ? 0 : z, mean: mean, std: std))
        }
        return result
    }

    /// Just the z-scores of `points(_:window:)`.
    public static func zScores(_ values: [Double], window: Int = 14) -> [Double] {
        points(values, window: window).map(\.z)
    }
}
