import Foundation
import Testing
@testable import TicketWatchCore

/// Day `i` after 2025-01-06 (a Monday).
private func date(_ i: Int) -> String { CivilDate(year: 2025, month: 1, day: 6)!.adding(days: i).description }

@Suite struct DefaultDetectorIncidentTests {
    /// Real tickets (the grouping looks at which tickets a queue and a tag share): a steady 40 a day over two
    /// queues and three tags, then an outage that floods queue "Ops" with tag "outage" for three days.
    private func outageWarehouse(surge: [Int]) throws -> HandBuiltWarehouse {
        let w = try HandBuiltWarehouse()
        try w.transaction {
            for i in 0..<60 {
                let d = date(i)
                for k in 0..<40 {
                    let (queue, tags): (String, [String]) = k < 20 ? ("Sales", ["billing"])
                        : k < 32 ? ("Ops", ["login"]) : ("Ops", (k == 39 && i % 5 == 0 ? ["outage"] : []) + ["misc"])
                    try w.ticket("\(d)-\(k)", day: d, queue: queue, priority: k % 10 < 3 ? "high" : "low", tags: tags)
                }
                if i >= 50, i - 50 < surge.count {
                    for k in 0..<surge[i - 50] {
                        try w.ticket("\(d)-surge-\(k)", day: d, queue: "Ops", tags: ["outage", "server"])
                    }
                }
            }
            try w.db.execute("INSERT OR IGNORE INTO dirty_days SELECT DISTINCT day FROM tickets")
        }
        try Aggregator(warehouse: w.warehouse, logger: quietLogger).run()
        return w
    }

    @Test func aQueueAndItsTagsAreOneIncident() throws {
        let w = try outageWarehouse(surge: [30])
        let alerts = try DefaultDetector().run(in: w.db, now: "2026-01-01T00:00:00Z").alerts
        let day = alerts.filter { $0.date == date(50) }
        #expect(Set(day.map(\.level)).isSuperset(of: ["queue:Ops", "tag:outage"]), "\(day.map(\.level))")
        #expect(Set(day.compactMap(\.incident)).count == 1, "\(day.map { "\($0.level) \($0.incident ?? "-")" })")
        // Unrelated series stay out of it.
        #expect(!day.contains { $0.level == "queue:Sales" || $0.level == "tag:billing" })
    }

    @Test func anOngoingIncidentIsAlertedAgainOnlyWhenItGrows() throws {
        // Day 50: 30 extra; day 51: 30 (no growth: silent); day 52: 80 (grows: alerted, same incident).
        let w = try outageWarehouse(surge: [30, 30, 80])
        let outcome = try DefaultDetector().run(in: w.db, now: "2026-01-01T00:00:00Z")
        let byDay = Dictionary(grouping: outcome.alerts, by: \.date)
        #expect(byDay[date(50)] != nil)
        #expect(byDay[date(51)] == nil, "\(byDay[date(51)]?.map(\.level) ?? [])")
        let third = try #require(byDay[date(52)])
        #expect(Set(third.compactMap(\.incident)) == Set(byDay[date(50)]!.compactMap(\.incident)))
        #expect(outcome.suppressed > 0)
        // The silent day is remembered as part of the incident.
        let silent = try w.db.query("SELECT DISTINCT incident, alerted FROM detector_findings WHERE day = ?", [.text(date(51))])
        #expect(silent.count == 1)
        #expect(silent.first?[0].string == third.first?.incident)
        #expect(silent.first?[1].int == 0)
    }

    @Test func eachRunJudgesOnlyNewCompleteDays() throws {
        let w = try outageWarehouse(surge: [30])
        let first = try DefaultDetector().run(in: w.db, through: date(49), now: "2026-01-01T00:00:00Z")
        #expect(first.days.count == 50)
        #expect(first.alerts.isEmpty)
        let second = try DefaultDetector().run(in: w.db, through: date(52), now: "2026-01-02T00:00:00Z")
        #expect(second.days == [date(50), date(51), date(52)])
        #expect(!second.alerts.isEmpty)
        let third = try DefaultDetector().run(in: w.db, now: "2026-01-03T00:00:00Z")
        #expect(third.days == (53..<60).map(date))
        #expect(try DefaultDetector().run(in: w.db, now: "2026-01-04T00:00:00Z").days.isEmpty)
        // Alerts of the earlier run were left alone by the later ones.
        let stored = try AlertStore(db: w.db).list(detector: DefaultDetector.name)
        #expect(stored.map(\.id) == second.alerts.map(\.id))
    }
}

// MARK: - Day by day equals batch

@Suite struct DefaultDetectorIncrementalTests {
    /// A generated stream (scripts/generate-tickets.py: weekly rhythm, overdispersed volume, incidents, three
    /// empty days) ingested one day at a time, with aggregate + detect after each, gives exactly the alerts of a
    /// single run over the whole stream.
    @Test func dayByDayEqualsBatch() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tw-daily-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let csv = dir.appendingPathComponent("stream.csv").path
        try Generator.write(csv, truth: dir.appendingPathComponent("truth.json").path, [
            "--seed", "5", "--days", "150", "--per-day", "60", "--incidents", "8", "--gaps", "3", "--no-text",
        ])

        let batch = try makeWarehouse()
        _ = try batch.ingest([csv])
        try Aggregator(warehouse: batch, logger: quietLogger).run()
        let batchOutcome = try DefaultDetector().run(in: batch.db, now: "2026-01-01T00:00:00Z")
        #expect(batchOutcome.gaps == 3)
        #expect(batchOutcome.alerts.count >= 4)

        // Split by day (created_at is the second column; ticket ids are unique per row).
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(whereSeparator: \.isNewline)
        let header = lines[0]
        var byDay: [(String, [Substring])] = []
        for line in lines.dropFirst() {
            let day = String(line.split(separator: ",", maxSplits: 2)[1].prefix(10))
            if byDay.last?.0 != day { byDay.append((day, [])) }
            byDay[byDay.count - 1].1.append(line)
        }
        let daily = try makeWarehouse()
        for (day, rows) in byDay {
            let path = dir.appendingPathComponent("\(day).csv").path
            try ([header] + rows).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
            _ = try daily.ingest([path])
            try Aggregator(warehouse: daily, logger: quietLogger).run()
            try DefaultDetector().run(in: daily.db, through: day, now: "2026-01-01T00:00:00Z")
        }
        let fromBatch = try AlertStore(db: batch.db).list(detector: DefaultDetector.name)
        let fromDaily = try AlertStore(db: daily.db).list(detector: DefaultDetector.name)
        #expect(fromDaily.count == fromBatch.count)
        for (a, b) in zip(fromDaily, fromBatch) {
            #expect(a == b, "\(a.date) \(a.level) vs \(b.date) \(b.level)")
        }
        let statuses = { (w: Warehouse) in
            try w.db.query("SELECT day, status FROM detector_days ORDER BY day").map { "\($0[0]) \($0[1])" }
        }
        // A gap day has no tickets, so the daily run first sees it when the next day arrives: same verdict.
        #expect(try statuses(daily) == statuses(batch))
        // What the detector expected (the report's bands) is kept the same way day by day as in one run.
        let expectations = { (w: Warehouse) in
            try w.db.query("SELECT * FROM detector_expectations ORDER BY day, signal, level").map(\.values)
        }
        #expect(try expectations(daily) == expectations(batch))
        #expect(try expectations(batch).count > 2 * batchOutcome.judged - 1)
        try? FileManager.default.removeItem(at: dir)
    }
}
