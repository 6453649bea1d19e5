import Foundation
import Testing
@testable import TicketWatchCore

/// Paging rules that a replay of a few pages does not reach: Freshdesk's page cap, links to other hosts, a helpdesk
/// that repeats its page, a ticket dated in the future.
@Suite struct PullPagingTests {
    static let freshdeskList = "https://acme.freshdesk.com/api/v2/tickets?updated_since=2025-03-01T00%3A00%3A00Z"
        + "&order_by=updated_at&order_type=asc&per_page=100&page="

    @Test func freshdeskGoesOnFromTheLastUpdateTimeOfEachPage() throws {
        let desk = ReplayDesk(count: 100)
        let body = Replay.json(desk.changed(since: 0).map(PullFreshdeskTests.json))
        let api = FreshdeskAPI(base: "https://acme.freshdesk.com")
        let request = Self.freshdeskList
        let page = try api.read(HTTPResponse(status: 200, body: body), request: request + "300", mark: nil)
        let last = ReplayDesk.iso(desk.changed(since: 0).last!.updated)
        #expect(page.next.map(PullText.parameters)?["updated_since"] == last)
        #expect(page.next.map(PullText.parameters)?["page"] == "1")
        let seventh = try api.read(HTTPResponse(status: 200, body: body), request: request + "7", mark: nil).next
        #expect(seventh.map(PullText.parameters)?["updated_since"] == last && seventh?.hasSuffix("page=1") == true)
        #expect(page.records.count == 100 && page.mark?.cursor == last)
    }

    @Test func aNextPageLinkToAnotherHostIsNotFollowed() throws {
        let server = try TestHTTPServer { request, _ in
            // "localhost" reaches the same receiver, but it is not the configured host: the credential stays home.
            .status(200, headers: [("Link", "<http://localhost:\(request.headers["host"]!.split(separator: ":").last!)/steal>; rel=\"next\"")],
                    body: #"{"result":[]}"#)
        }
        defer { server.stop() }
        let fixture = try PullFixture([("itsm", "servicenow", server.url(""), "")])
        let result = try fixture.pull()
        #expect(result.status == 1)
        #expect(result.stderr.contains("points to another host; not followed"), "\(result.stderr)")
        #expect(!server.requests.contains { $0.route == "/steal" })
    }

    /// Only a whole page sharing the update time asked from steps the page number; at Freshdesk's page cap
    /// there is no way on, and the pull says so instead of asking page 1 again.
    @Test func freshdeskStepsThePageNumberOnlyWhileAWholePageSharesOneUpdateTime() throws {
        let tied = (1...100).map { n -> [String: Any] in
            ["id": n, "created_at": "2025-03-01T09:00:00Z", "updated_at": "2025-03-01T10:00:00Z", "priority": 1]
        }
        let body = Replay.json(tied)
        let api = FreshdeskAPI(base: "https://acme.freshdesk.com")
        let from = "https://acme.freshdesk.com/api/v2/tickets?updated_since=2025-03-01T10%3A00%3A00Z"
            + "&order_by=updated_at&order_type=asc&per_page=100&page="
        let fromEarlier = try api.read(HTTPResponse(status: 200, body: body), request: Self.freshdeskList + "1",
                                       mark: nil)
        #expect(fromEarlier.next == from + "1", "first from the tied time itself")
        let tiedPage = try api.read(HTTPResponse(status: 200, body: body), request: from + "4", mark: nil)
        #expect(tiedPage.next == from + "5")
        #expect(throws: PageProblem.self) {
            try api.read(HTTPResponse(status: 200, body: body), request: from + "300", mark: nil)
        }
    }

    /// A Zendesk export that answers its cursor with the same cursor, not at the end: without a check the pull
    /// would ask forever (this replay ends the stream after five repeats, so a pull that follows them succeeds).
    @Test func aHelpdeskRepeatingItsCursorStopsThatSourceWithAClearError() throws {
        let helpdesk = PullZendeskTests.responder()
        let server = try TestHTTPServer { request, earlier in
            guard request.query["cursor"] == "c1" else { return helpdesk(request, earlier) }
            return .status(200, body: Replay.json(["tickets": [Replay.zendeskTicket(4, day: 2)], "after_cursor": "c1",
                                                   "end_of_stream": earlier >= 5]))
        }
        defer { server.stop() }
        let fixture = try PullFixture([("support", "zendesk", server.url(""), "")])
        let result = try fixture.pull()
        #expect(result.status == 1)
        #expect(result.stderr.contains("source 'support': the helpdesk repeated its page (after page 2"),
                "\(result.stderr)")
        #expect(server.requests.filter { $0.query["cursor"] == "c1" }.count == 1)
        #expect(try fixture.open().count("tickets") == 4, "the pages before are kept")
        let outcome = try fixture.open().db.query("SELECT last_outcome, last_error FROM source_cursors").first
        #expect(outcome?[0].string == "failed" && outcome?[1].string?.contains("repeated its page") == true)
    }

    /// One ticket updated in 2099 is stored, but the mark stops at the helpdesk's `Date` plus five minutes, so the
    /// next pull asks from there and gets what changed since (not from 2099, getting nothing, silently).
    @Test func aTicketDatedInTheFutureDoesNotTakeTheMarkThere() throws {
        let desk = ReplayDesk(count: 150)
        desk.touch(7, at: ReplayDesk.epoch("2099-01-01T00:00:00Z")!)
        let helpdesk = PullFreshdeskTests.responder(desk)
        let server = try TestHTTPServer { request, earlier in
            guard case let .status(code, headers, body) = helpdesk(request, earlier) else { return .status(500) }
            return .status(code, headers: headers + [("Date", "Sun, 02 Mar 2025 12:00:00 GMT")], body: body)
        }
        defer { server.stop() }
        let fixture = try PullFixture([("desk", "freshdesk", server.url(""), "")])
        #expect(try fixture.pull().status == 0)
        let warehouse = try fixture.open()
        #expect(try warehouse.db.scalar("SELECT updated_at FROM tickets WHERE ticket_id = '7'")?.string
                == "2099-01-01T00:00:00Z", "the ticket itself is stored")
        let mark = try warehouse.db.query("SELECT cursor, reached FROM source_cursors").first
        #expect(mark?[0].string == "2025-03-02T12:05:00Z" && mark?[1].string == "2025-03-02T12:05:00Z")

        desk.add(151)
        desk.touch(151, at: ReplayDesk.epoch("2025-03-02T12:30:00Z")!)
        let second = try fixture.pull()
        #expect(second.status == 0, "\(second.stderr)")
        #expect(server.requests.last?.query["updated_since"] == "2025-03-02T12:05:00Z")
        #expect(second.stdout.contains("1 new"), "\(second.stdout)")
        #expect(try warehouse.count("tickets") == 151)
    }
}
