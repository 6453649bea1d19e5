import Foundation
import Testing
@testable import TicketWatchCore

/// Rate limits and refused credentials, for every kind of helpdesk: a 429 with `Retry-After: 2` costs one wait and
/// no error; a 401 exits non-zero naming the source and its credential, and stores nothing of it.
@Suite struct PullFailureTests {
    static let kinds: [(kind: String, extra: String, expected: Int)] = [
        ("zendesk", "", 9), ("freshdesk", "", 150), ("jira", "jql = \"project = HELP\"", 150), ("servicenow", "", 150),
    ]

    static func helpdesk(_ kind: String) -> TestHTTPServer.Responder {
        let desk = ReplayDesk(count: 150)
        switch kind {
        case "zendesk": return PullZendeskTests.responder()
        case "freshdesk": return PullFreshdeskTests.responder(desk)
        case "jira": return PullJiraTests.responder(desk)
        default: return PullServiceNowTests.responder(desk)
        }
    }

    @Test(arguments: kinds.map(\.kind))
    func aRateLimitCostsOneWaitAndNoError(kind: String) throws {
        let entry = Self.kinds.first { $0.kind == kind }!
        let limited = HangSwitch()
        let helpdesk = Self.helpdesk(kind)
        let server = try TestHTTPServer { request, earlier in
            if limited.isOn {
                limited.isOn = false
                return .status(429, headers: [("Retry-After", "2")], body: "rate limited")
            }
            return helpdesk(request, earlier)
        }
        defer { server.stop() }
        let fixture = try PullFixture([("desk", kind, server.url(""), entry.extra)])
        let started = Date()
        let result = try fixture.pull()
        let elapsed = Date().timeIntervalSince(started)
        #expect(result.status == 0 && !result.stderr.contains("error"), "\(result.stderr)")
        #expect(elapsed >= 2 && elapsed < 8, "\(elapsed) s")
        #expect(server.requests.filter { $0.path == server.requests[0].path }.count == 2, "the limited request, asked again once")
        #expect(try fixture.open().count("tickets") == entry.expected)
    }

    @Test(arguments: kinds.map(\.kind))
    func aRefusedCredentialExitsNonZeroNamingTheSourceAndStoresNothing(kind: String) throws {
        let entry = Self.kinds.first { $0.kind == kind }!
        let server = try TestHTTPServer { _, _ in .status(401, body: "Unauthorized") }
        defer { server.stop() }
        let fixture = try PullFixture([("desk", kind, server.url(""), entry.extra)])
        let result = try fixture.pull()
        #expect(result.status == 1)
        #expect(result.stderr.contains("source 'desk'") && result.stderr.contains("check its credential"), "\(result.stderr)")
        #expect(server.requests.count == 1, "not retried")
        let warehouse = try fixture.open()
        #expect(try warehouse.count("tickets") == 0 && warehouse.count("ingest_files") == 0)
        #expect(try warehouse.count("source_cursors", where: "cursor IS NOT NULL") == 0)
        try fixture.expectNoSecret([result])
    }
}

extension PullFailureTests {
    /// 5xx answers back off and are retried within --retry-for; past it, the pull stops with the pages before kept
    /// and the next pull goes on from there.
    @Test func serverErrorsAreRetriedWithinRetryForAndAPullThatGivesUpResumesLater() throws {
        let failing = HangSwitch()
        let helpdesk = PullZendeskTests.responder()
        let server = try TestHTTPServer { request, earlier in
            if request.query["cursor"] == "c1", failing.isOn || earlier < 2 { return .status(503, body: "maintenance") }
            return helpdesk(request, earlier)
        }
        defer { server.stop() }
        let fixture = try PullFixture([("support", "zendesk", server.url(""), "")])
        let stopped = try Binary.run(["pull", "--db", fixture.db, "--config", fixture.config, "--retry-for", "0"])
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains("HTTP 503: maintenance; no retry fits in --retry-for 0 s"), "\(stopped.stderr)")
        #expect(try fixture.open().count("tickets") == 3, "the first page is kept")
        failing.isOn = false
        let resumed = try fixture.pull()
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("2 pages, 6 new"), "\(resumed.stdout)")
        #expect(server.requests.filter { $0.query["cursor"] == "c1" }.count == 3, "one refused, one retried, then answered")
        #expect(try fixture.open().count("tickets") == 9)
    }

    /// A failure that is neither the helpdesk's nor the network's (here the warehouse refuses one source's tickets,
    /// as a busy or full disk would) stops that source, records it, and the other sources are still pulled.
    @Test func aWarehouseErrorInOneSourceIsRecordedAndTheOthersArePulled() throws {
        let desk = ReplayDesk(count: 150)
        let jira = PullJiraTests.responder(desk)
        let servicenow = PullServiceNowTests.responder(desk)
        let server = try TestHTTPServer { request, earlier in
            request.route.hasPrefix("/rest/") ? jira(request, earlier) : servicenow(request, earlier)
        }
        defer { server.stop() }
        let fixture = try PullFixture([("jsm", "jira", server.url(""), "jql = \"project = HELP\""),
                                       ("itsm", "servicenow", server.url(""), "")])
        try fixture.open().db.run("""
            CREATE TRIGGER refuse_jira BEFORE INSERT ON tickets WHEN NEW.ticket_id LIKE 'HELP-%'
            BEGIN SELECT RAISE(ABORT, 'test: the warehouse refuses this'); END
            """)
        let result = try fixture.pull()
        #expect(result.status == 1)
        #expect(result.stderr.contains("source 'jsm'") && result.stderr.contains("the warehouse refuses this"),
                "\(result.stderr)")
        let warehouse = try fixture.open()
        #expect(try warehouse.count("tickets", where: "ticket_id LIKE 'INC%'") == 150, "\(result.stdout)")
        #expect(try warehouse.count("tickets", where: "ticket_id LIKE 'HELP-%'") == 0)
        let outcomes = try warehouse.db.query("SELECT source, last_outcome FROM source_cursors ORDER BY source")
            .map { "\($0[0].string ?? "")=\($0[1].string ?? "")" }
        #expect(outcomes == ["itsm=ok", "jsm=failed"])
    }
}
