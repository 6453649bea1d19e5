import Foundation
import Testing
@testable import TicketWatchCore

/// Late tickets for days already judged, through the daily job (the real binary) and a real receiver.
@Suite struct LateTicketsTests {
    /// Queues Alpha and Beta, about 20 tickets each a day from 2025-01-01; on `surgeDay` Beta has `betaSurge`.
    static func tickets(days: ClosedRange<Int>, surgeDay: Int, alpha: Int = 20, betaSurge: Int, prefix: String) -> String {
        var csv = "ticket_id,created_at,queue,priority,tags,subject\n"
        for day in days {
            let date = CivilDate(year: 2025, month: 1, day: 1)!.adding(days: day - 1).description
            let jitter = [0, 2, -1, 1, -2, 3, -3][day % 7]
            let a = day == surgeDay ? alpha : 20 + jitter
            let b = day == surgeDay ? betaSurge : 20 - jitter
            for i in 0..<a { csv += "\(prefix)A\(day)-\(i),\(date)T08:\(String(format: "%02d", i % 60)):00Z,Alpha,low,billing,Invoice question \(i)\n" }
            for i in 0..<b { csv += "\(prefix)B\(day)-\(i),\(date)T09:\(String(format: "%02d", i % 60)):00Z,Beta,low,login,Cannot log in \(i)\n" }
        }
        return csv
    }

    static func newInbox() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tw-inbox-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Day 41 (2025-02-10) first arrives with Beta surging; a late file then adds 300 Alpha tickets to it. On the
    /// re-judged day Alpha's surge is new (stored, sent, marked late), the total volume alert stays but changes
    /// (updated in place, not sent again), Beta's no longer holds (withdrawn, one correction).
    @Test func aLateFileCreatesUpdatesAndWithdrawsAndEachAlertIsSentOnce() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let db = TestPaths.temporaryWarehousePath(), inbox = try Self.newInbox()
        let hooks = try writeTemporaryFile("hooks", "ops=\(server.url("/ok/ops"))\n")
        func run(today: String) throws -> Binary.Result {
            let result = try Binary.run(["run", "--db", db, "--inbox", inbox, "--settle-seconds", "0", "--today", today,
                                         "--webhook-file", hooks, "--backfill", "all"])
            #expect(result.status == 0, "\(result.stderr)")
            return result
        }
        try Self.tickets(days: 1...41, surgeDay: 41, betaSurge: 80, prefix: "")
            .write(toFile: inbox + "/export-1.csv", atomically: true, encoding: .utf8)
        _ = try run(today: "2025-02-11")

        let day = "2025-02-10"
        let total = Alert.id(detector: "default", date: day, signal: "tickets_total", level: "global")
        let beta = Alert.id(detector: "default", date: day, signal: "queue_volume", level: "queue:Beta")
        let alpha = Alert.id(detector: "default", date: day, signal: "queue_volume", level: "queue:Alpha")
        let before = try makeWarehouse(path: db)
        let live = Set(try AlertStore(db: before.db).list(detector: "default").map(\.id))
        try #require(live.isSuperset(of: [total, beta]) && !live.contains(alpha), "the surge as first seen: \(live)")
        let totalBefore = try before.db.scalar("SELECT value FROM alerts WHERE id = ?", [.text(total)])?.double

        // The late file (Alpha's tickets of day 41) and the next day's export arrive together.
        var late = "ticket_id,created_at,queue,priority,tags,subject\n"
        for i in 0..<300 { late += "LA-\(i),\(day)T1\(i % 10):\(String(format: "%02d", i % 60)):00Z,Alpha,low,billing,Late invoice \(i)\n" }
        try late.write(toFile: inbox + "/late.csv", atomically: true, encoding: .utf8)
        try Self.tickets(days: 42...42, surgeDay: 0, betaSurge: 0, prefix: "")
            .write(toFile: inbox + "/export-2.csv", atomically: true, encoding: .utf8)
        let second = try run(today: "2025-02-12")
        #expect(second.stdout.contains("late tickets: judged 2025-02-10 again: "))

        let warehouse = try makeWarehouse(path: db)
        let row = { (id: String) in try warehouse.db.query("SELECT late, withdrawn_at IS NOT NULL, value FROM alerts WHERE id = ?", [.text(id)]).first }
        #expect(try row(alpha)?.values.prefix(2) == [.integer(1), .integer(0)], "new alert on an old day: stored, late")
        #expect(try row(beta)?.values.prefix(2) == [.integer(0), .integer(1)], "no longer holds: withdrawn, not deleted")
        #expect(try row(total)?.values.prefix(2) == [.integer(0), .integer(0)])
        #expect(try row(total)?[2].double != totalBefore, "figures updated in place")
        let third = try run(today: "2025-02-12")
        #expect(!third.stdout.contains("late tickets"), "nothing changed since: nothing judged again")

        // What the receiver saw: every alert once, one correction for each withdrawn one (Beta's and its tag's).
        let requests = server.requests(to: "/ok/ops")
        let posted = NotifierTests.webhookAlertIDs(requests)
        #expect(posted.count == Set(posted).count, "no alert twice: \(posted)")
        #expect(Set(posted) == Set(try warehouse.db.query("SELECT id FROM alerts").compactMap { $0[0].string }))
        #expect(posted.contains(alpha) && posted.contains(total) && posted.contains(beta))
        let alphaBody = requests.compactMap { $0.json?["alerts"] as? [[String: Any]] }.joined().first { $0["id"] as? String == alpha }
        #expect(alphaBody?["late"] as? Bool == true)
        let notices = requests.compactMap { $0.json }.filter { $0["type"] as? String == "ticketwatch.notices" }
        #expect(notices.count == 1)
        let correction = (notices.first?["notices"] as? [[String: Any]]) ?? []
        let withdrawn = try warehouse.db.query("SELECT id FROM alerts WHERE withdrawn_at IS NOT NULL").compactMap { $0[0].string }
        #expect(withdrawn.contains(beta))
        #expect(Set(correction.compactMap { $0["id"] as? String }) == Set(withdrawn) && correction.count == withdrawn.count)
        #expect(correction.allSatisfy { $0["status"] as? String == "withdrawn" })
        #expect(try warehouse.count("notices", where: "status = 'delivered' AND kind = 'withdrawn'") == withdrawn.count)
        #expect(second.stdout.contains("webhook ops: 2 delivered, \(withdrawn.count) follow-ups, 0 pending"))

        // And the daily runs ended where one run over all the tickets would.
        let batchDB = TestPaths.temporaryWarehousePath(), batchInbox = try Self.newInbox()
        for name in ["export-1.csv", "late.csv", "export-2.csv"] {
            try FileManager.default.copyItem(atPath: inbox + "/" + name, toPath: batchInbox + "/" + name)
        }
        let batch = try Binary.run(["run", "--db", batchDB, "--inbox", batchInbox, "--settle-seconds", "0", "--today", "2025-02-12"])
        #expect(batch.status == 0)
        #expect(try AlertStore(db: makeWarehouse(path: batchDB).db).list(detector: "default")
                == AlertStore(db: warehouse.db).list(detector: "default"))
    }

    /// Late tickets older than the re-judged window are aggregated but change no judgement.
    @Test func onlyTheNewestJudgedDaysAreJudgedAgain() throws {
        let warehouse = try makeWarehouse()
        _ = try warehouse.ingest([try writeTemporaryFile("a.csv", Self.tickets(days: 1...41, surgeDay: 41, betaSurge: 80, prefix: ""))])
        try Aggregator(warehouse: warehouse, logger: quietLogger).run()
        var options = DefaultDetectorOptions()
        options.lateDays = 2
        try DefaultDetector(options: options).run(in: warehouse.db, now: "t1")
        // Day 39 (three days back) gets late tickets: outside a window of 2.
        _ = try warehouse.ingest([try writeTemporaryFile("b.csv", "ticket_id,created_at,queue\nX1,2025-02-08T10:00:00Z,Alpha\n")])
        try Aggregator(warehouse: warehouse, logger: quietLogger).run()
        #expect(try DefaultDetector(options: options).run(in: warehouse.db, now: "t2").rejudged.isEmpty)
        // Day 40 is inside it: 40 and 41 are judged again.
        _ = try warehouse.ingest([try writeTemporaryFile("c.csv", "ticket_id,created_at,queue\nX2,2025-02-09T10:00:00Z,Alpha\n")])
        try Aggregator(warehouse: warehouse, logger: quietLogger).run()
        #expect(try DefaultDetector(options: options).run(in: warehouse.db, now: "t3").rejudged == ["2025-02-09", "2025-02-10"])
    }
}

@Suite struct NoticeMessageTests {
    @Test func aSlackCorrectionIsShortAndEscaped() throws {
        let alert = Alert(detector: "default", date: "2025-02-10", signal: "tag_volume", level: "tag:<!here>", value: 9, z: 4, threshold: 3)
        let messages = NoticeMessage.messages(for: [(.withdrawn, alert)], kind: .slack, destination: "chat")
        #expect(messages.count == 1 && messages[0].notice == .withdrawn && messages[0].alertIDs == [alert.id])
        let text = messages[0].bodyText
        #expect(text.contains("TicketWatch correction: 1 alert withdrawn — late tickets show it no longer holds"))
        #expect(text.contains("`&lt;!here&gt;`") && !text.contains("<!here>"))
        // Not the same message id as the alert's own post: a receiver de-duplicating on webhook-id must get both.
        #expect(messages[0].messageID != OutgoingMessage.messageID(destination: "chat", alertIDs: [alert.id]))
    }
}

@Suite struct LateAlertSlackTests {
    @Test func aLateAlertSaysSoInSlack() throws {
        let alert = Alert(detector: "default", date: "2025-02-10", signal: "queue_volume", level: "queue:Alpha", value: 320, z: 6, threshold: 3)
        let late = try #require(SlackMessage.message(for: [alert], destination: "chat", late: [alert.id])).bodyText
        #expect(late.contains("_late: found after tickets for this day came in late_"))
        let onTime = try #require(SlackMessage.message(for: [alert], destination: "chat")).bodyText
        #expect(!onTime.contains("late"))
    }
}
