import Foundation
import Testing
@testable import TicketWatchCore

/// `ticketwatch pull` from a Jira Cloud replay server: enhanced search with `nextPageToken`, the request type's
/// field found through `/rest/api/3/field`, and a second pull from the greatest `updated` stored, minus a day.
@Suite struct PullJiraTests {
    static let priorities = [1: "Low", 2: "Medium", 3: "High", 4: "Highest"]

    static func jiraDate(_ epoch: Int) -> String { ReplayDesk.iso(epoch).replacingOccurrences(of: "Z", with: ".000+0000") }

    static func json(_ t: ReplayDesk.Ticket) -> [String: Any] {
        var fields: [String: Any] = [
            "summary": "Issue \(t.id)", "created": jiraDate(t.created), "updated": jiraDate(t.updated),
            "priority": ["name": priorities[t.priority]!], "issuetype": ["name": "[System] Incident"],
            "labels": ["vpn", "remote-work"], "components": [["name": "Network"]],
        ]
        // Half the issues came through the portal with a request type; the rest fall back to their component.
        if t.id % 2 == 0 { fields["customfield_10010"] = ["requestType": ["name": "Get IT help"]] }
        return ["key": "HELP-\(t.id)", "id": "\(10000 + t.id)", "fields": fields]
    }

    static func responder(_ desk: ReplayDesk, hanging: HangSwitch? = nil) -> TestHTTPServer.Responder {
        { request, _ in
            if request.query["nextPageToken"] == "page100", let hanging, hanging.isOn { return .hang }
            if request.route == "/rest/api/3/field" {
                return .status(200, body: Replay.json([
                    ["id": "summary", "schema": ["type": "string"]],
                    ["id": "customfield_10010", "schema": ["custom": "com.atlassian.servicedesk:vp-origin"]],
                ]))
            }
            guard request.route == "/rest/api/3/search/jql", let jql = request.query["jql"],
                  jql.hasPrefix("(project = HELP) AND updated >= \""), jql.hasSuffix("\" ORDER BY updated ASC, key ASC"),
                  let since = ReplayDesk.epoch(String(jql.dropFirst(33).prefix(16))),
                  request.query["fields"]?.contains("customfield_10010") == true else { return .status(400, body: "bad jql") }
            let offset = Int(request.query["nextPageToken"]?.dropFirst(4) ?? "0") ?? 0
            let all = desk.changed(since: since)
            var page: [String: Any] = ["issues": all.dropFirst(offset).prefix(100).map(json)]
            if offset + 100 < all.count { page["nextPageToken"] = "page\(offset + 100)" } else { page["isLast"] = true }
            return .status(200, body: Replay.json(page))
        }
    }

    @Test func threePagesThenASecondPullFromTheStoredMarkAddsOnlyWhatChanged() throws {
        let desk = ReplayDesk(count: 230)
        let server = try TestHTTPServer(responder: Self.responder(desk))
        defer { server.stop() }
        let fixture = try PullFixture([("jsm", "jira", server.url(""), "jql = \"project = HELP\"")])
        let first = try fixture.pull()
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("jsm (jira): 3 pages, 230 new"), "\(first.stdout)")
        let searches = server.requests.filter { $0.route == "/rest/api/3/search/jql" }
        #expect(searches.map { $0.query["nextPageToken"] ?? "-" } == ["-", "page100", "page200"])
        #expect(searches.first?.query["jql"] == "(project = HELP) AND updated >= \"2025/03/01 00:00\" ORDER BY updated ASC, key ASC",
                "a unique tie-break after the update time")
        let warehouse = try fixture.open()
        #expect(try warehouse.count("tickets") == 230)
        #expect(try warehouse.count("tickets", where: "queue = 'Get IT help'") == 115)
        #expect(try warehouse.count("tickets", where: "queue = 'Network'") == 115, "the first component when no request type")

        // Mapped as `ingest` maps Jira's CSV export of the same issue.
        let issue = desk.changed(since: 0).first { $0.id == 2 }!
        let csv = try writeTemporaryFile("jira.csv", """
            Summary,Issue key,Issue Type,Priority,Created,Updated,Labels,Labels,Component/s,Custom field (Request Type)
            Issue 2,HELP-2,[System] Incident,Medium,\(ReplayDesk.iso(issue.created)),\(ReplayDesk.iso(issue.updated)),vpn,remote-work,Network,Get IT help

            """)
        let ingested = try makeWarehouse()
        _ = try ingested.ingest([csv], options: IngestOptions(sources: SourceOptions(source: .jira)))
        let columns = "ticket_id, created_at, day, queue, priority, priority_raw, subject, tags, updated_at, ticket_type"
        let fromExport = try ingested.db.query("SELECT \(columns) FROM tickets").map(\.values)
        let fromPull = try warehouse.db.query("SELECT \(columns) FROM tickets WHERE ticket_id = 'HELP-2'").map(\.values)
        #expect(fromExport == fromPull, "\(fromExport) \(fromPull)")

        let mark = try #require(try warehouse.db.scalar("SELECT cursor FROM source_cursors")?.string)
        #expect(mark == ReplayDesk.iso(desk.changed(since: 0).last!.updated))
        desk.add(231)
        desk.update(1, priority: 4)
        let markEpoch = ReplayDesk.epoch(mark)!
        let again = desk.changed(since: markEpoch - 86_400).filter { $0.id <= 230 && $0.id != 1 }.count
        let second = try fixture.pull()
        #expect(second.status == 0, "\(second.stderr)")
        let from = ReplayDesk.iso(markEpoch - 86_400).replacingOccurrences(of: "-", with: "/").replacingOccurrences(of: "T", with: " ")
        #expect(server.requests.filter { $0.route == "/rest/api/3/search/jql" }.dropFirst(3).first?.query["jql"]?
                .contains("updated >= \"\(from.prefix(16))\"") == true, "asks from the stored mark minus a day")
        #expect(second.stdout.contains("1 new, 1 updated, \(again) unchanged"), "\(second.stdout)")
        #expect(try warehouse.count("tickets") == 231)
        #expect(try warehouse.db.scalar("SELECT priority FROM tickets WHERE ticket_id = 'HELP-1'")?.string == "urgent")
        try fixture.expectNoSecret([first, second])
    }

    @Test func aPullKilledBetweenPagesResumesFromItsMarkWithEveryTicketOnce() throws {
        let hanging = HangSwitch()
        let desk = ReplayDesk(count: 230)
        let server = try TestHTTPServer(responder: Self.responder(desk, hanging: hanging))
        defer { server.stop() }
        let fixture = try PullFixture([("jsm", "jira", server.url(""), "jql = \"project = HELP\"")])
        try fixture.pullKilled(at: { $0.query["nextPageToken"] == "page100" }, on: server)
        #expect(try fixture.open().count("tickets") == 100)
        hanging.isOn = false
        #expect(try fixture.pull().status == 0)
        let once = try PullFixture([("jsm", "jira", server.url(""), "jql = \"project = HELP\"")])
        #expect(try once.pull().status == 0)
        #expect(try fixture.tickets() == once.tickets() && once.tickets().count == 230)
    }

    /// On a terminal, a pull shows how far it has got; `script` gives the binary a pseudo-terminal.
    @Test func aPullOnATerminalShowsPagesTicketsAndTheDateReached() throws {
        let desk = ReplayDesk(count: 230)
        let server = try TestHTTPServer(responder: Self.responder(desk))
        defer { server.stop() }
        let fixture = try PullFixture([("jsm", "jira", server.url(""), "jql = \"project = HELP\"")])
        let command = ([Binary.path, "pull", "--db", fixture.db, "--config", fixture.config]).map { "'\($0)'" }.joined(separator: " ")
        let onTerminal = try Binary.run(executable: "/usr/bin/script", ["-qec", command, "/dev/null"])
        #expect(onTerminal.status == 0, "\(onTerminal.stdout)")
        #expect(onTerminal.stdout.contains("jsm: 1 page, 100 tickets reached 2025-03-0"), "\(onTerminal.stdout)")
        let piped = try fixture.pull()
        #expect(!piped.stderr.contains("page"), "silent when standard error is not a terminal: \(piped.stderr)")
    }
}
