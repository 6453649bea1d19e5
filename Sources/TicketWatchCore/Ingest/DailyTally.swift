/// Counts one file's new tickets per day by priority, queue and tag while they stream past, and adds the counts
/// to the daily tables in the file's transaction. Counting here costs a few array increments per ticket; a GROUP
/// BY over the history to find the same numbers costs seconds a year. Days whose stored tickets change in place
/// are recounted from the tickets by `aggregate` instead (`dirty_days`).
struct DailyTally {
    enum Kind: String { case priority, queue, tag }

    private struct Day {
        let day: CivilDate
        /// Index 0: no priority (''), id + 1 otherwise.
        var priorities: [Int32] = []
        /// Index 0: no queue ('Unknown', as the notebook names it), id + 1 otherwise.
        var queues: [Int32] = []
        var tags: [Int32] = []
    }

    private var slotOfDay: [Int: Int] = [:]
    private var lastDay = Int.min
    private var lastSlot = -1
    private var days: [Day] = []

    /// Days that got at least one ticket, as days since the epoch.
    var dayNumbers: Set<Int> { Set(slotOfDay.keys) }

    mutating func count(day: CivilDate, priority: Int32, queue: Int32, tags: ArraySlice<Int32>) {
        let slot = self.slot(for: day)
        Self.increment(&days[slot].priorities, Int(priority) + 1)
        Self.increment(&days[slot].queues, Int(queue) + 1)
        for tag in tags { Self.increment(&days[slot].tags, Int(tag)) }
    }

    /// Adds the counts to daily_priorities, daily_queues and daily_tags and recomputes daily_totals for the days
    /// they touch. The rows go through a temporary table and one set-based upsert per daily table: an upsert per
    /// row cost SQLite twenty times more than a plain insert.
    func record(in db: Database, vocabulary: LoadVocabulary) throws {
        var rows: [(day: String, kind: Kind, key: String, tickets: Int32)] = []
        for entry in days {
            let day = entry.day.description
            for (index, n) in entry.priorities.enumerated() where n > 0 {
                rows.append((day, .priority, index == 0 ? "" : vocabulary.priorities.string(Int32(index - 1)), n))
            }
            for (index, n) in entry.queues.enumerated() where n > 0 {
                rows.append((day, .queue, index == 0 ? "Unknown" : vocabulary.queues.string(Int32(index - 1)), n))
            }
            for (id, n) in entry.tags.enumerated() where n > 0 {
                rows.append((day, .tag, vocabulary.tags.string(Int32(id)), n))
            }
        }
        guard !rows.isEmpty else { return }
        try db.execute("""
            CREATE TEMP TABLE IF NOT EXISTS day_counts (day TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
                                                        tickets INTEGER NOT NULL);
            DELETE FROM temp.day_counts;
            """)
        let insert = MultiRowInsert(db, head: "INSERT INTO temp.day_counts(day, kind, key, tickets)",
                                    columnsPerRow: 4, rowsPerStatement: 64)
        try insert.insert(rows: rows.count) { statement, r, first in
            let row = rows[r]
            try statement.bind(.text(row.day), at: first)
            try statement.bind(.text(row.kind.rawValue), at: first + 1)
            try statement.bind(.text(row.key), at: first + 2)
            try statement.bind(.integer(Int64(row.tickets)), at: first + 3)
        }
        try db.execute(Self.addDayCounts)
    }

    /// `WHERE` before `ON CONFLICT` is required by SQLite's grammar for an upsert from a SELECT. A queue named
    /// 'Unknown' and tickets without a queue share one row, as in the notebook: the GROUP BY adds them up.
    /// tickets_high is the notebook's: priority exactly 'high'.
    private static let addDayCounts = """
        INSERT INTO daily_priorities(day, priority, tickets)
        SELECT day, key, sum(tickets) FROM temp.day_counts WHERE kind = 'priority' GROUP BY day, key
        ON CONFLICT(day, priority) DO UPDATE SET tickets = tickets + excluded.tickets;

        INSERT INTO daily_queues(day, queue, tickets)
        SELECT day, key, sum(tickets) FROM temp.day_counts WHERE kind = 'queue' GROUP BY day, key
        ON CONFLICT(day, queue) DO UPDATE SET tickets = tickets + excluded.tickets;

        INSERT INTO daily_tags(day, tag, tickets)
        SELECT day, key, sum(tickets) FROM temp.day_counts WHERE kind = 'tag' GROUP BY day, key
        ON CONFLICT(day, tag) DO UPDATE SET tickets = tickets + excluded.tickets;

        INSERT OR REPLACE INTO daily_totals(day, tickets_total, tickets_high, high_rate)
        SELECT day, sum(tickets), sum(CASE WHEN priority = 'high' THEN tickets ELSE 0 END),
               CAST(sum(CASE WHEN priority = 'high' THEN tickets ELSE 0 END) AS REAL) / sum(tickets)
        FROM daily_priorities WHERE day IN (SELECT day FROM temp.day_counts WHERE kind = 'priority') GROUP BY day;

        DELETE FROM temp.day_counts;
        """

    private mutating func slot(for day: CivilDate) -> Int {
        let number = day.daysSinceEpoch
        if number == lastDay { return lastSlot }
        let slot: Int
        if let known = slotOfDay[number] {
            slot = known
        } else {
            slot = days.count
            days.append(Day(day: day))
            slotOfDay[number] = slot
        }
        lastDay = number
        lastSlot = slot
        return slot
    }

    @inline(__always)
    private static func increment(_ counts: inout [Int32], _ index: Int) {
        if index >= counts.count { counts.append(contentsOf: repeatElement(0, count: index + 1 - counts.count)) }
        counts[index] += 1
    }
}
