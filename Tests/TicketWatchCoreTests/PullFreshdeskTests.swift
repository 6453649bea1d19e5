import Foundation
import Testing
@testable import TicketWatchCore

/// `ticketwatch pull` from a Freshdesk replay server: the ticket list ordered by `updated_at`, paged by time (the
/// next request from the page's last `updated_at`) while a page is full or has a `Link: rel="next"`, and a second
/// pull from the greatest `updated_at` stored.
@Suite struct PullFreshdeskTests {
    static func json(_ t: ReplayDesk.Ticket) -> [String: Any] {
        ["id": t.id, "created_at": ReplayDesk.iso(t.created), "updated_at": ReplayDesk.iso(t.updated),
         "priority": t.priority, "group_id": t.group, "source": 2, "type": "Refund", "tags": ["refund"],
         "subject": "Ticket \(t.id)", "fr_due_by": "2025-03-09T00:00:00Z", "status": 2]
    }

    /// Pages of 100 in update order from `updated_since`; the second page links to the third (Freshdesk's Link),
    /// the first does not (full, so the next is asked for anyway).
    static func responder(_ desk: ReplayDesk, hanging: HangSwitch? = nil) -> TestHTTPServer.Responder {
        { request, _ in
            if request.route == "/api/v2/groups" {
                return .status(200, body: Replay.json([["id": 5, "name": "Refunds"], ["id": 6, "name": "Orders"]]))
            }
            guard request.route == "/api/v2/tickets", request.query["order_by"] == "updated_at",
                  request.query["order_type"] == "asc", request.query["per_page"] == "100",
                  let since = request.query["updated_since"].flatMap(ReplayDesk.epoch),
                  let page = Int(request.query["page"] ?? "") else { return .status(400, body: "bad request") }
            if since > ReplayDesk.base, let hanging, hanging.isOn { return .hang }
            let all = desk.changed(since: since)
            let slice = Array(all.dropFirst((page - 1) * 100).prefix(100))
            var headers: [(String, String)] = []
            if page == 2, all.count > 200 {
                let next = request.path.replacingOccurrences(of: "page=2", with: "page=3")
                headers.append(("Link", "<http://\(request.headers["host"]!)\(next)>; rel=\"next\""))
            }
            return .status(200, headers: headers, body: Replay.json(slice.map(json)))
        }
    }

    @Test func threePagesThenASecondPullFromTheGreatestUpdateTimeAddsOnlyWhatChanged() throws {
        let desk = ReplayDesk(count: 205)
        let server = try TestHTTPServer(responder: Self.responder(desk))
        defer { server.stop() }
        let fixture = try PullFixture([("desk", "freshdesk", server.url(""), "")])
        let first = try fixture.pull()
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("desk (freshdesk): 3 pages, 205 new"), "\(first.stdout)")
        let lists = server.requests.filter { $0.route == "/api/v2/tickets" }
        // Keyed by time: each next request from the last updated_at of the page before, page 1.
        let order = desk.changed(since: 0).map { ReplayDesk.iso($0.updated) }
        #expect(lists.map { $0.query["page"] ?? "" } == ["1", "1", "1"])
        #expect(lists.map { $0.query["updated_since"] ?? "" } == ["2025-03-01T00:00:00Z", order[99], order[198]],
                "the source's start, then each page's last updated_at")
        let warehouse = try fixture.open()
        #expect(try warehouse.count("tickets") == 205)
        #expect(try warehouse.count("tickets", where: "queue = 'Orders' AND priority = 'medium' AND channel = 'portal'") == 103)
        #expect(try warehouse.count("ingest_files", where: "source = 'pull:desk' AND helpdesk = 'freshdesk'") == 3)
        let mark = try #require(try warehouse.db.scalar("SELECT cursor FROM source_cursors")?.string)
        #expect(mark == ReplayDesk.iso(desk.changed(since: 0).last!.updated), "the greatest updated_at stored")

        desk.add(206)
        desk.update(1, priority: 4)
        let second = try fixture.pull()
        #expect(second.status == 0, "\(second.stderr)")
        #expect(server.requests.last?.query["updated_since"] == mark, "asks from the stored mark")
        // Ticket 205 sits at the mark (inclusive): it comes again and is recognised as unchanged.
        #expect(second.stdout.contains("1 page, 1 new, 1 updated, 1 unchanged"), "\(second.stdout)")
        #expect(try warehouse.count("tickets") == 206)
        #expect(try warehouse.db.scalar("SELECT priority FROM tickets WHERE ticket_id = '1'")?.string == "urgent")
        try fixture.expectNoSecret([first, second])
    }

    @Test func sinceWidensOnePullBackwardsAndNeverMovesTheMarkBack() throws {
        let desk = ReplayDesk(count: 150)
        let server = try TestHTTPServer(responder: Self.responder(desk))
        defer { server.stop() }
        let fixture = try PullFixture([("desk", "freshdesk", server.url(""), "")])
        #expect(try fixture.pull().status == 0)
        let mark = try fixture.open().db.scalar("SELECT cursor FROM source_cursors")?.string
        let widened = try fixture.pull(["--since", "2025-02-20"])
        #expect(widened.status == 0, "\(widened.stderr)")
        let lists = server.requests.filter { $0.route == "/api/v2/tickets" }
        #expect(lists.dropFirst(2).first?.query["updated_since"] == "2025-02-20T00:00:00Z")
        // 150, and the ticket at the end of the first page once more (the next page is asked from its time).
        #expect(widened.stdout.contains("0 new, 0 updated, 151 unchanged"), "\(widened.stdout)")
        #expect(try fixture.open().db.scalar("SELECT cursor FROM source_cursors")?.string == mark)
        #expect(try fixture.pull().status == 0)
        #expect(server.requests.last?.query["updated_since"] == mark, "the next plain pull starts from the mark again")
    }

    @Test func aPullKilledBetweenPagesResumesFromItsMarkWithEveryTicketOnce() throws {
        let hanging = HangSwitch()
        let desk = ReplayDesk(count: 205)
        let server = try TestHTTPServer(responder: Self.responder(desk, hanging: hanging))
        defer { server.stop() }
        let fixture = try PullFixture([("desk", "freshdesk", server.url(""), "")])
        let secondList = { (r: TestHTTPServer.Request) in
            r.route == "/api/v2/tickets" && r.query["updated_since"] != "2025-03-01T00:00:00Z"
        }
        try fixture.pullKilled(at: secondList, on: server)
        #expect(try fixture.open().count("tickets") == 100)
        hanging.isOn = false
        let rerun = try fixture.pull()
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.contains("105 new") && rerun.stdout.contains("2 unchanged"), "\(rerun.stdout)")
        let once = try PullFixture([("desk", "freshdesk", server.url(""), "")])
        #expect(try once.pull().status == 0)
        #expect(try fixture.tickets() == once.tickets())
    }

    /// A live desk: a ticket of page 1 is updated between the page-1 and page-2 requests, so it moves to the end
    /// of the list and the first ticket of what was page 2 shifts onto page 1. Paged by number, that ticket was
    /// never asked for (and the mark passed it); keyed by time, every ticket is stored.
    @Test func aTicketUpdatedBetweenPagesSkipsNoOther() throws {
        let desk = ReplayDesk(count: 205)
        let helpdesk = Self.responder(desk)
        let moving = HangSwitch()
        let server = try TestHTTPServer { request, earlier in
            let reply = helpdesk(request, earlier)
            if request.route == "/api/v2/tickets", moving.isOn {
                moving.isOn = false
                desk.update(5, priority: 4)
            }
            return reply
        }
        defer { server.stop() }
        let fixture = try PullFixture([("desk", "freshdesk", server.url(""), "")])
        let result = try fixture.pull()
        #expect(result.status == 0, "\(result.stderr)")
        let warehouse = try fixture.open()
        #expect(try warehouse.count("tickets") == 205, "\(result.stdout)")
        #expect(try warehouse.db.scalar("SELECT priority FROM tickets WHERE ticket_id = '5'")?.string == "urgent")
    }
}
