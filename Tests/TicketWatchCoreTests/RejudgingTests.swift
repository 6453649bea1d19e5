import Foundation
import Testing
@testable import TicketWatchCore

/// Late tickets that make the daily job judge recent days again: an alert already stored is withdrawn (and
/// corrected where it was delivered) only when its finding is gone, never because it now belongs to an incident
/// that began on an earlier, late day. Through `run --inbox` (the real binary) and a real webhook receiver.
@Suite struct RejudgingTests {
    /// 100 tickets a day from 2025-01-01 over three queues; Billing's 20 (or `billing[day]`) each carry two of seven
    /// tags, so a Billing surge is seen in the total, the queue and the seven tags. `onlyBilling` writes just the
    /// Billing tickets: what a late export of one team adds to days already loaded.
    static func tickets(days: ClosedRange<Int>, billing: [Int: Int] = [:], onlyBilling: Bool = false,
                        prefix: String = "") -> String {
        let tags = ["invoice", "payment", "refund", "charge", "receipt", "vat", "plan"]
        var csv = "ticket_id,created_at,queue,priority,tags,subject\n"
        for day in days {
            let date = CivilDate(year: 2025, month: 1, day: 1)!.adding(days: day - 1).description
            let jitter = [0, 2, -1, 1, -2, 3, -3][day % 7]
            let time = { (hour: Int, i: Int) in "\(date)T\(hour):\(String(format: "%02d", i % 60)):00Z" }
            for i in 0..<(billing[day] ?? 20 + jitter) {
                let pair = "\(tags[i % 7]) | \(tags[(i + 3) % 7])"
                csv += "\(prefix)B\(day)-\(i),\(time(10, i)),Billing,low,\(pair),Invoice \(i)\n"
            }
            guard !onlyBilling else { continue }
            for i in 0..<(40 - jitter) {
                csv += "\(prefix)T\(day)-\(i),\(time(11, i)),Technical,low,login | bug,Login \(i)\n"
            }
            for i in 0..<(40 + jitter) {
                csv += "\(prefix)S\(day)-\(i),\(time(12, i)),Sales,low,pricing | demo,Pricing \(i)\n"
            }
        }
        return csv
    }

    static let yesterday = "2025-03-01"      // day 60
    static let lateDay = "2025-02-27"        // day 58: within the default late_days (3) of yesterday

    /// A warehouse, an inbox and a receiver, and `run` as the timer runs it the morning after `yesterday`.
    struct Desk {
        let server: TestHTTPServer
        let db = TestPaths.temporaryWarehousePath()
        let inbox: String
        let hooks: String, slack: String

        init() throws {
            server = try TestHTTPServer.standard()
            inbox = try LateTicketsTests.newInbox()
            hooks = try writeTemporaryFile("hooks", "ops=\(server.url("/ok/ops"))\n")
            slack = try writeTemporaryFile("slack", "chat=\(server.url("/ok/T/B/S"))\n")
        }

        func put(_ name: String, _ csv: String) throws {
            try csv.write(toFile: inbox + "/" + name, atomically: true, encoding: .utf8)
        }

        @discardableResult
        func run() throws -> Binary.Result {
            let result = try Binary.run(["run", "--db", db, "--inbox", inbox, "--settle-seconds", "0",
                                         "--today", "2025-03-02", "--webhook-file", hooks, "--slack-file", slack,
                                         "--backfill", "all"])
            #expect(result.status == 0, "\(result.stderr)")
            return result
        }

        var posted: [String] { NotifierTests.webhookAlertIDs(server.requests(to: "/ok/ops")) }
        var corrections: [[String: Any]] {
            CorrectionTests.notices(server, "/ok/ops").filter { $0["status"] as? String == "withdrawn" }
        }

        func query(_ sql: String, _ bindings: [SQLValue] = []) throws -> [[SQLValue]] {
            try makeWarehouse(path: db).db.query(sql, bindings).map(\.values)
        }

        struct Stored { var series: String, incident: String, late: Bool, withdrawn: Bool }

        /// The default detector's alerts on `day`, by id.
        func alerts(on day: String) throws -> [String: Stored] {
            var result: [String: Stored] = [:]
            for row in try query("""
                SELECT id, signal || ' ' || level, incident, late, withdrawn_at IS NOT NULL FROM alerts
                WHERE detector = 'default' AND date = ?
                """, [.text(day)]) {
                result[row[0].string ?? ""] = Stored(series: row[1].string ?? "", incident: row[2].string ?? "",
                                                     late: row[3].int == 1, withdrawn: row[4].int == 1)
            }
            return result
        }
    }

    /// The issue's case: a tenfold Billing surge yesterday is alerted and delivered; a late export then adds a
    /// similar surge two days before it. Judged again, yesterday is day 3 of an incident that began on the late
    /// day and did not grow — one batch run would not alert it — but its finding holds: it keeps its row and its
    /// delivery, takes the incident's id, and nobody gets a correction. The late day's alerts go out marked late,
    /// under that same incident.
    @Test func anAlertWhoseIncidentBeganOnALateDayIsKeptAndNotCorrected() throws {
        let desk = try Desk()
        defer { desk.server.stop() }
        try desk.put("export-1.csv", Self.tickets(days: 1...60, billing: [60: 200]))
        try desk.run()
        let first = try desk.alerts(on: Self.yesterday)
        try #require(first.count >= 3, "the surge as first seen: \(first)")
        #expect(Set(desk.posted) == Set(first.keys))

        try desk.put("late.csv", Self.tickets(days: 58...58, billing: [58: 180], onlyBilling: true, prefix: "L"))
        let second = try desk.run()
        let late = try desk.alerts(on: Self.lateDay)
        let kept = try desk.alerts(on: Self.yesterday)
        #expect(second.stdout.contains(
            "late tickets: judged \(Self.lateDay) to \(Self.yesterday) again: \(late.count) late alerts, 0 withdrawn"),
            "\(second.stdout)")

        // The late day: the same series as yesterday, each stored late, all of one incident.
        #expect(Set(late.values.map(\.series)) == Set(kept.values.map(\.series)))
        #expect(late.values.allSatisfy { $0.late && !$0.withdrawn })
        let incidents = Set(late.values.map(\.incident))
        #expect(incidents.count == 1 && incidents.first?.hasPrefix(Self.lateDay) == true, "\(incidents)")
        // Yesterday: judged again as the incident's ongoing days (not alerted on their own)...
        let rejudged = try desk.query("SELECT DISTINCT incident, alerted FROM detector_findings WHERE day = ?",
                                      [.text(Self.yesterday)])
        #expect(rejudged.map { [$0[0].string ?? "", $0[1].int.map(String.init) ?? ""] } == [[incidents.first!, "0"]])
        // ...and still every alert it had: same rows, live, not late, delivered, now in the late day's incident.
        #expect(Set(kept.keys) == Set(first.keys))
        #expect(kept.values.allSatisfy { !$0.withdrawn && !$0.late && $0.incident == incidents.first })
        #expect(try desk.query("""
            SELECT count(*) FROM deliveries d JOIN alerts a ON a.id = d.alert_id
            WHERE a.date = ? AND d.status = 'delivered' AND d.destination = 'ops'
            """, [.text(Self.yesterday)]).first?[0].int == first.count)

        // What the receiver saw: each alert once, the late ones marked late under their incident, no correction.
        try desk.run()
        let posted = desk.posted
        #expect(posted.count == Set(posted).count, "no alert twice: \(posted)")
        #expect(Set(posted) == Set(first.keys).union(late.keys))
        let bodies = desk.server.requests(to: "/ok/ops").compactMap { $0.json?["alerts"] as? [[String: Any]] }.joined()
        let lateBodies = bodies.filter { $0["date"] as? String == Self.lateDay }
        #expect(lateBodies.count == late.count)
        #expect(lateBodies.allSatisfy { $0["late"] as? Bool == true && $0["incident"] as? String == incidents.first })
        // The late day's item names the alerts already sent that are now of its incident: the receiver had them
        // under yesterday's incident id, and can tell the two days are one incident.
        let items = desk.server.requests(to: "/ok/ops").compactMap { $0.json?["items"] as? [[String: Any]] }.joined()
        let lateItem = items.first { $0["date"] as? String == Self.lateDay }
        #expect(Set(lateItem?["same_incident_as"] as? [String] ?? []) == Set(first.keys))
        #expect(!items.contains { $0["date"] as? String == Self.yesterday && $0["same_incident_as"] != nil })
        let slack = desk.server.requests(to: "/ok/T/B/S").map(\.bodyText)
        #expect(slack.count == 2, "the surge, then the late alerts; nothing for the kept ones")
        let said = "same incident as the \(first.count) alerts of \(Self.yesterday) sent before"
        #expect(slack.last?.contains(said) == true, "\(slack.last ?? "")")
        #expect(CorrectionTests.notices(desk.server, "/ok/ops").isEmpty)
        #expect(try desk.query("SELECT count(*) FROM notices").first?[0].int == 0)

        // One run over the same files finds the same findings and incidents; its alerts are these less yesterday's,
        // which it would never have sent: an alert already stored (here delivered) is kept while its finding holds.
        let batchDB = TestPaths.temporaryWarehousePath(), batchInbox = try LateTicketsTests.newInbox()
        for name in ["export-1.csv", "late.csv"] {
            try FileManager.default.copyItem(atPath: desk.inbox + "/" + name, toPath: batchInbox + "/" + name)
        }
        let batch = try Binary.run(["run", "--db", batchDB, "--inbox", batchInbox, "--settle-seconds", "0",
                                    "--today", "2025-03-02"])
        #expect(batch.status == 0, "\(batch.stderr)")
        let findings = """
            SELECT day, signal, level, incident, alerted, p FROM detector_findings ORDER BY day, signal, level
            """
        #expect(try makeWarehouse(path: batchDB).db.query(findings).map(\.values) == desk.query(findings))
        let batchAlerts = try AlertStore(db: makeWarehouse(path: batchDB).db).list(detector: "default")
        let dailyAlerts = try AlertStore(db: makeWarehouse(path: desk.db).db).list(detector: "default")
        #expect(batchAlerts == dailyAlerts.filter { $0.date != Self.yesterday })
    }

    /// Late Billing tickets on the two days before a modest Billing surge raise its baseline until the surge is
    /// no longer significant: that alert is withdrawn and corrected once. The day's total volume still stands out:
    /// that alert, whose incident now began on a late day, is kept.
    @Test func anAlertWhoseFindingIsGoneIsWithdrawnAndCorrectedOnce() throws {
        let desk = try Desk()
        defer { desk.server.stop() }
        try desk.put("export-1.csv", Self.tickets(days: 1...60, billing: [60: 55]))
        try desk.run()
        let billing = Alert.id(detector: "default", date: Self.yesterday, signal: "queue_volume",
                               level: "queue:Billing")
        let total = Alert.id(detector: "default", date: Self.yesterday, signal: "tickets_total", level: "global")
        try #require(Set(try desk.alerts(on: Self.yesterday).keys) == [billing, total])
        #expect(Set(desk.posted) == [billing, total])

        try desk.put("late.csv", Self.tickets(days: 58...59, billing: [58: 400, 59: 400], onlyBilling: true,
                                              prefix: "L"))
        let second = try desk.run()
        #expect(second.stdout.contains("again: "), "\(second.stdout)")
        #expect(second.stdout.contains(" late alerts, 1 withdrawn"), "\(second.stdout)")
        let after = try desk.alerts(on: Self.yesterday)
        #expect(after[billing]?.withdrawn == true, "the surge is gone")
        #expect(try desk.query("SELECT count(*) FROM detector_findings WHERE day = ? AND level = 'queue:Billing'",
                               [.text(Self.yesterday)]).first?[0].int == 0)
        #expect(after[total]?.withdrawn == false, "the total still stands out")
        #expect(after[total]?.incident.hasPrefix(Self.lateDay) == true, "\(after[total]?.incident ?? "-")")

        try desk.run()
        #expect(desk.corrections.compactMap { $0["id"] as? String } == [billing], "one correction, only for it")
        #expect(desk.posted.count == Set(desk.posted).count, "no alert twice")
        #expect(Set(desk.posted).isSuperset(of: try desk.alerts(on: Self.lateDay).keys), "the late day's alerts")
    }
}
