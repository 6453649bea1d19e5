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

        // A second quiet day ends it (incident_gap_days = 1): one recovery per incident, naming its first alert.
        try LateTicketsTests.tickets(days: 43...44, surgeDay: 0, betaSurge: 0, prefix: "")
            .write(toFile: inbox + "/c.csv", atomically: true, encoding: .utf8)
        _ = try run(today: "2025-02-13")
        let warehouse = try makeWarehouse(path: db)
        let incidents = Set(try warehouse.db.query("SELECT DISTINCT incident FROM alerts WHERE date = '2025-02-10'").compactMap { $0[0].string })
        #expect(!incidents.isEmpty)
        let told = recoveries()
        #expect(told.count == incidents.count)
        #expect(Set(told.compactMap { $0["incident"] as? String }) == incidents)
        #expect(told.allSatisfy { $0["status"] as? String == "recovered" && $0["date"] as? String == "2025-02-10" })

        _ = try run(today: "2025-02-14")
        #expect(recoveries().count == incidents.count, "once per incident")
        #expect(!server.requests(to: "/ok/T/B/S").contains { $0.bodyText.contains("recovered") }, "Slack: off by default")
        #expect(try warehouse.count("notices", where: "kind = 'recovered' AND destination = 'chat'") == 0)
    }
}
