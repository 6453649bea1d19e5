import Foundation

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
        let priorityNames = StoredNames(count: vocabulary.priorities.count + 1, first: "") {
            vocabulary.priorities.string(Int32($0 - 1))
        }
        // A queue named 'Unknown' and tickets without a queue share one row, as in the notebook.
        let queueNames = StoredNames(count: vocabulary.queues.count + 1, first: "Unknown") {
            vocabulary.queues.string(Int32($0 - 1))
        }
        let tagNames = StoredNames(count: vocabulary.tags.count, first: nil) { vocabulary.tags.string(Int32($0)) }
        // daily_totals.tickets_high counts the priority named exactly "high" (the notebook's rule).
        let highPriority = (0..<vocabulary.priorities.count).first { vocabulary.priorities.string(Int32($0)) == "high" }
            .map { $0 + 1 }
        for entry in days.sorted(by: { $0.day < $1.day }) {
            let day = entry.day.description
            guard !known.contains(day) else {
                try mark.run([.text(day)])
                continue
            }
            let total = entry.priorities.reduce(0) { $0 + Int($1) }
            let high = highPriority.map { $0 < entry.priorities.count ? Int(entry.priorities[$0]) : 0 } ?? 0
            try insertTotal.run([.text(day), SQLValue(total), SQLValue(high), .real(Double(high) / Double(total))])
            try Array(day.utf8).withUnsafeBufferPointer { dayText in
                for (insert, names, counts) in [(inserts[0], priorityNames, entry.priorities),
                                                (inserts[1], queueNames, entry.queues), (inserts[2], tagNames, entry.tags)] {
                    let rows = names.rows(counts)
                    try insert.insert(rows: rows.count) { statement, r, first in
                        try statement.bindBorrowedText(dayText, at: first)
                        try statement.bindBorrowedText(names.key(rows[r].index), at: first + 1)
                        try statement.bindInt64(Int64(rows[r].n), at: first + 2)
                    }
                }
            }
        }
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

/// One daily table's names for every count index of a load, as its rows store them, in the order of the stored
/// keys: index 0 is named `first` when given, the others by the vocabulary; ids name distinct names, except that
/// a queue named 'Unknown' and "no queue" share one row. Binding a name as a C string stored its bytes up to any
/// NUL, so the keys stop there too. The rows of a new day, written in key order, each land after the last one
/// stored, where SQLite appends to the B-tree without a search from the root. In id order, and bound as Strings,
/// a year's 185,000 tag rows took ~1.7 G instructions at the end of the load, when nothing else runs.
private struct StoredNames {
    private let keys = ByteArena(capacity: 4096)
    private var spans: [(offset: Int, count: Int)] = []
    /// Indices in key order, equal keys by index; without `shared.index`.
    private var order: [Int] = []
    /// A name index counted in another index's row: a queue named 'Unknown' in the row of no queue.
    private var shared: (index: Int, row: Int)?

    /// Index 0 is named `first` when given, the others by `name`.
    init(count: Int, first: String?, name: (Int) -> String) {
        for index in 0..<count {
            var key = index == 0 && first != nil ? first! : name(index)
            if index > 0, let first, key == first, shared == nil { shared = (index, 0) }
            key.withUTF8 { bytes in
                let stored = UnsafeBufferPointer(rebasing: bytes.prefix { $0 != 0 })
                spans.append((keys.append(stored), stored.count))
            }
        }
        let arena = keys, found = spans
        order = found.indices.filter { $0 != shared?.index }.sorted { a, b in
            let x = arena.span(found[a].offset, found[a].count), y = arena.span(found[b].offset, found[b].count)
            let common = min(x.count, y.count)
            let c = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
            return c != 0 ? c < 0 : x.count != y.count ? x.count < y.count : a < b
        }
    }

    /// The stored key of an index; valid while this lives.
    func key(_ index: Int) -> UnsafeBufferPointer<UInt8> { keys.span(spans[index].offset, spans[index].count) }

    /// A day's non-zero counts as (name index, count) rows in key order, a shared name's counts added together.
    func rows(_ counts: [Int32]) -> [(index: Int, n: Int)] {
        func count(_ index: Int) -> Int { index < counts.count ? Int(counts[index]) : 0 }
        var rows: [(index: Int, n: Int)] = []
        for index in order {
            var n = count(index)
            if let shared, shared.row == index { n += count(shared.index) }
            if n > 0 { rows.append((index, n)) }
        }
        return rows
    }
}
