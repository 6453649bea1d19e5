/// The daily aggregates one detection run needs, read from the warehouse in SQL and laid out as dense arrays
/// over a calendar: index 0 is `firstDay`, one slot per calendar day, and a day without tickets is a 0 (whether
/// that 0 is a quiet day or a gap in the feed is decided later, by `SeasonalBaseline.isGap`).
struct DailyCounts {
    /// Days since 1970-01-01 of slot 0.
    let firstDay: Int
    let dayCount: Int
    /// Tickets per day, and tickets whose priority is in the configured high set.
    var totals: [Double]
    var highs: [Double]
    var queues: SeriesTable
    var tags: SeriesTable

    /// Holidays, as days since the epoch: their weekday is Sunday's.
    var holidays: Set<Int> = []

    func date(_ slot: Int) -> String { CivilDate(daysSinceEpoch: firstDay + slot).description }
    func isHoliday(_ slot: Int) -> Bool { holidays.contains(firstDay + slot) }
    /// 0 = Monday … 6 = Sunday; a holiday is a Sunday.
    func weekday(_ slot: Int) -> Int { isHoliday(slot) ? 6 : CivilDate(daysSinceEpoch: firstDay + slot).weekday }

    /// Reads days `from...through` (inclusive, days since the epoch) from daily_totals, daily_priorities,
    /// daily_queues and daily_tags.
    static func load(from db: Database, from first: Int, through last: Int, highPriorities: [String]) throws -> DailyCounts {
        let count = max(0, last - first + 1)
        let lower = CivilDate(daysSinceEpoch: first).description
        let upper = CivilDate(daysSinceEpoch: last).description
        var totals = [Double](repeating: 0, count: count)
        var highs = [Double](repeating: 0, count: count)

        let slot = { (text: String) -> Int? in
            guard let day = CivilDate(text) else { return nil }
            let index = day.daysSinceEpoch - first
            return index >= 0 && index < count ? index : nil
        }
        for row in try db.query("SELECT day, tickets_total FROM daily_totals WHERE day BETWEEN ? AND ?",
                                [.text(lower), .text(upper)]) {
            if let i = row[0].string.flatMap(slot) { totals[i] = row[1].double ?? 0 }
        }
        if !highPriorities.isEmpty {
            let marks = Array(repeating: "?", count: highPriorities.count).joined(separator: ", ")
            for row in try db.query("""
                SELECT day, sum(tickets) FROM daily_priorities
                WHERE day BETWEEN ? AND ? AND priority IN (\(marks)) GROUP BY day
                """, [.text(lower), .text(upper)] + highPriorities.map { .text($0) }) {
                if let i = row[0].string.flatMap(slot) { highs[i] = row[1].double ?? 0 }
            }
        }
        let queues = try SeriesTable.load(from: db, table: "daily_queues", column: "queue",
                                          lower: lower, upper: upper, first: first, count: count)
        let tags = try SeriesTable.load(from: db, table: "daily_tags", column: "tag",
                                        lower: lower, upper: upper, first: first, count: count)
        return DailyCounts(firstDay: first, dayCount: count, totals: totals, highs: highs, queues: queues, tags: tags)
    }
}

/// Many named daily series (all queues, or all tags) on one calendar: `counts[series][slot]`.
struct SeriesTable {
    var names: [String] = []
    var counts: [[Double]] = []

    static func load(from db: Database, table: String, column: String, lower: String, upper: String,
                     first: Int, count: Int) throws -> SeriesTable {
        var result = SeriesTable()
        // Names are keyed by their UTF-8 bytes, as SQLite compares them (String equality would merge
        // canonically equivalent spellings that are distinct queues or tags in the warehouse).
        var index: [[UInt8]: Int] = [:]
        let statement = try db.prepare("""
            SELECT day, \(column), tickets FROM \(table) WHERE day BETWEEN ? AND ? AND tickets > 0
            """)
        try statement.bind([.text(lower), .text(upper)])
        var lastDayText = "", lastSlot = -1
        while try statement.step() {
            let dayText = statement.value(at: 0).string ?? ""
            if dayText != lastDayText {
                lastDayText = dayText
                lastSlot = CivilDate(dayText).map { $0.daysSinceEpoch - first } ?? -1
            }
            guard lastSlot >= 0, lastSlot < count, case .text(let name) = statement.value(at: 1) else { continue }
            let key = Array(name.utf8)
            let series: Int
            if let known = index[key] {
                series = known
            } else {
                series = result.names.count
                index[key] = series
                result.names.append(name)
                result.counts.append([Double](repeating: 0, count: count))
            }
            result.counts[series][lastSlot] += statement.double(at: 2)
        }
        return result
    }
}
