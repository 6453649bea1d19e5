import Foundation

/// What the default detector expected of one series on one judged day (a row of detector_expectations): the
/// expected value and the central 99 % band of the model its test used. Generic on purpose (value, edges, model
/// name), so a later change of model keeps the table and the report that draws it.
struct Expectation: Equatable {
    var signal: String
    var level: String
    var expected: Double
    var lower: Double
    var upper: Double
    var model: String
    /// What the series counts when the signal does not say (high_rate's priorities); nil otherwise.
    var definition: String?

    static let negativeBinomial = "negative_binomial"
    static let quasiBinomial = "quasi_binomial"
}

/// Keeps, for each day the default detector judges, what the report needs to draw its bands and no more: the
/// total and the high-priority share every judged day, and a queue or tag only around its alerts (the
/// `followDays` judged days before an alert, backfilled from the history the run has loaded, and those after it),
/// so a warehouse with hundreds of tags keeps about a dozen rows a day, not one per series.
struct ExpectationRecorder {
    /// Judged days kept before and after each queue or tag alert.
    static let followDays = 28

    private let db: Database
    private let detector: String
    private let data: DailyCounts
    private let shareWindow: Int
    private let minSupport: Int
    private let highDefinition: String
    /// The families' share drift by slot, computed once for a slot whose bands are drawn.
    private var dispersions: [Int: FamilyDispersions] = [:]
    /// Slots whose share window lies inside the loaded data (earlier ones would see a truncated window).
    private let firstComplete: Int
    /// Which slots were judged: from the stored statuses before the run, then as the run classifies them.
    private var judged: [Bool]
    /// The last slot each followed queue or tag (by level) is kept through.
    private var followUntil: [String: Int] = [:]
    private let seriesOf: [String: (kind: Finding.Kind, index: Int)]
    private let insert: Statement

    init(db: Database, detector: String, data: DailyCounts, shareWindow: Int, minSupport: Int, highSet: [String],
         loadedFromStart: Bool) throws {
        self.db = db
        self.detector = detector
        self.data = data
        self.shareWindow = shareWindow
        self.minSupport = minSupport
        highDefinition = highSet.joined(separator: ",")
        firstComplete = loadedFromStart ? 0 : shareWindow
        judged = [Bool](repeating: false, count: data.dayCount)
        var series: [String: (Finding.Kind, Int)] = [:]
        for (i, name) in data.queues.names.enumerated() { series["queue:" + name] = (.queue, i) }
        for (i, name) in data.tags.names.enumerated() { series["tag:" + name] = (.tag, i) }
        seriesOf = series
        insert = try db.prepare("""
            INSERT OR REPLACE INTO detector_expectations
                (detector, day, signal, level, expected, lower, upper, model, definition)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
    }

    /// Takes over the judged days and recent alerts of the runs before: slots `0..<firstSlot` judged, per
    /// `status(slot)`, and the queues and tags alerted in the `followDays` before the first slot stay followed.
    mutating func restore(firstSlot: Int, status: (Int) -> DayStatus?) throws {
        for s in 0..<firstSlot { judged[s] = status(s) == .judged }
        let from = max(0, firstSlot - Self.followDays)
        guard from < firstSlot else { return }
        for row in try db.query("""
            SELECT level, max(day) FROM detector_findings
            WHERE detector = ? AND alerted = 1 AND level <> 'global' AND day BETWEEN ? AND ? GROUP BY level
            """, [.text(detector), .text(data.date(from)), .text(data.date(firstSlot - 1))]) {
            guard let level = row[0].string, let day = row[1].string.flatMap(CivilDate.init) else { continue }
            followUntil[level] = day.daysSinceEpoch - data.firstDay + Self.followDays
        }
    }

    /// Records judged day `t`: the total against `baseline`, the high-priority share, every followed queue and
    /// tag, and — for a queue or tag alerted today for the first time in a while — its judged days before.
    mutating func record(_ t: Int, baseline: SeasonalBaseline, dispersion: FamilyDispersions, alerted levels: [String],
                         usable: [Bool], windows: RollingSums) throws {
        judged[t] = true
        dispersions[t] = dispersion
        let band = baseline.band()
        try store(t, Expectation(signal: "tickets_total", level: "global", expected: baseline.mean,
                                 lower: band.lower, upper: band.upper, model: Expectation.negativeBinomial))
        let n = data.totals[t]
        let high = share(t, .high, counts: data.highs, usable: usable, windows: windows) { windows.highSum($0) }
        try store(t, Expectation(signal: "high_rate", level: "global", expected: high.expected / n,
                                 lower: high.lower / n, upper: high.upper / n, model: Expectation.quasiBinomial,
                                 definition: highDefinition))
        for level in Set(levels) where seriesOf[level] != nil {
            let wasFollowed = (followUntil[level] ?? -1) >= t - 1
            followUntil[level] = t + Self.followDays
            guard !wasFollowed else { continue }
            for s in max(firstComplete, t - Self.followDays)..<t where judged[s] {
                try storeSeries(level, at: s, usable: usable, windows: windows)
            }
        }
        for (level, until) in followUntil where until >= t {
            try storeSeries(level, at: t, usable: usable, windows: windows)
        }
    }

    private mutating func storeSeries(_ level: String, at s: Int, usable: [Bool], windows: RollingSums) throws {
        guard let (kind, index) = seriesOf[level] else { return }
        let counts = kind == .queue ? data.queues.counts[index] : data.tags.counts[index]
        let e = share(s, kind, counts: counts, usable: usable, windows: windows) { windows.seriesSum(kind, index, $0) }
        try store(s, Expectation(signal: kind == .queue ? "queue_volume" : "tag_volume", level: level,
                                 expected: e.expected, lower: e.lower, upper: e.upper,
                                 model: Expectation.quasiBinomial))
    }

    /// The share test's expectation of a part of day `s`'s tickets, as `DefaultDetector.shareTests` forms it: the
    /// share of the `shareWindow` days before, and the overdispersion estimated over them and from the family's
    /// share drift.
    private mutating func share(_ s: Int, _ kind: Finding.Kind, counts: [Double], usable: [Bool], windows: RollingSums,
                                sum: (Range<Int>) -> Double) -> (expected: Double, lower: Double, upper: Double) {
        let n = data.totals[s]
        let range = max(0, s - shareWindow)..<s
        let p = ShareTest.share(count: sum(range), of: windows.totalSum(range))
        if dispersions[s] == nil {
            dispersions[s] = FamilyDispersions(at: s, data: data, usable: usable, windows: windows,
                                               shareWindow: shareWindow, minSupport: minSupport)
        }
        let kappa = dispersions[s]?.kappa(kind, windowSum: sum(range)) ?? 0
        let phi = ShareTest.overdispersion(share: p, n: n, series: counts, totals: data.totals, usable: usable,
                                           window: range, dispersion: kappa)
        let band = ShareTest.band(n: n, share: p, overdispersion: phi)
        return (n * p, band.lower, band.upper)
    }

    private func store(_ s: Int, _ e: Expectation) throws {
        try insert.run([.text(detector), .text(data.date(s)), .text(e.signal), .text(e.level), .real(e.expected),
                        .real(e.lower), .real(e.upper), .text(e.model), SQLValue(e.definition)])
    }
}
