import Foundation
import Logging

/// What `ticketwatch report` covers.
public struct ReportOptions: Sendable {
    /// First day shown (the baseline before it is still read, so the band is right from the first day).
    public var since: CivilDate?
    /// Show only the last N days with data; combined with `since`, the later start wins.
    public var days: Int?
    /// Only this detector's alerts; nil shows every detector's.
    public var detector: String?
    /// The notebook's rule the bands are drawn with (thresholds, window) and how many of the busiest queues and
    /// tags get a plot even without an alert: the seed detector's settings, so the band shows what it judges.
    public var seed = SeedDetector.Options()
    /// Upper bound on plotted queues and tags, so a warehouse with hundreds of alerted tags still gives a page of
    /// a few megabytes; the rest are listed in the alert table without a plot.
    public var maxSeriesPlots = 120

    public init(since: CivilDate? = nil, days: Int? = nil, detector: String? = nil) {
        self.since = since
        self.days = days
        self.detector = detector
    }
}

/// Everything the page shows, read from the warehouse.
struct ReportContent {
    let periodStart: CivilDate
    let periodEnd: CivilDate
    let tickets: Int
    let alerts: [Alert]
    let global: [ReportSeries]
    let queues: [ReportSeries]
    let tags: [ReportSeries]
    /// Alerted levels left without a plot by `maxSeriesPlots`.
    let unplottedLevels: [String]
    let detectorFilter: String?
    /// By alert id: why it fired, and what happened to it since (silence, late, withdrawn, feedback).
    var evidence: [String: Evidence] = [:]
    var states: [String: AlertState] = [:]

    var allSeries: [ReportSeries] { global + queues + tags }

    /// The plot an alert links to, if it has one.
    func anchor(for alert: Alert) -> String? {
        allSeries.first { $0.alerts.contains { $0.id == alert.id } }?.anchor
    }
}

/// Reads the daily aggregates and alerts into `ReportContent`.
struct ReportBuilder {
    let db: Database
    let options: ReportOptions

    /// The high-priority set an alert's details record (`high_set`), if any.
    static func highSet(of alert: Alert) -> [String]? {
        guard let details = alert.details, let data = details.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["high_set"] as? [String]
    }

    func build() throws -> ReportContent? {
        let span = try db.query("SELECT min(day), max(day) FROM daily_totals")
        guard let first = span.first?[0].string.flatMap(CivilDate.init),
              let last = span.first?[1].string.flatMap(CivilDate.init) else { return nil }
        var start = first
        if let since = options.since { start = max(start, since) }
        if let days = options.days { start = max(start, last.adding(days: -(days - 1))) }
        guard start <= last else { return nil }
        // Only the days drawn are read, and before them the notebook's window: the rows with tickets (13 by
        // default) that its rolling band on the first day shown rests on. A 90-day page of a ten-year warehouse
        // reads ~100 days.
        let windowStart = try db.scalar("""
            SELECT day FROM daily_totals WHERE day < ? AND tickets_total > 0 ORDER BY day DESC LIMIT 1 OFFSET ?
            """, [.text(start.description), .integer(Int64(max(options.seed.window - 2, 0)))])?
            .string.flatMap(CivilDate.init)
        let readFrom = windowStart ?? first
        let calendar = (0...(last.daysSinceEpoch - readFrom.daysSinceEpoch)).map { readFrom.adding(days: $0) }
        let read: [SQLValue] = [.text(readFrom.description), .text(last.description)]
        let shown = calendar.firstIndex(of: start)!..<calendar.count
        let index = Dictionary(uniqueKeysWithValues: calendar.enumerated().map { ($1.description, $0) })

        var total = [Double?](repeating: 0, count: calendar.count)
        var high = [Double](repeating: 0, count: calendar.count)
        for row in try db.query("SELECT day, tickets_total, tickets_high FROM daily_totals WHERE day BETWEEN ? AND ?",
                                read) {
            guard let i = row[0].string.flatMap({ index[$0] }) else { continue }
            total[i] = row[1].double ?? 0
            high[i] = row[2].double ?? 0
        }
        let hasTickets = total.map { ($0 ?? 0) > 0 }
        let rate: [Double?] = calendar.indices.map { hasTickets[$0] ? high[$0] / total[$0]! : nil }

        var alerts = try AlertStore(db: db).list(detector: options.detector, since: start.description)
        alerts = alerts.filter { $0.date <= last.description }
        let periodAlerts = alerts
        // The default detector's bands, unless the page is about the notebook's detector alone.
        let expectations = options.detector == SeedDetector.name ? DetectorExpectations() : try DetectorExpectations
            .load(from: db, detector: DefaultDetector.name, from: start, through: last, index: index)

        func series(level: String, signal: String, title: String, unit: ReportSeries.Unit, values: [Double?],
                    threshold: Double, anchor: String, highSet: [String]? = nil,
                    matching: (Alert) -> Bool) -> ReportSeries {
            // The notebook's band follows its rows: only days that have tickets at all.
            let rows = values.indices.map { hasTickets[$0] ? values[$0] : nil }
            let notebook = Array(ExpectedBand.rolling(rows, threshold: threshold, window: options.seed.window)[shown])
            let notebookLabel = "\(options.seed.window)-day rolling mean ± \(threshold.formatted()) × std "
                + "(the notebook's rule)"
            let days = Array(calendar[shown])
            let expected = expectations.series(signal: signal, level: level, highSet: highSet)
            let notJudged = expectations.isEmpty ? [] : shown.map { expectations.notJudged[$0] }
            guard !expected.isEmpty else {
                var plain = ReportSeries(
                    level: level, signal: signal, title: title, unit: unit, days: days, values: Array(values[shown]),
                    band: notebook, bandLabel: "expected band: " + notebookLabel, bandSource: .notebook,
                    alerts: periodAlerts.filter(matching), anchor: anchor)
                plain.notJudged = notJudged
                return plain
            }
            let models = Set(expected.values.map(\.model)).sorted().joined(separator: ", ")
            var drawn = ReportSeries(
                level: level, signal: signal, title: title, unit: unit, days: days, values: Array(values[shown]),
                band: shown.map { expected[$0].map { ($0.lower, $0.upper) } },
                bandLabel: "expected band: the default detector's central 99 % (\(models)); thin lines: "
                    + notebookLabel,
                bandSource: .detector, alerts: periodAlerts.filter(matching), anchor: anchor)
            drawn.expected = shown.map { expected[$0]?.expected }
            drawn.secondaryBand = notebook
            drawn.notJudged = notJudged
            return drawn
        }

        // high_rate has two definitions: the notebook's (priority exactly "high") and the default detector's
        // configurable set (recorded in each alert's details). Each gets its own plot, so a marker always sits on
        // the line that its alert measured.
        let isRate: (Alert) -> Bool = { $0.level == "global" && $0.signal == "high_rate" }
        let notebookSet = ["high"]
        let setOf: (Alert) -> [String] = { ReportBuilder.highSet(of: $0) ?? notebookSet }
        var global = [
            // Every global alert but high_rate is about the day's volume: tickets_total, and any later global
            // signal (no data, a drop) that this page does not know by name.
            series(level: "global", signal: "tickets_total", title: "Daily ticket volume (all queues)", unit: .count,
                   values: total, threshold: options.seed.totalThreshold, anchor: "plot-total") {
                $0.level == "global" && !isRate($0)
            },
            series(level: "global", signal: "high_rate", title: "Share of high-priority tickets (priority high)",
                   unit: .rate, values: rate, threshold: options.seed.highRateThreshold, anchor: "plot-high-rate",
                   highSet: notebookSet) {
                isRate($0) && setOf($0) == notebookSet
            },
        ]
        let otherSets = Set(periodAlerts.filter(isRate).map(setOf)).union(expectations.highSets)
            .subtracting([notebookSet]).sorted { $0.joined() < $1.joined() }
        for (offset, set) in otherSets.enumerated() {
            var inSet = [Double](repeating: 0, count: calendar.count)
            let rows = try db.query("""
                SELECT day, sum(tickets) FROM daily_priorities
                WHERE day BETWEEN ? AND ? AND priority IN (\(set.map { _ in "?" }.joined(separator: ", "))) GROUP BY day
                """, read + set.map { SQLValue.text($0) })
            for row in rows { if let i = index[row[0].string ?? ""] { inSet[i] = row[1].double ?? 0 } }
            let values: [Double?] = calendar.indices.map { hasTickets[$0] ? inSet[$0] / total[$0]! : nil }
            global.append(series(
                level: "global", signal: "high_rate",
                title: "Share of high-priority tickets (priority \(set.joined(separator: " or ")))", unit: .rate,
                values: values, threshold: options.seed.highRateThreshold, anchor: "plot-high-rate-\(offset + 2)",
                highSet: set) {
                isRate($0) && setOf($0) == set
            })
        }

        // Queues and tags: every one that alerted, busiest first, then the busiest that did not.
        var budget = options.maxSeriesPlots
        var unplotted: [String] = []
        func levelSeries(kind: String, table: String, column: String, busiest: Int, threshold: Double) throws -> [ReportSeries] {
            let volumes = try db.query("""
                SELECT \(column), sum(tickets) FROM \(table) WHERE day >= ? AND day <= ?
                GROUP BY \(column) ORDER BY 2 DESC, 1
                """, [.text(start.description), .text(last.description)])
            let ranked = volumes.compactMap { $0[0].string }
            let alerted = Set(periodAlerts.filter { $0.level.hasPrefix(kind + ":") }.map { String($0.level.dropFirst(kind.count + 1)) })
            var names = ranked.filter { alerted.contains($0) } + alerted.subtracting(ranked).sorted()
            for name in ranked.prefix(busiest) where !names.contains(name) { names.append(name) }
            if names.count > budget {
                unplotted += names[budget...].filter { alerted.contains($0) }.map { "\(kind):\($0)" }
                names = Array(names.prefix(budget))
            }
            budget -= names.count
            // One pass over the days read (a range of the (day, name) key), not a scan per series: names are
            // matched by their UTF-8 bytes, as SQLite compares them.
            let wanted = Dictionary(names.enumerated().map { (Array($1.utf8), $0) }) { first, _ in first }
            var values = [[Double?]](repeating: [Double?](repeating: 0, count: calendar.count), count: names.count)
            let statement = try db.prepare("SELECT day, \(column), tickets FROM \(table) WHERE day BETWEEN ? AND ?")
            try statement.bind(read)
            while try statement.step() {
                guard let bytes = statement.textBytes(at: 1), let k = wanted[Array(bytes)],
                      let i = statement.value(at: 0).string.flatMap({ index[$0] }) else { continue }
                values[k][i] = statement.double(at: 2)
            }
            return names.enumerated().map { offset, name in
                let level = "\(kind):\(name)"
                return series(level: level, signal: "\(kind)_volume", title: "\(kind == "queue" ? "Queue" : "Tag") \(name): tickets a day",
                              unit: .count, values: values[offset], threshold: threshold,
                              anchor: "plot-\(kind)-\(offset + 1)") { $0.level == level }
            }
        }
        let queues = try levelSeries(kind: "queue", table: "daily_queues", column: "queue", busiest: options.seed.topQueues,
                                     threshold: options.seed.queueThreshold)
        let tags = try levelSeries(kind: "tag", table: "daily_tags", column: "tag", busiest: options.seed.topTags,
                                   threshold: options.seed.tagThreshold)
        let tickets = Int(total[shown].compactMap { $0 }.reduce(0, +))
        var content = ReportContent(
            periodStart: start, periodEnd: last, tickets: tickets, alerts: periodAlerts, global: global,
            queues: queues, tags: tags, unplottedLevels: unplotted, detectorFilter: options.detector)
        content.evidence = try Evidence.load(periodAlerts.map(\.id), in: db)
        content.states = try AlertState.all(in: db)
        return content
    }
}

/// Writes `DIR/index.html` (one self-contained page) and `DIR/alerts.csv`.
public struct ReportWriter {
    private let warehouse: Warehouse
    private let options: ReportOptions
    private let logger: Logger

    public init(warehouse: Warehouse, options: ReportOptions, logger: Logger) {
        self.warehouse = warehouse
        self.options = options
        self.logger = logger
    }

    public struct Written: Sendable {
        public let pagePath: String
        public let csvPath: String
        public let pageBytes: Int
        public let alerts: Int
        public let plots: Int
    }

    public func write(to directory: String) throws -> Written {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let content = try ReportBuilder(db: warehouse.db, options: options).build()
        let html = HTMLPage(content: content, warehousePath: warehouse.path, generatedAt: Clock.nowUTC()).render()
        let page = (directory as NSString).appendingPathComponent("index.html")
        let csv = (directory as NSString).appendingPathComponent("alerts.csv")
        // Written beside the target and renamed, so a reader never sees half a page.
        try Data(html.utf8).write(to: URL(fileURLWithPath: page), options: .atomic)
        try Data(AlertFormatter.csv(content?.alerts ?? []).utf8).write(to: URL(fileURLWithPath: csv), options: .atomic)
        logger.info("report written", metadata: ["page": "\(page)", "bytes": "\(html.utf8.count)"])
        return Written(pagePath: page, csvPath: csv, pageBytes: html.utf8.count, alerts: content?.alerts.count ?? 0,
                       plots: content?.allSeries.count ?? 0)
    }
}
