/// Counts one file's new tickets per day by priority, queue and tag while they stream past, and writes the
/// figures of days that had none yet into the daily tables, in the file's transaction. Counting here costs a few
/// array increments per ticket; a GROUP BY over the history to find the same numbers cost seconds a year, and
/// adding to existing rows (an upsert per row) cost SQLite several times a plain insert. A day that already has
/// figures (a late file, overlapping exports) is left to `aggregate`, which recounts it from the tickets
/// (`dirty_days`), as it does for days whose tickets were updated in place.
struct DailyTally {
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

    /// Writes the figures of the days that have none yet, a day at a time (three years of days' rows at once
    /// held 20 MiB); marks the others for `aggregate`'s recount.
    func record(in db: Database, vocabulary: LoadVocabulary) throws {
        guard !days.isEmpty else { return }
        let known = try Set(db.query("SELECT day FROM daily_totals WHERE day BETWEEN ? AND ?", [
            .text(days.map(\.day).min()!.description), .text(days.map(\.day).max()!.description),
        ]).compactMap { $0[0].string })
        let insertTotal = try db.prepare("""
            INSERT OR REPLACE INTO daily_totals(day, tickets_total, tickets_high, high_rate) VALUES (?, ?, ?, ?)
            """)
        let inserts = [("daily_priorities", "priority"), ("daily_queues", "queue"), ("daily_tags", "tag")].map {
            MultiRowInsert(db, head: "INSERT OR REPLACE INTO \($0.0)(day, \($0.1), tickets)", columnsPerRow: 3,
                           rowsPerStatement: 64)
        }
        let mark = try db.prepare("INSERT OR IGNORE INTO dirty_days(day) VALUES (?)")
        for entry in days.sorted(by: { $0.day < $1.day }) {
            let day = entry.day.description
            guard !known.contains(day) else {
                try mark.run([.text(day)])
                continue
            }
            let byPriority = Self.named(entry.priorities, first: "") { vocabulary.priorities.string(Int32($0 - 1)) }
            let total = byPriority.reduce(0) { $0 + $1.n }, high = byPriority.first { $0.key == "high" }?.n ?? 0
            try insertTotal.run([.text(day), SQLValue(total), SQLValue(high), .real(Double(high) / Double(total))])
            let named = [
                byPriority,
                // A queue named 'Unknown' and tickets without a queue share one row, as in the notebook.
                Self.named(entry.queues, first: "Unknown") { vocabulary.queues.string(Int32($0 - 1)) },
                Self.named(entry.tags, first: nil) { vocabulary.tags.string(Int32($0)) },
            ]
            for (insert, rows) in zip(inserts, named) {
                try insert.insert(rows: rows.count) { statement, r, first in
                    try statement.bind(.text(day), at: first)
                    try statement.bind(.text(rows[r].key), at: first + 1)
                    try statement.bind(SQLValue(rows[r].n), at: first + 2)
                }
            }
        }
    }

    /// Non-zero counts by name: index 0 is named `first` when given, the others by `name`. Ids name distinct
    /// names, except that a queue named 'Unknown' and "no queue" share one row, which `merge` adds together.
    private static func named(_ counts: [Int32], first: String?, name: (Int) -> String) -> [(key: String, n: Int)] {
        var rows: [(key: String, n: Int)] = []
        for (index, n) in counts.enumerated() where n > 0 {
            let key = index == 0 && first != nil ? first! : name(index)
            if index > 0, key == first, let at = rows.firstIndex(where: { $0.key == key }) {
                rows[at].n += Int(n)
            } else {
                rows.append((key, Int(n)))
            }
        }
        return rows
    }

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
