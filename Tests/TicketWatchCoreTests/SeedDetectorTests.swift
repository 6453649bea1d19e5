import Foundation
import Logging
import Testing
@testable import TicketWatchCore

// MARK: - A hand-built warehouse

/// A warehouse filled with plain SQL, so the detector is tested without the ingester or the aggregator.
final class HandBuiltWarehouse {
    let warehouse: Warehouse
    var db: Database { warehouse.db }
    private var line = 1

    init() throws {
        warehouse = try Warehouse(path: TestPaths.temporaryWarehousePath(), timeZone: nil, logger: Logger(label: "test"))
        try db.run("""
            INSERT INTO ingest_files (id, source, content_sha256, format, timeline, bytes, loaded_at)
            VALUES (1, 'hand-built', 'none', 'csv', 'timestamps', 0, '2025-01-01T00:00:00Z')
            """)
    }

    /// Inserts one ticket; tickets.id follows call order, which is what "first appearance" means.
    func ticket(_ ticketID: String, day: String, queue: String?, priority: String = "low", tags: [String] = []) throws {
        line += 1
        try db.run("""
            INSERT INTO tickets (ticket_id, created_at, day, queue, priority, priority_raw, content_hash, file_id, line)
            VALUES (?, ?, ?, ?, ?, ?, 0, 1, ?)
            """, [.text(ticketID), .text(day + "T12:00:00Z"), .text(day), SQLValue(queue), .text(priority),
                  .text(priority), .integer(Int64(line))])
        if !tags.isEmpty {
            let json = String(decoding: try JSONEncoder().encode(tags), as: UTF8.self)
            try db.run("UPDATE tickets SET tags = ? WHERE id = ?", [.text(json), .integer(db.lastInsertRowID)])
        }
    }

    /// `count` tickets on `day` in `queue`, the first `high` of them high priority.
    func tickets(_ count: Int, day: String, queue: String?, high: Int = 0, tags: [String] = []) throws {
        for i in 0..<count {
            try ticket("\(day)-\(queue ?? "none")-\(i)", day: day, queue: queue, priority: i < high ? "high" : "low",
                       tags: tags)
        }
    }

    /// The daily tables as the design defines them, written here in SQL of the test's own.
    func aggregate() throws {
        try db.execute("""
            DELETE FROM daily_totals; DELETE FROM daily_queues; DELETE FROM daily_tags;
            INSERT INTO daily_totals (day, tickets_total, tickets_high, high_rate)
                SELECT day, COUNT(*), COUNT(CASE WHEN priority = 'high' THEN 1 END),
                       CAST(COUNT(CASE WHEN priority = 'high' THEN 1 END) AS REAL) / COUNT(*)
                FROM tickets GROUP BY day;
            INSERT INTO daily_queues (day, queue, tickets)
                SELECT day, COALESCE(queue, 'Unknown'), COUNT(*) FROM tickets GROUP BY 1, 2;
            INSERT INTO daily_tags (day, tag, tickets)
                SELECT t.day, tt.tag, COUNT(*) FROM ticket_tags AS tt JOIN tickets AS t ON t.ticket_id = tt.ticket_id
                GROUP BY 1, 2;
            """)
    }

    func transaction(_ body: () throws -> Void) throws {
        try db.writeTransaction { try body() }
    }
}

/// 2025-MM-DD for day `n` (1-based) of a month.
private func day(_ n: Int, month: Int = 1) -> String {
    String(format: "2025-%02d-%02d", month, n)
}

private func readCSV(_ url: URL) throws -> [[String]] {
    let text = try String(contentsOf: url, encoding: .utf8)
    var rows: [[String]] = [], row: [String] = [], field = ""
    var inQuotes = false, pendingQuote = false
    for scalar in text.unicodeScalars {
        if inQuotes {
            if scalar == "\"" { inQuotes = false; pendingQuote = true } else { field.unicodeScalars.append(scalar) }
            continue
        }
        switch scalar {
        case "\"":
            if pendingQuote { field.append("\"") }
            inQuotes = true
        case ",": row.append(field); field = ""
        case "\r": break
        case "\n": row.append(field); rows.append(row); row = []; field = ""
        default: field.unicodeScalars.append(scalar)
        }
        pendingQuote = false
    }
    if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
    return rows
}

// MARK: - Rolling z

@Suite struct RollingZScoreTests {
    @Test func matchesTheNotebookOnTheParityFixture() throws {
        let rows = try readCSV(TestPaths.fixture("seed-parity/expected_daily.csv"))
        let header = rows[0]
        let column = { (name: String) -> Int in header.firstIndex(of: name)! }
        let data = rows.dropFirst()
        #expect(data.count > 100)
        let totals = data.map { Double($0[column("tickets_total")])! }
        let rates = data.map { Double($0[column("high_rate")])! }
        let zTotals = RollingZScore.zScores(totals, window: 14)
        let zRates = RollingZScore.zScores(rates, window: 14)
        for (i, row) in data.enumerated() {
            let expectedTotal = Double(row[column("z_tickets")])!
            let expectedRate = Double(row[column("z_highrate")])!
            #expect(abs(zTotals[i] - expectedTotal) <= 1e-9, "tickets z on \(row[0])")
            #expect(abs(zRates[i] - expectedRate) <= 1e-9, "high_rate z on \(row[0])")
        }
    }

    @Test func minimumPeriodsAndFlatWindows() {
        #expect(RollingZScore.minPeriods(window: 14) == 4)
        #expect(RollingZScore.minPeriods(window: 6) == 3)
        let points = RollingZScore.points([1, 9, 4, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7], window: 14)
        // Fewer than 4 rows: no baseline, z 0.
        #expect(points[0..<3].allSatisfy { $0.z == 0 && $0.mean == nil && $0.std == nil })
        #expect(points[3].mean == 21.0 / 4)
        // Once only 7s are in the window the std is exactly 0 (two-pass sums), so z is 0, not a rounding artefact.
        #expect(points[17].std == 0 && points[17].z == 0 && points[17].mean == 7)
    }

    @Test func flatHistoryThenSpikeReachesSamuelsonsBound() {
        // 13 equal values then one other: z = √(n − 1) whatever the values (Samuelson), here √13.
        let values = Array(repeating: 0.3, count: 13) + [0.9]
        let last = RollingZScore.points(values, window: 14).last!
        #expect(abs(last.z - 13.0.squareRoot()) < 1e-12)
    }
}

// MARK: - Seed detector

@Suite struct SeedDetectorTests {
    @Test func emptyWarehouseGivesNoAlerts() throws {
        let w = try HandBuiltWarehouse()
        #expect(try SeedDetector().detect(in: w.db) == [])
        try w.aggregate()
        #expect(try SeedDetector().detect(in: w.db) == [])
    }

    @Test func findsAClearSpikeWithTheHandComputedZ() throws {
        let w = try HandBuiltWarehouse()
        // Days 1-6 vary, days 7-19 hold 10 tickets, day 20 has 24 of which 6 are high priority.
        let counts = [12, 8, 11, 9, 10, 13] + Array(repeating: 10, count: 13) + [24]
        try w.transaction {
            for (i, count) in counts.enumerated() {
                try w.tickets(count, day: day(i + 1), queue: "Support", high: i == 19 ? 6 : 0, tags: ["Bug"])
            }
        }
        try w.aggregate()
        let alerts = try SeedDetector().detect(in: w.db)

        // The window on day 20 is days 7-20: thirteen 10s and one 24. mean = (130 + 24) / 14 = 11;
        // Σ(x − mean)² = 13·1² + 13² = 182; std = √(182 / 14) = √13; z = (24 − 11) / √13 = √13.
        let root13 = 13.0.squareRoot()
        #expect(alerts.map(\.signal) == ["high_rate", "queue_volume", "tag_volume", "tickets_total"])
        #expect(alerts.map(\.level) == ["global", "queue:Support", "tag:Bug", "global"])
        #expect(alerts.allSatisfy { $0.date == "2025-01-20" && $0.detector == "seed" })
        for alert in alerts {
            #expect(abs(alert.z - root13) < 1e-12, "\(alert.signal)")
        }
        let total = try #require(alerts.last)
        #expect(total.value == 24)
        #expect(total.threshold == 3.0)
        #expect(abs(total.baselineMean! - 11) < 1e-12)
        #expect(abs(total.baselineStd! - root13) < 1e-12)
        // high_rate: thirteen 0s and 6/24 = 0.25, again a flat history, so again √13.
        #expect(alerts[0].value == 0.25)
        #expect(alerts[0].threshold == 3.0)
        #expect(alerts[1].threshold == 3.5 && alerts[2].threshold == 3.5)
        #expect(alerts[1].value == 24 && alerts[2].value == 24)
    }

    @Test func topQueuesAndTagsBreakTiesByFirstAppearance() throws {
        let w = try HandBuiltWarehouse()
        // Ticket ids sort "T10" < "T9" as text, and the names sort alphabetically the other way round, so only
        // insertion order (tickets.id, then position) gives the expected result.
        try w.transaction {
            try w.ticket("T9", day: day(1), queue: "Beta", tags: ["y", "x", "w"])
            try w.ticket("T10", day: day(1), queue: "Alpha", tags: ["x", "y"])
            try w.ticket("T11", day: day(2), queue: "Gamma", tags: ["z", "z", "z"])  // every occurrence counts
            try w.ticket("T12", day: day(2), queue: "Alpha")
            try w.ticket("T13", day: day(3), queue: "Beta")
            try w.ticket("T14", day: day(3), queue: "Gamma")
            try w.ticket("T15", day: day(4), queue: nil)
            try w.ticket("T16", day: day(4), queue: nil)
            try w.ticket("T17", day: day(4), queue: nil)
        }
        try w.aggregate()
        let detector = SeedDetector(options: .init(topQueues: 3, topTags: 4))
        #expect(try detector.topQueues(in: w.db) == ["Unknown", "Beta", "Alpha"])
        #expect(try detector.topTags(in: w.db) == ["z", "y", "x", "w"])
        #expect(try SeedDetector(options: .init(topQueues: 10)).topQueues(in: w.db) == ["Unknown", "Beta", "Alpha", "Gamma"])
    }

    @Test func queueSeriesCoverOnlyDaysWhereATopQueueHadTickets() throws {
        let w = try HandBuiltWarehouse()
        // March 1: B only. March 2-25: every 4th day C only (C is not a top queue), else A (5, the last 12) and B.
        var abDays: [String] = [], cDays: [String] = []
        try w.transaction {
            try w.tickets(1, day: day(1, month: 3), queue: "B")
            for n in 2...25 {
                if n % 4 == 0 {
                    cDays.append(day(n, month: 3))
                    try w.tickets(1, day: day(n, month: 3), queue: "C")
                } else {
                    abDays.append(day(n, month: 3))
                    try w.tickets(n == 25 ? 12 : 5, day: day(n, month: 3), queue: "A")
                    try w.tickets(1, day: day(n, month: 3), queue: "B")
                }
            }
        }
        try w.aggregate()
        let detector = SeedDetector(options: .init(topQueues: 2))
        let top = try detector.topQueues(in: w.db)
        #expect(top == ["A", "B"])

        let (days, series) = try detector.dailySeries(in: w.db, table: "daily_queues", column: "queue", names: top)
        #expect(days == [day(1, month: 3)] + abDays)
        #expect(cDays.allSatisfy { !days.contains($0) })
        #expect(series[0] == [0] + Array(repeating: 5, count: abDays.count - 1) + [12])  // A absent on March 1 → 0
        #expect(series[1] == Array(repeating: 1, count: days.count))

        // Had the C-only days counted as zeros, A's last window would not be flat and z would not be √13.
        let queueAlerts = try detector.detect(in: w.db).filter { $0.signal == "queue_volume" }
        #expect(queueAlerts.map(\.level) == ["queue:A"])
        #expect(queueAlerts.first?.date == "2025-03-25")
        #expect(abs((queueAlerts.first?.z ?? 0) - 13.0.squareRoot()) < 1e-12)
    }

    /// The whole notebook on its own fixture: the tickets loaded with plain SQL, the alerts compared with the
    /// notebook's `expected_alerts.csv`.
    @Test func reproducesTheNotebookAlertsOnTheParityFixture() throws {
        let tickets = try readCSV(TestPaths.fixture("seed-parity/tickets.csv"))
        let header = tickets[0]
        let column = { (name: String) -> Int in header.firstIndex(of: name)! }
        let w = try HandBuiltWarehouse()
        try w.transaction {
            for row in tickets.dropFirst() where row.count == header.count {
                let queue = row[column("queue")]
                let tags = row[column("tags_str")].split(separator: "|", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
                try w.ticket(row[column("ticket_id")], day: String(row[column("created_at")].prefix(10)),
                             queue: queue.isEmpty ? nil : queue,
                             priority: row[column("priority_norm")].trimmingCharacters(in: .whitespaces).lowercased(),
                             tags: tags)
            }
        }
        try w.aggregate()
        let alerts = try SeedDetector().detect(in: w.db)
        let expected = try readCSV(TestPaths.fixture("seed-parity/expected_alerts.csv")).dropFirst()
        #expect(alerts.count == expected.count)
        for (alert, row) in zip(alerts, expected) {
            #expect([alert.date, alert.signal, alert.level] == [row[0], row[1], row[4]])
            #expect(abs(alert.value - Double(row[2])!) <= 1e-9, "\(row)")
            #expect(abs(alert.z - Double(row[3])!) <= 1e-9, "\(row)")
        }
    }
}
