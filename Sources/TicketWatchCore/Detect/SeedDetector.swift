/// The notebook's detector (`--detector seed`), reproduced exactly over the warehouse's daily aggregates so its
/// alerts can be checked against the notebook's steps in pandas (Tests/oracle/notebook_oracle.py).
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

        // Each daily table is read once for its top names and their series (a year's tags: 185,000 rows).
        let queueCounts = try DailyNameCounts(in: db, table: "daily_queues", column: "queue")
        let queues = try topQueues(in: db, counts: queueCounts)
        let queueSeries = queueCounts.series(queues)
        alerts += seriesAlerts(queueSeries, names: queues, signal: "queue_volume", prefix: "queue:",
                               threshold: options.queueThreshold)

        let tagCounts = try DailyNameCounts(in: db, table: "daily_tags", column: "tag")
        let tags = try topTags(in: db, counts: tagCounts)
        let tagSeries = tagCounts.series(tags)
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
        try topQueues(in: db, counts: DailyNameCounts(in: db, table: "daily_queues", column: "queue"))
    }

    private func topQueues(in db: Database, counts: DailyNameCounts) throws -> [String] {
        try topNames(in: db, counts: counts, limit: options.topQueues) { names in
            "SELECT COALESCE(queue, 'Unknown') AS name, MIN(id) FROM tickets WHERE name IN (\(names)) GROUP BY name"
        }
    }

    /// The N most frequent tags, every occurrence counted; ties go to the tag seen first in ticket order.
    func topTags(in db: Database) throws -> [String] {
        try topTags(in: db, counts: DailyNameCounts(in: db, table: "daily_tags", column: "tag"))
    }

    private func topTags(in db: Database, counts: DailyNameCounts) throws -> [String] {
        // First appearance: ticket order, then place in its tag list (a record is at most 1 MiB, so fewer than
        // a million tags).
        try topNames(in: db, counts: counts, limit: options.topTags) { names in
            "SELECT tag, MIN(ticket * 1000000 + position) FROM ticket_tags WHERE tag IN (\(names)) GROUP BY tag"
        }
    }

    /// The `limit` names with most tickets, counted from the daily table (a GROUP BY over every ticket or tag
    /// took seconds a year), in that order. Ties are ordered by first appearance, which only the ticket tables
    /// know: `firstSeen(placeholders)` is the query for the tied names alone, usually none.
    private func topNames(in db: Database, counts: DailyNameCounts, limit: Int,
                          firstSeen: (_ placeholders: String) -> String) throws -> [String]
    {
        guard limit > 0 else { return [] }
        let counted = counts.totals()
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
        return try DailyNameCounts(in: db, table: table, column: column).series(names)
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

/// A daily table by name (`daily_queues`, `daily_tags`), read once for both what the seed detector asks of it:
/// each name's total, and the daily series of the top names. A year's daily_tags holds 185,000 rows; summing
/// them by a GROUP BY sorted them all first (0.12 s), and the series query, filtering by name, read them all
/// again. Names are told apart by their bytes, as SQLite and pandas do; Swift's String equality would merge
/// canonically equivalent but differently written names.
struct DailyNameCounts {
    private var names = NameInterner()
    /// The distinct days, in order.
    private var days: [String] = []
    /// The table's rows in (day, name) order: indices into `days` (-1: no day) and ids in `names`.
    private var rows: [(day: Int32, name: Int32, tickets: Int64, value: Double)] = []

    init(in db: Database, table: String, column: String) throws {
        let statement = try db.prepare("SELECT day, \(column), tickets FROM \(table) ORDER BY day")
        var lastDay: [UInt8] = []
        while try statement.step() {
            guard let name = statement.textBytes(at: 1) else { continue }
            var dayIndex: Int32 = -1
            if let day = statement.textBytes(at: 0) {
                if days.isEmpty || !day.elementsEqual(lastDay) {
                    lastDay = Array(day)
                    days.append(String(decoding: day, as: UTF8.self))
                }
                dayIndex = Int32(days.count - 1)
            }
            rows.append((dayIndex, names.intern(name), statement.int64(at: 2), statement.double(at: 2)))
        }
    }

    /// Each name's tickets summed over the days, most first, equal sums in byte order of the name: what
    /// `SELECT name, sum(tickets) … GROUP BY name ORDER BY sum(tickets) DESC` gives.
    func totals() -> [(name: String, n: Int)] {
        var sums = Array(repeating: 0, count: names.count)
        for row in rows { sums[Int(row.name)] += Int(row.tickets) }
        let order = sums.indices.sorted { a, b in
            sums[a] != sums[b] ? sums[a] > sums[b]
                : names.bytes(Int32(a)).lexicographicallyPrecedes(names.bytes(Int32(b)))
        }
        return order.map { (name: names.string(Int32($0)), n: sums[$0]) }
    }

    /// Daily counts per name over the days on which any of `names` had tickets (the notebook's pivot: those
    /// days only, a name absent on one of them counts 0). `series[i]` belongs to `names[i]`.
    func series(_ wanted: [String]) -> (days: [String], series: [[Double]]) {
        guard !wanted.isEmpty else { return ([], []) }
        // Which wanted name each stored name is, by bytes (-1: none; a name listed twice is its last place). A
        // name with a NUL never matched: SQL got it as a C string, cut there.
        var position = Array(repeating: -1, count: names.count)
        for (index, name) in wanted.enumerated() {
            var name = name
            let id = name.withUTF8 { bytes in
                bytes.contains(0) ? nil : (0..<names.count).first { names.bytes(Int32($0)).elementsEqual(bytes) }
            }
            if let id { position[id] = index }
        }
        var seriesDays: [String] = []
        var series: [[Double]] = Array(repeating: [], count: wanted.count)
        var lastDay: Int32 = -1
        for row in rows where row.value > 0 && row.day >= 0 {
            let index = position[Int(row.name)]
            guard index >= 0 else { continue }
            if row.day != lastDay {
                lastDay = row.day
                seriesDays.append(days[Int(row.day)])
                for i in series.indices { series[i].append(0) }
            }
            series[index][seriesDays.count - 1] += row.value
        }
        return (seriesDays, series)
    }
}
