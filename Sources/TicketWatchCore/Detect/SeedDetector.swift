/// The notebook's detector (`--detector seed`), reproduced exactly over the warehouse's daily aggregates so its
/// alerts can be checked against the notebook's own output (shared/tools/seed_oracle.py).
///
/// Its limits (z capped near √13, top queues and tags only, no seasonality) are deliberate: it is the reference
/// the default detector is measured against, not something to improve.
public struct SeedDetector: Sendable {
    public static let name = "seed"

    /// The notebook's constants, adjustable for tests and experiments.
    public struct Options: Sendable, Equatable {
        public var totalThreshold: Double
        public var highRateThreshold: Double
        public var queueThreshold: Double
        public var tagThreshold: Double
        public var window: Int
        public var topQueues: Int
        public var topTags: Int

        public init(
            totalThreshold: Double = 3.0, highRateThreshold: Double = 3.0,
            queueThreshold: Double = 3.5, tagThreshold: Double = 3.5,
            window: Int = 14, topQueues: Int = 6, topTags: Int = 8
        ) {
            self.totalThreshold = totalThreshold
            self.highRateThreshold = highRateThreshold
            self.queueThreshold = queueThreshold
            self.tagThreshold = tagThreshold
            self.window = window
            self.topQueues = topQueues
            self.topTags = topTags
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// All of the seed detector's alerts over the whole warehouse, sorted by date, signal, level.
    ///
    /// Reads inside one savepoint so that every query sees the same snapshot even while another process
    /// aggregates (a savepoint also nests inside a caller's transaction, where `BEGIN` would fail).
    public func detect(in db: Database) throws -> [Alert] {
        try db.execute("SAVEPOINT seed_detect")
        defer { try? db.execute("RELEASE seed_detect") }

        var alerts: [Alert] = []
        alerts += try globalAlerts(in: db)

        let queues = try topQueues(in: db)
        let queueSeries = try dailySeries(in: db, table: "daily_queues", column: "queue", names: queues)
        alerts += seriesAlerts(queueSeries, names: queues, signal: "queue_volume", prefix: "queue:",
                               threshold: options.queueThreshold)

        let tags = try topTags(in: db)
        let tagSeries = try dailySeries(in: db, table: "daily_tags", column: "tag", names: tags)
        alerts += seriesAlerts(tagSeries, names: tags, signal: "tag_volume", prefix: "tag:",
                               threshold: options.tagThreshold)

        return alerts.sorted(by: Alert.precedes)
    }

    // MARK: - Global figures

    /// tickets_total and high_rate over the days that had tickets (the notebook's groupby has no empty days).
    func globalAlerts(in db: Database) throws -> [Alert] {
        let rows = try db.query("""
            SELECT day, tickets_total, tickets_high, high_rate FROM daily_totals
            WHERE tickets_total > 0 ORDER BY day
            """)
        let days = rows.map { $0[0].string ?? "" }
        let totals = rows.map { $0[1].double ?? 0 }
        let highs = rows.map { $0[2].int ?? 0 }
        let rates = rows.map { $0[3].double ?? 0 }
        let totalPoints = RollingZScore.points(totals, window: options.window)
        let ratePoints = RollingZScore.points(rates, window: options.window)

        var alerts: [Alert] = []
        for index in days.indices {
            let total = totalPoints[index]
            if total.z >= options.totalThreshold {
                alerts.append(Alert(detector: Self.name, date: days[index], signal: "tickets_total", level: "global",
                                    value: totals[index], z: total.z, threshold: options.totalThreshold,
                                    baselineMean: total.mean, baselineStd: total.std))
            }
            let rate = ratePoints[index]
            if rate.z >= options.highRateThreshold {
                // The default detector's high set is configurable; recording the seed's keeps the two comparable.
                let details = #"{"high_set":["high"],"tickets_high":\#(highs[index]),"tickets_total":\#(Int(totals[index]))}"#
                alerts.append(Alert(detector: Self.name, date: days[index], signal: "high_rate", level: "global",
                                    value: rates[index], z: rate.z, threshold: options.highRateThreshold,
                                    baselineMean: rate.mean, baselineStd: rate.std, details: details))
            }
        }
        return alerts
    }

    // MARK: - Top queues and tags

    /// The N queues with most tickets; ties go to the queue seen first (pandas' `value_counts()` order).
    func topQueues(in db: Database) throws -> [String] {
        try topNames(in: db, table: "daily_queues", column: "queue", limit: options.topQueues) { names in
            "SELECT COALESCE(queue, 'Unknown') AS name, MIN(id) FROM tickets WHERE name IN (\(names)) GROUP BY name"
        }
    }

    /// The N most frequent tags, every occurrence counted; ties go to the tag seen first in ticket order.
    func topTags(in db: Database) throws -> [String] {
        // First appearance: ticket order, then place in its tag list (a record is at most 1 MiB, so fewer than
        // a million tags).
        try topNames(in: db, table: "daily_tags", column: "tag", limit: options.topTags) { names in
            "SELECT tag, MIN(ticket * 1000000 + position) FROM ticket_tags WHERE tag IN (\(names)) GROUP BY tag"
        }
    }

    /// The `limit` names with most tickets, counted from the daily table (a GROUP BY over every ticket or tag
    /// took seconds a year), in that order. Ties are ordered by first appearance, which only the ticket tables
    /// know: `firstSeen(placeholders)` is the query for the tied names alone, usually none.
    private func topNames(in db: Database, table: String, column: String, limit: Int,
                          firstSeen: (_ placeholders: String) -> String) throws -> [String]
    {
        guard limit > 0 else { return [] }
        let counted = try totals(in: db, table: table, column: column)
        guard let cut = counted.prefix(limit).last?.n else { return [] }
        let candidates = counted.filter { $0.n >= cut }
        var namesPerCount: [Int: Int] = [:]
        for candidate in candidates { namesPerCount[candidate.n, default: 0] += 1 }
        let tied = candidates.filter { namesPerCount[$0.n]! > 1 }.map(\.name)
        var first: [String: Int] = [:]
        if !tied.isEmpty {
            let placeholders = Array(repeating: "?", count: tied.count).joined(separator: ", ")
            for row in try db.query(firstSeen(placeholders), tied.map { .text($0) }) {
                if let name = row[0].string, let at = row[1].int { first[name] = at }
            }
        }
        return candidates
            .sorted { ($1.n, first[$0.name] ?? .max) < ($0.n, first[$1.name] ?? .max) }
            .prefix(limit).map(\.name)
    }

    /// Each name's tickets summed over the days, most first, equal sums in byte order of the name: what
    /// `GROUP BY name ORDER BY sum(tickets) DESC` gives. Summed here because SQLite's GROUP BY sorts every row
    /// first (0.12 s of a year's 185,000 tag rows), where one scan into a table of the few hundred names costs a
    /// tenth of that. Names are told apart by their bytes, as SQLite does.
    private func totals(in db: Database, table: String, column: String) throws -> [(name: String, n: Int)] {
        let statement = try db.prepare("SELECT \(column), tickets FROM \(table)")
        var names = NameInterner()
        var sums: [Int] = []
        while try statement.step() {
            guard let name = statement.textBytes(at: 0) else { continue }
            let id = Int(names.intern(name))
            if id == sums.count { sums.append(0) }
            sums[id] += Int(statement.int64(at: 1))
        }
        let order = sums.indices.sorted { a, b in
            sums[a] != sums[b] ? sums[a] > sums[b]
                : names.bytes(Int32(a)).lexicographicallyPrecedes(names.bytes(Int32(b)))
        }
        return order.map { (name: names.string(Int32($0)), n: sums[$0]) }
    }

    // MARK: - Per-name series

    /// Daily counts per name over the days on which any of `names` occurred (the notebook's pivot: those
    /// days only, a name absent on one of them counts 0). `series[i]` belongs to `names[i]`.
    ///
    /// Names are matched by their UTF-8 bytes, as SQLite and pandas do; Swift's String equality would merge
    /// canonically equivalent but differently written names.
    func dailySeries(in db: Database, table: String, column: String, names: [String]) throws
        -> (days: [String], series: [[Double]])
    {
        guard !names.isEmpty else { return ([], []) }
        let placeholders = Array(repeating: "?", count: names.count).joined(separator: ", ")
        let rows = try db.query("""
            SELECT day, \(column), tickets FROM \(table)
            WHERE \(column) IN (\(placeholders)) AND tickets > 0 ORDER BY day
            """, names.map { .text($0) })
        var position: [[UInt8]: Int] = [:]
        for (index, name) in names.enumerated() { position[Array(name.utf8)] = index }

        var days: [String] = []
        var series: [[Double]] = Array(repeating: [], count: names.count)
        for row in rows {
            guard let day = row[0].string, let name = row[1].string,
                  let index = position[Array(name.utf8)] else { continue }
            if days.last.map({ !$0.utf8.elementsEqual(day.utf8) }) ?? true {
                days.append(day)
                for i in series.indices { series[i].append(0) }
            }
            series[index][days.count - 1] += row[2].double ?? 0
        }
        return (days, series)
    }

    private func seriesAlerts(_ data: (days: [String], series: [[Double]]), names: [String], signal: String,
                              prefix: String, threshold: Double) -> [Alert] {
        var alerts: [Alert] = []
        for (name, values) in zip(names, data.series) {
            let points = RollingZScore.points(values, window: options.window)
            for (index, point) in points.enumerated() where point.z >= threshold {
                alerts.append(Alert(detector: Self.name, date: data.days[index], signal: signal, level: prefix + name,
                                    value: values[index], z: point.z, threshold: threshold,
                                    baselineMean: point.mean, baselineStd: point.std))
            }
        }
        return alerts
    }
}
