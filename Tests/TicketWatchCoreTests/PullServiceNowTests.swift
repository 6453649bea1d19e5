import Foundation
import Testing
@testable import TicketWatchCore

/// `ticketwatch pull` from a ServiceNow replay server: the Table API with `sysparm_display_value=all`, ordered by
/// `sys_updated_on`, following `Link: rel="next"` (short pages: access rules apply after the limit), and a second
/// pull from the greatest `sys_updated_on` stored, minus a day.
@Suite struct PullServiceNowTests {
    static let priorities = [1: "4 - Low", 2: "3 - Moderate", 3: "2 - High", 4: "1 - Critical"]

    static func json(_ t: ReplayDesk.Ticket) -> [String: Any] {
        func field(_ display: String, _ value: String) -> [String: Any] { ["display_value": display, "value": value] }
        func date(_ epoch: Int) -> [String: Any] {
            let utc = ReplayDesk.iso(epoch).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
            return field("01-03-2025 local display", utc)
        }
        return ["number": field("INC\(1000 + t.id)", "INC\(1000 + t.id)"), "sys_id": field("", "a\(t.id)"),
                "sys_created_on": date(t.created), "sys_updated_on": date(t.updated),
                "priority": field(priorities[t.priority]!, "\(5 - t.priority)"),
                "assignment_group": field(t.group == 5 ? "Service Desk" : "Network", "g\(t.group)"),
                "category": field("Network", "network"), "subcategory": field(t.id % 3 == 0 ? "VPN" : "", ""),
                "short_description": field("Incident \(t.id)", "Incident \(t.id)"), "contact_type": field("Phone", "phone")]
    }

    /// 100 records a page whatever the limit asked, each page but the last with a Link to the next offset.
    static func responder(_ desk: ReplayDesk, hanging: HangSwitch? = nil) -> TestHTTPServer.Responder {
        { request, _ in
            if request.query["sysparm_offset"] == "100", let hanging, hanging.isOn { return .hang }
            guard request.route == "/api/now/table/incident", request.query["sysparm_display_value"] == "all",
                  let query = request.query["sysparm_query"], query.hasPrefix("sys_updated_on>="),
                  query.hasSuffix("^ORDERBYsys_updated_on^ORDERBYsys_id"),
                  let since = ReplayDesk.epoch(String(query.dropFirst(16).prefix(19))),
                  let offset = Int(request.query["sysparm_offset"] ?? "") else { return .status(400, body: "bad request") }
            let all = desk.changed(since: since)
            let slice = Array(all.dropFirst(offset).prefix(100))
            var headers: [(String, String)] = []
            if offset + 100 < all.count {
                let next = request.path.replacingOccurrences(of: "sysparm_offset=\(offset)", with: "sysparm_offset=\(offset + 100)")
                headers.append(("Link", "<http://\(request.headers["host"]!)\(next)>;rel=\"next\""))
            }
            return .status(200, headers: headers, body: Replay.json(["result": slice.map(json)]))
        }
    }

    @Test func threePagesThenASecondPullFromTheStoredMarkAddsOnlyWhatChanged() throws {
        let desk = ReplayDesk(count: 250)
        let server = try TestHTTPServer(responder: Self.responder(desk))
        defer { server.stop() }
        let fixture = try PullFixture([("itsm", "servicenow", server.url(""), "")])
        let first = try fixture.pull()
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("itsm (servicenow): 3 pages, 250 new"), "\(first.stdout)")
        let lists = server.requests.filter { $0.route == "/api/now/table/incident" }
        #expect(lists.map { $0.query["sysparm_offset"] ?? "" } == ["0", "100", "200"])
        #expect(lists.first?.query["sysparm_query"]
                == "sys_updated_on>=2025-03-01 00:00:00^ORDERBYsys_updated_on^ORDERBYsys_id")
        let warehouse = try fixture.open()
        #expect(try warehouse.count("tickets") == 250)
        #expect(try warehouse.count("ingest_files", where: "source = 'pull:itsm' AND helpdesk = 'servicenow'") == 3)
        // Names from display values, dates from values (UTC), priorities by ServiceNow's scale.
        let row = try #require(try warehouse.db.query(
            "SELECT queue, priority, priority_raw, created_at, tags, channel FROM tickets WHERE ticket_id = 'INC1003'").first)
        #expect(row.values.map(\.description) == ["Network", "medium", "3 - Moderate", "2025-03-01T09:03:00Z",
                                                  #"["Network","VPN"]"#, "Phone"])
        let mark = try #require(try warehouse.db.scalar("SELECT cursor FROM source_cursors")?.string)
        #expect(mark == ReplayDesk.iso(desk.changed(since: 0).last!.updated))

        desk.add(251)
        desk.update(1, priority: 4)
        let markEpoch = ReplayDesk.epoch(mark)!
        let again = desk.changed(since: markEpoch - 86_400).filter { $0.id <= 250 && $0.id != 1 }.count
        let second = try fixture.pull()
        #expect(second.status == 0, "\(second.stderr)")
        let asked = try #require(server.requests.filter { $0.route == "/api/now/table/incident" }.dropFirst(3).first)
        #expect(asked.query["sysparm_query"]?.hasPrefix("sys_updated_on>=\(ReplayDesk.iso(markEpoch - 86_400).replacingOccurrences(of: "T", with: " ").dropLast())") == true,
                "asks from the stored mark minus a day: \(asked.path)")
        #expect(second.stdout.contains("1 new, 1 updated, \(again) unchanged"), "\(second.stdout)")
        #expect(try warehouse.count("tickets") == 251)
        #expect(try warehouse.db.scalar("SELECT priority FROM tickets WHERE ticket_id = 'INC1001'")?.string == "urgent")
        try fixture.expectNoSecret([first, second])
    }
}

extension PullServiceNowTests {
    @Test func aPullKilledBetweenPagesResumesFromItsMarkWithEveryTicketOnce() throws {
        let hanging = HangSwitch()
        let desk = ReplayDesk(count: 250)
        let server = try TestHTTPServer(responder: Self.responder(desk, hanging: hanging))
        defer { server.stop() }
        let fixture = try PullFixture([("itsm", "servicenow", server.url(""), "")])
        try fixture.pullKilled(at: { $0.query["sysparm_offset"] == "100" }, on: server)
        #expect(try fixture.open().count("tickets") == 100)
        hanging.isOn = false
        #expect(try fixture.pull().status == 0)
        let once = try PullFixture([("itsm", "servicenow", server.url(""), "")])
        #expect(try once.pull().status == 0)
        #expect(try fixture.tickets() == once.tickets() && once.tickets().count == 250)
    }
}

extension PullServiceNowTests {
    /// Records that share one `sys_updated_on` come in any order unless the query breaks the tie (as a database
    /// without a unique order does): the replay shuffles them on every request unless it is asked to order by
    /// `sys_id`, so offsets over them would skip some and read others twice.
    @Test func recordsSharingAnUpdateTimeArePagedInATotalOrder() throws {
        let desk = ReplayDesk(count: 250)
        for n in 1...250 { desk.touch(n, at: ReplayDesk.base + 36_000) }
        let server = try TestHTTPServer { request, _ in
            guard let query = request.query["sysparm_query"], query.hasPrefix("sys_updated_on>="),
                  let offset = Int(request.query["sysparm_offset"] ?? "") else { return .status(400, body: "bad request") }
            let all = desk.changed(since: 0)
            let ordered = query.contains("^ORDERBYsys_id") ? all.sorted { "a\($0.id)" < "a\($1.id)" } : all.shuffled()
            var headers: [(String, String)] = []
            if offset + 100 < all.count {
                let next = request.path.replacingOccurrences(of: "sysparm_offset=\(offset)", with: "sysparm_offset=\(offset + 100)")
                headers.append(("Link", "<http://\(request.headers["host"]!)\(next)>;rel=\"next\""))
            }
            let page = ordered.dropFirst(offset).prefix(100).map(Self.json)
            return .status(200, headers: headers, body: Replay.json(["result": page]))
        }
        defer { server.stop() }
        let fixture = try PullFixture([("itsm", "servicenow", server.url(""), "")])
        let result = try fixture.pull()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.requests.compactMap { $0.query["sysparm_offset"] } == ["0", "100", "200"])
        #expect(result.stdout.contains("250 new, 0 updated, 0 unchanged"), "\(result.stdout)")
        #expect(try fixture.open().count("tickets") == 250)
    }
}

/// A ServiceNow Table API answer saved to a file loads with `ingest` as `pull` loads it.
@Suite struct ServiceNowExportTests {
    @Test func aSavedTableAPIAnswerIsDetectedAndLoadedAsPullLoadsIt() throws {
        let desk = ReplayDesk(count: 3)
        let file = try writeTemporaryFile("incidents.json", Replay.json(["result": desk.changed(since: 0).map(PullServiceNowTests.json)]))
        let warehouse = try makeWarehouse()
        let summary = try #require(try warehouse.ingest([file]).first)
        #expect(summary.helpdesk == .servicenow && summary.loaded == 3)
        #expect(try warehouse.count("tickets", where: "priority = 'medium' AND priority_raw = '3 - Moderate' AND queue IS NOT NULL") == 3)
    }
}
