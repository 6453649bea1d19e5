import Foundation
import Testing
@testable import TicketWatchCore

/// "Recovered" messages: once per incident, to webhooks by default and not to Slack (as Alertmanager does).
@Suite struct RecoveryTests {
    @Test func anIncidentThatIsOverIsReportedRecoveredOnceToWebhooksOnly() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let db = TestPaths.temporaryWarehousePath(), inbox = try LateTicketsTests.newInbox()
        let hooks = try writeTemporaryFile("hooks", "ops=\(server.url("/ok/ops"))\n")
        let slack = try writeTemporaryFile("slack", "chat=\(server.url("/ok/T/B/S"))\n")
        func run(today: String) throws -> Binary.Result {
            let result = try Binary.run(["run", "--db", db, "--inbox", inbox, "--settle-seconds", "0", "--today", today,
                                         "--webhook-file", hooks, "--slack-file", slack, "--backfill", "all"])
            #expect(result.status == 0, "\(result.stderr)")
            return result
        }
        try LateTicketsTests.tickets(days: 1...41, surgeDay: 41, betaSurge: 80, prefix: "")
            .write(toFile: inbox + "/a.csv", atomically: true, encoding: .utf8)
        _ = try run(today: "2025-02-11")
        #expect(NotifierTests.webhookAlertIDs(server.requests(to: "/ok/ops")).count > 0)

        // One quiet day: the incident could still continue, so nothing is said yet.
        try LateTicketsTests.tickets(days: 42...42, surgeDay: 0, betaSurge: 0, prefix: "")
            .write(toFile: inbox + "/b.csv", atomically: true, encoding: .utf8)
        _ = try run(today: "2025-02-12")
        func recoveries() -> [[String: Any]] {
            server.requests(to: "/ok/ops").compactMap { $0.json }.filter { $0["type"] as? String == "ticketwatch.notices" }
                .flatMap { $0["notices"] as? [[String: Any]] ?? [] }
        }
        #expect(recoveries().isEmpty)

        // Past the incident gap (incident_gap_days = 1) but not past the late window (late_days = 3): late tickets
        // could still continue it, so nothing yet.
        try LateTicketsTests.tickets(days: 43...45, surgeDay: 0, betaSurge: 0, prefix: "")
            .write(toFile: inbox + "/c.csv", atomically: true, encoding: .utf8)
        _ = try run(today: "2025-02-14")
        #expect(recoveries().isEmpty)

        // Five quiet days (1 + 1 + 3) end it: one recovery per incident, naming its first alert.
        try LateTicketsTests.tickets(days: 46...47, surgeDay: 0, betaSurge: 0, prefix: "")
            .write(toFile: inbox + "/d.csv", atomically: true, encoding: .utf8)
        _ = try run(today: "2025-02-16")
        let warehouse = try makeWarehouse(path: db)
        let incidents = Set(try warehouse.db.query("SELECT DISTINCT incident FROM alerts WHERE date = '2025-02-10'").compactMap { $0[0].string })
        #expect(!incidents.isEmpty)
        let told = recoveries()
        #expect(told.count == incidents.count)
        #expect(Set(told.compactMap { $0["incident"] as? String }) == incidents)
        #expect(told.allSatisfy { $0["status"] as? String == "recovered" && $0["date"] as? String == "2025-02-10" })

        _ = try run(today: "2025-02-17")
        #expect(recoveries().count == incidents.count, "once per incident")
        #expect(!server.requests(to: "/ok/T/B/S").contains { $0.bodyText.contains("recovered") }, "Slack: off by default")
        #expect(try warehouse.count("notices", where: "kind = 'recovered' AND destination = 'chat'") == 0)
    }

    /// Late tickets re-judge the newest late_days judged days. An incident whose last finding is past the incident
    /// gap but still within reach of that window can be continued by them, so "recovered" waits until it is not.
    @Test func noRecoveryIsSentWhileLateTicketsCouldStillContinueTheIncident() throws {
        let job = try DailyJobReceiver()
        let inbox = job.inbox
        func lastFinding() throws -> String? {
            try makeWarehouse(path: job.db).db.scalar("""
                SELECT max(day) FROM detector_findings WHERE level = 'queue:Beta' AND incident =
                  (SELECT incident FROM alerts WHERE date = '2025-02-10' AND level = 'queue:Beta')
                """)?.string
        }
        // Beta surges on day 41 (2025-02-10); three quiet days follow (through 2025-02-13).
        try LateTicketsTests.tickets(days: 1...41, surgeDay: 41, betaSurge: 80, prefix: "")
            .write(toFile: inbox + "/a.csv", atomically: true, encoding: .utf8)
        try job.run(today: "2025-02-11")
        try LateTicketsTests.tickets(days: 42...44, surgeDay: 0, betaSurge: 0, prefix: "")
            .write(toFile: inbox + "/b.csv", atomically: true, encoding: .utf8)
        try job.run(today: "2025-02-14")
        try #require(try lastFinding() == "2025-02-10")
        #expect(job.recoveries().isEmpty, "2025-02-11 can still be judged again")

        // Late Beta tickets for 2025-02-11 arrive with the next day's export: the day is judged again, and its
        // finding continues the incident. Had "recovered" gone out above, it would now be wrong.
        var late = "ticket_id,created_at,queue,priority,tags,subject\n"
        for i in 0..<60 { late += "LB-\(i),2025-02-11T1\(i % 10):\(String(format: "%02d", i % 60)):00Z,Beta,low,login,Cannot log in \(i)\n" }
        try late.write(toFile: inbox + "/late.csv", atomically: true, encoding: .utf8)
        try LateTicketsTests.tickets(days: 45...45, surgeDay: 0, betaSurge: 0, prefix: "")
            .write(toFile: inbox + "/c.csv", atomically: true, encoding: .utf8)
        try job.run(today: "2025-02-15")
        #expect(try lastFinding() == "2025-02-11", "the late tickets continued the incident")
        #expect(job.recoveries().isEmpty)

        // Five quiet judged days after its new last finding, it is over, and said once.
        try LateTicketsTests.tickets(days: 46...47, surgeDay: 0, betaSurge: 0, prefix: "")
            .write(toFile: inbox + "/d.csv", atomically: true, encoding: .utf8)
        try job.run(today: "2025-02-16")
        #expect(job.recoveries().isEmpty)
        try job.run(today: "2025-02-17")
        #expect(job.recoveries().count >= 1)
        #expect(Set(job.recoveries().compactMap { $0["incident"] as? String }).count == job.recoveries().count, "once per incident")
    }
}
