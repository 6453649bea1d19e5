import Foundation
import Testing
@testable import TicketWatchCore

/// `ticketwatch run` with two helpdesk sources and no inbox judges and notifies exactly as it does when the same
/// tickets arrive as export files in an inbox.
@Suite struct PullDailyJobTests {
    /// 60 days of traffic from 2025-03-01 in two helpdesks, a weekly rhythm, and a refund surge in Zendesk's
    /// Billing queue on day 50.
    static func traffic() -> (zendesk: [[String: Any]], freshdesk: [[String: Any]]) {
        var zendesk: [[String: Any]] = [], freshdesk: [[String: Any]] = []
        for day in 0..<60 {
            let date = CivilDate("2025-03-01")!.adding(days: day).description
            let weekend = (day + 5) % 7 >= 5
            let count = (weekend ? 12 : 30) + (day * 7) % 5 + (day == 50 ? 45 : 0)
            for k in 0..<count {
                let stamp = String(format: "%@T%02d:%02d:00Z", date, 8 + k / 10, (k * 7) % 60)
                let surge = day == 50 && k >= count - 45
                let n = day * 100 + k
                zendesk.append(["id": n + 1, "created_at": stamp, "updated_at": stamp, "priority": k % 4 == 0 ? "high" : "normal",
                                "group_id": surge || k % 3 == 0 ? 1 : 2, "tags": surge ? ["refund"] : [k % 2 == 0 ? "login" : "vpn"],
                                "subject": "Ticket \(n)", "via": ["channel": "email"]])
                if k < count / 2, !surge {
                    freshdesk.append(["id": 100_000 + n, "created_at": stamp, "updated_at": stamp, "priority": k % 5 == 0 ? 3 : 2,
                                      "group_id": k % 2 == 0 ? 5 : 6, "tags": ["shipping"], "subject": "Ticket \(n)",
                                      "source": 1, "fr_due_by": stamp])
                }
            }
        }
        return (zendesk, freshdesk)
    }

    static func helpdesks(_ zendeskTickets: [[String: Any]], _ freshdeskTickets: [[String: Any]]) throws -> TestHTTPServer {
        // As JSON text (Sendable), with each Freshdesk ticket's update time for updated_since, in the order
        // asked for (order_by=updated_at).
        let zendesk = zendeskTickets.map(Replay.json)
        let freshdesk = freshdeskTickets.map { ($0["updated_at"] as! String, Replay.json($0)) }.sorted { $0.0 < $1.0 }
        @Sendable func list(_ items: ArraySlice<String>) -> String { "[" + items.joined(separator: ",") + "]" }
        return try TestHTTPServer { request, _ in
            switch request.route {
            case "/zd/api/v2/groups.json":
                return .status(200, body: Replay.json(["groups": [["id": 1, "name": "Billing"], ["id": 2, "name": "Access"]]]))
            case "/zd/api/v2/incremental/tickets/cursor.json":
                let offset = Int(request.query["cursor"] ?? "0") ?? 0
                let end = offset + 500 >= zendesk.count
                return .status(200, body: #"{"tickets":\#(list(zendesk.dropFirst(offset).prefix(500))),"#
                               + #""after_cursor":"\#(min(zendesk.count, offset + 500))","end_of_stream":\#(end)}"#)
            case "/fd/api/v2/groups":
                return .status(200, body: Replay.json([["id": 5, "name": "Shipping"], ["id": 6, "name": "Returns"]]))
            case "/fd/api/v2/tickets":
                let page = Int(request.query["page"] ?? "1") ?? 1
                let since = request.query["updated_since"] ?? ""
                let listed = freshdesk.filter { $0.0 >= since }.map(\.1)
                return .status(200, body: list(listed.dropFirst((page - 1) * 100).prefix(100)[...]))
            default:
                return .status(404)
            }
        }
    }

    @Test func theDailyJobWithTwoSourcesAndNoInboxJudgesAndNotifiesAsWithFiles() throws {
        let (zendesk, freshdesk) = Self.traffic()
        let helpdesks = try Self.helpdesks(zendesk, freshdesk)
        let receiver = try TestHTTPServer.standard()
        defer { helpdesks.stop(); receiver.stop() }

        // With files: the same tickets as the two helpdesks' exports, their groups named in the config.
        let inbox = FileManager.default.temporaryDirectory.appendingPathComponent("tw-inbox-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        try Replay.json(["tickets": zendesk]).write(toFile: inbox + "/zendesk.json", atomically: true, encoding: .utf8)
        try Replay.json(freshdesk).write(toFile: inbox + "/freshdesk.json", atomically: true, encoding: .utf8)
        let filesConfig = try writeTemporaryFile("config.toml", """
            [ingest.groups]
            "1" = "Billing"
            "2" = "Access"
            "5" = "Shipping"
            "6" = "Returns"
            """)
        let filesDB = TestPaths.temporaryWarehousePath()
        let withFiles = try Binary.run(["run", "--db", filesDB, "--config", filesConfig, "--inbox", inbox, "--settle-seconds", "0",
                                        "--today", "2025-04-30", "--backfill", "all", "--webhook", "files=\(receiver.url("/ok/files"))"])
        #expect(withFiles.status == 0, "\(withFiles.stderr)")

        // Pulled: two sources, no inbox.
        let fixture = try PullFixture([("zd", "zendesk", helpdesks.url("/zd"), ""), ("fd", "freshdesk", helpdesks.url("/fd"), "")])
        let pulled = try Binary.run(["run", "--db", fixture.db, "--config", fixture.config, "--today", "2025-04-30",
                                     "--backfill", "all", "--webhook", "pulled=\(receiver.url("/ok/pulled"))"])
        #expect(pulled.status == 0, "\(pulled.stderr)")
        #expect(pulled.stdout.contains("zd (zendesk):") && pulled.stdout.contains("fd (freshdesk):"), "\(pulled.stdout)")

        let alerts = { (db: String) in try Binary.run(["alerts", "--db", db, "--format", "csv"]).stdout }
        let fromFiles = try alerts(filesDB), fromPull = try alerts(fixture.db)
        #expect(fromFiles.contains("queue:Billing") && fromFiles.contains("tag:refund"), "the surge is found: \(fromFiles)")
        #expect(fromPull == fromFiles)
        func delivered(_ path: String) -> [String] {
            receiver.requests(to: path).flatMap { $0.json?["alerts"] as? [[String: Any]] ?? [] }.compactMap { $0["id"] as? String }.sorted()
        }
        #expect(!delivered("/ok/files").isEmpty)
        #expect(delivered("/ok/pulled") == delivered("/ok/files"))
        let warehouse = try fixture.open()
        #expect(try warehouse.count("tickets") == zendesk.count + freshdesk.count)
        #expect(try warehouse.db.scalar("SELECT tickets_loaded FROM job_runs")?.int == zendesk.count + freshdesk.count)
        let status = try Binary.run(["status", "--db", fixture.db])
        #expect(status.stdout.contains("fd (freshdesk): last pull") && status.stdout.contains("zd (zendesk): last pull"), "\(status.stdout)")
        #expect(status.stdout.contains("reached 2025-04-29"), "\(status.stdout)")
        try fixture.expectNoSecret([pulled, status])
    }
}
