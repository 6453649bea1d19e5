import Foundation
import Testing
@testable import TicketWatchCore

/// `ticketwatch pull` from a Zendesk replay server on 127.0.0.1, through the real binary: the incremental cursor
/// export (three pages, then a second pull from the stored cursor), a kill between pages, a 429, a 401.
@Suite struct PullZendeskTests {
    static let export = "/api/v2/incremental/tickets/cursor.json"

    /// Pages c0 (start_time) → c1 → c2 (end of stream); c3 then holds one new ticket and one update.
    static func responder(prefix: String = "", hanging: HangSwitch? = nil, limited: HangSwitch? = nil,
                          refused: Bool = false) -> TestHTTPServer.Responder {
        { request, earlier in
            guard request.route.hasPrefix(prefix) else { return .status(404) }
            if refused { return .status(401, body: #"{"error":"Couldn't authenticate you"}"#) }
            let route = String(request.route.dropFirst(prefix.count))
            if route == "/api/v2/groups.json" {
                return .status(200, body: Replay.json(["groups": [["id": 1, "name": "Billing"], ["id": 2, "name": "Access & Login"]],
                                                       "next_page": NSNull()]))
            }
            guard route == export else { return .status(404) }
            if let limited, limited.isOn {
                limited.isOn = false
                return .status(429, headers: [("Retry-After", "2")], body: "rate limited")
            }
            let cursor = request.query["cursor"]
            if cursor == "c1", let hanging, hanging.isOn { return .hang }
            func page(_ tickets: [[String: Any]], after: String, end: Bool) -> TestHTTPServer.Reply {
                .status(200, body: Replay.json(["tickets": tickets, "after_cursor": after, "end_of_stream": end,
                                                "after_url": "\(prefix)\(export)?cursor=\(after)"]))
            }
            switch cursor {
            case nil: return page((1...3).map { Replay.zendeskTicket($0, day: 1) }, after: "c1", end: false)
            case "c1": return page((4...6).map { Replay.zendeskTicket($0, day: 2, group: 2) }, after: "c2", end: false)
            case "c2": return page((7...9).map { Replay.zendeskTicket($0, day: 3, priority: "high") }, after: "c3", end: true)
            case "c3": return page([Replay.zendeskTicket(10, day: 4), Replay.zendeskTicket(2, day: 1, updatedDay: 4, priority: "urgent")],
                                   after: "c4", end: true)
            default: return page([], after: cursor ?? "", end: true)
            }
        }
    }

    @Test func threePagesThenASecondPullFromTheStoredCursorAddsOnlyWhatChanged() throws {
        let server = try TestHTTPServer(responder: Self.responder())
        defer { server.stop() }
        let fixture = try PullFixture([("support", "zendesk", server.url(""), "")])
        let first = try fixture.pull()
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("support (zendesk): 3 pages, 9 new, 0 updated"), "\(first.stdout)")
        let exports = server.requests.filter { $0.route == Self.export }
        #expect(exports.map { $0.query["cursor"] ?? "start:\($0.query["start_time"] ?? "")" }
                == ["start:\(Int(CivilDate("2025-03-01")!.daysSinceEpoch * 86_400))", "c1", "c2"])
        #expect(server.requests.allSatisfy { $0.headers["authorization"] == PullFixture.expectedAuthorization })
        #expect(server.requests.allSatisfy { $0.headers["accept"] == "application/json" })
        let warehouse = try fixture.open()
        #expect(try warehouse.count("tickets") == 9)
        #expect(try warehouse.count("ingest_files", where: "source = 'pull:support' AND helpdesk = 'zendesk'") == 3)
        #expect(try warehouse.count("tickets", where: "queue = 'Access & Login'") == 3, "group names from groups.json")
        #expect(try warehouse.db.scalar("SELECT cursor FROM source_cursors WHERE source = 'support'")?.string == "c3")
        // Mapped as `ingest` maps a Zendesk export of the same tickets.
        let exported = try writeTemporaryFile("export.json", Replay.json(["tickets": (1...3).map { Replay.zendeskTicket($0, day: 1) }]))
        let groups = try writeTemporaryFile("groups.json", Replay.json(["groups": [["id": 1, "name": "Billing"]]]))
        let ingested = try makeWarehouse()
        var options = IngestOptions()
        try options.sources.groups.load(file: groups)
        _ = try ingested.ingest([exported], options: options)
        let columns = "ticket_id, created_at, day, queue, priority, priority_raw, subject, tags, updated_at, channel, ticket_type"
        #expect(try ingested.db.query("SELECT \(columns) FROM tickets ORDER BY ticket_id").map(\.values)
                == warehouse.db.query("SELECT \(columns) FROM tickets WHERE ticket_id IN ('1','2','3') ORDER BY ticket_id").map(\.values))

        let second = try fixture.pull()
        #expect(second.status == 0, "\(second.stderr)")
        #expect(server.requests.filter { $0.route == Self.export }.last?.query["cursor"] == "c3", "asks with the stored cursor")
        #expect(second.stdout.contains("1 page, 1 new, 1 updated"), "\(second.stdout)")
        #expect(try warehouse.count("tickets") == 10)
        #expect(try warehouse.db.scalar("SELECT priority FROM tickets WHERE ticket_id = '2'")?.string == "urgent")
        #expect(try warehouse.db.scalar("SELECT cursor FROM source_cursors WHERE source = 'support'")?.string == "c4")
        try fixture.expectNoSecret([first, second])
    }

    @Test func sinceWidensOnePullWithoutMovingTheStoredCursorBack() throws {
        let hanging = HangSwitch()
        hanging.isOn = false
        let server = try TestHTTPServer(responder: Self.responder(hanging: hanging))
        defer { server.stop() }
        let fixture = try PullFixture([("support", "zendesk", server.url(""), "")])
        #expect(try fixture.pull().status == 0)
        // Killed on its second page, a widened pull has not moved the cursor back to its first.
        hanging.isOn = true
        let running = try Binary.spawn(["pull", "--db", fixture.db, "--config", fixture.config, "--since", "2025-02-01"])
        let deadline = Date().addingTimeInterval(20)
        while server.requests.filter({ $0.query["cursor"] == "c1" }).count < 2, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(running.pid, SIGKILL)
        _ = running.wait()
        #expect(try fixture.open().db.scalar("SELECT cursor FROM source_cursors")?.string == "c3")
        hanging.isOn = false
        let widened = try fixture.pull(["--since", "2025-02-01"])
        #expect(widened.status == 0, "\(widened.stderr)")
        let exports = server.requests.filter { $0.route == Self.export }
        #expect(exports.dropFirst(5).first?.query["start_time"] == "\(CivilDate("2025-02-01")!.daysSinceEpoch * 86_400)")
        #expect(widened.stdout.contains("3 pages, 0 new, 0 updated, 9 unchanged"), "\(widened.stdout)")
        #expect(try fixture.open().db.scalar("SELECT cursor FROM source_cursors")?.string == "c3")
        #expect(try fixture.pull().status == 0)
        #expect(server.requests.filter { $0.route == Self.export }.last?.query["cursor"] == "c3")
    }

    @Test func aPullKilledBetweenPagesThenRerunStoresEveryTicketOnceWithTheFiguresOfOnePull() throws {
        let hanging = HangSwitch()
        let server = try TestHTTPServer(responder: Self.responder(hanging: hanging))
        defer { server.stop() }
        let fixture = try PullFixture([("support", "zendesk", server.url(""), "")])
        try fixture.pullKilled(at: { $0.query["cursor"] == "c1" }, on: server)
        #expect(try fixture.open().count("tickets") == 3, "the first page committed, the second never came")
        hanging.isOn = false
        let rerun = try fixture.pull()
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(server.requests.filter { $0.route == Self.export }.dropFirst(2).first?.query["cursor"] == "c1",
                "the rerun resumes at the page that was not committed")

        let once = try PullFixture([("support", "zendesk", server.url(""), "")])
        #expect(try once.pull().status == 0)
        #expect(try fixture.tickets() == once.tickets())
        #expect(try fixture.open().count("ingest_files") == 3)
        for f in [fixture, once] { #expect(try Binary.run(["aggregate", "--db", f.db]).status == 0) }
        for table in ["daily_totals", "daily_queues", "daily_tags", "daily_priorities"] {
            #expect(try fixture.open().db.query("SELECT * FROM \(table) ORDER BY 1, 2").map(\.values)
                    == once.open().db.query("SELECT * FROM \(table) ORDER BY 1, 2").map(\.values), "\(table)")
        }
    }

    @Test func aRateLimitWaitsForItsRetryAfterOnceWithoutAnError() throws {
        let limited = HangSwitch()
        let server = try TestHTTPServer(responder: Self.responder(limited: limited))
        defer { server.stop() }
        let fixture = try PullFixture([("support", "zendesk", server.url(""), "")])
        let started = Date()
        let result = try fixture.pull(["--verbose"])
        let elapsed = Date().timeIntervalSince(started)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("error"), "\(result.stderr)")
        #expect(server.requests.filter { $0.route == Self.export }.count == 4, "one 429, then the three pages")
        #expect(elapsed >= 2 && elapsed < 8, "waited the 2 s it was asked to, once: \(elapsed)")
        #expect(try fixture.open().count("tickets") == 9)
        #expect(result.stderr.contains("retrying"), "the wait is logged: \(result.stderr)")
        try fixture.expectNoSecret([result])
    }

    @Test func aRefusedCredentialStopsThatSourceOnlyAndChangesNothingOfIt() throws {
        let good = try TestHTTPServer(responder: Self.responder())
        let bad = try TestHTTPServer(responder: Self.responder(refused: true))
        defer { good.stop(); bad.stop() }
        let fixture = try PullFixture([("desk-a", "zendesk", bad.url(""), ""), ("desk-b", "zendesk", good.url(""), "")])
        let result = try fixture.pull(["--verbose"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("source 'desk-a'") && result.stderr.contains("check its credential")
                && result.stderr.contains("HTTP 401"), "\(result.stderr)")
        #expect(bad.requests.count == 1, "a 401 is not retried")
        let warehouse = try fixture.open()
        #expect(try warehouse.count("ingest_files", where: "source = 'pull:desk-a'") == 0)
        #expect(try warehouse.db.scalar("SELECT cursor FROM source_cursors WHERE source = 'desk-a'") == .null)
        #expect(try warehouse.db.scalar("SELECT last_outcome FROM source_cursors WHERE source = 'desk-a'")?.string == "failed")
        #expect(try warehouse.count("tickets") == 9, "desk-b was still pulled")
        let status = try Binary.run(["status", "--db", fixture.db])
        #expect(status.status == 1 && status.stderr.contains("the last pull of desk-a failed"), "\(status.stderr)")
        #expect(status.stdout.contains("desk-a (zendesk): last pull") && status.stdout.contains("failed")
                && status.stdout.contains("reached nothing yet"), "\(status.stdout)")
        #expect(status.stdout.contains("desk-b (zendesk): last pull") && status.stdout.contains("ok, 3 pages, 9 new or updated"))
        try fixture.expectNoSecret([result, status])
    }
}
