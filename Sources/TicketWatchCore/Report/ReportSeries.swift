/// One plotted series: a daily value over the report's period, its expected band, and the alerts on it.
struct ReportSeries {
    /// Which figure this is, as alerts name it: `global` (with `signal` telling total or rate), `queue:NAME`, `tag:NAME`.
    let level: String
    let signal: String
    let title: String
    let unit: Unit
    let days: [CivilDate]
    /// nil where the figure is undefined (a rate on a day without tickets).
    let values: [Double?]
    /// The expected band (lower, upper) where the detector had enough history to judge; nil elsewhere.
    let band: [(lower: Double, upper: Double)?]
    let bandLabel: String
    /// Whose band `band` is: the default detector's (what it expected) or the notebook's rolling rule.
    let bandSource: BandSource
    /// The default detector's expected value where `band` is its band (nil elsewhere).
    var expected: [Double?] = []
    /// The notebook's rolling band drawn as a thin secondary line under the detector's band; empty when `band`
    /// is the notebook's own.
    var secondaryBand: [(lower: Double, upper: Double)?] = []
    /// Days the default detector classified without judging them (gap, drop, warmup, quiet), nil elsewhere.
    var notJudged: [String?] = []
    /// The stored alerts on this series, in the report's period.
    let alerts: [Alert]
    /// The HTML id alerts link to.
    let anchor: String

    enum Unit {
        case count, rate
    }

    enum BandSource: String {
        case detector, notebook
    }
}

/// The expected band the plots draw: the seed detector's rule, the notebook's rolling mean ± threshold × std over
/// 14 rows. It is a picture of what "normal" meant to that detector, drawn for every day, not only alert days.
enum ExpectedBand {
    static func rolling(_ values: [Double?], threshold: Double, window: Int = 14) -> [(lower: Double, upper: Double)?] {
        // The notebook's rows are the days that have a value; the band is mapped back onto the calendar.
        let present = values.indices.filter { values[$0] != nil }
        let points = RollingZScore.points(present.map { values[$0]! }, window: window)
        var band = [(lower: Double, upper: Double)?](repeating: nil, count: values.count)
        for (row, index) in present.enumerated() {
            guard let mean = points[row].mean, let std = points[row].std else { continue }
            band[index] = (max(0, mean - threshold * std), mean + threshold * std)
        }
        return band
    }
}
