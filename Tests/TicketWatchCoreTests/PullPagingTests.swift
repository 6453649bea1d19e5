import Foundation
import Testing
@testable import TicketWatchCore

/// Paging rules that a replay of a few pages does not reach: Freshdesk's page cap, and links to other hosts.
@Suite struct PullPagingTests {
    @Test func freshdeskStartsAgainFromTheLastUpdateTimeAtItsPageCap() throws {
        let desk = ReplayDesk(count: 100)
        let body = Replay.json(desk.changed(since: 0).map(PullFreshdeskTests.json))
        let api = FreshdeskAPI(base: "https://acme.freshdesk.com")
        let request = "https://acme.freshdesk.com/api/v2/tickets?updated_since=2025-03-01T00%3A00%3A00Z"
            + "&order_by=updated_at&order_type=asc&per_page=100&page="
        let page = try api.read(HTTPResponse(status: 200, body: body), request: request + "300", mark: nil)
        let last = ReplayDesk.iso(desk.changed(since: 0).last!.updated)
        #expect(page.next.map(PullText.parameters)?["updated_since"] == last)
        #expect(page.next.map(PullText.parameters)?["page"] == "1")
        #expect(try api.read(HTTPResponse(status: 200, body: body), request: request + "7", mark: nil).next?.hasSuffix("page=8") == true)
        #expect(page.records.count == 100 && page.mark?.cursor == last)
    }

    @Test func aNextPageLinkToAnotherHostIsNotFollowed() throws {
        let server = try TestHTTPServer { request, _ in
            if request.route == "/api/v2/groups" { return .status(200, body: "[]") }
            // "localhost" reaches the same receiver, but it is not the configured host: the credential stays home.
            return .status(200, headers: [("Link", "<http://localhost:\(request.headers["host"]!.split(separator: ":").last!)/steal>; rel=\"next\"")],
                           body: "[]")
        }
        defer { server.stop() }
        let fixture = try PullFixture([("desk", "freshdesk", server.url(""), "")])
        let result = try fixture.pull()
        #expect(result.status == 1)
        #expect(result.stderr.contains("points to another host; not followed"), "\(result.stderr)")
        #expect(!server.requests.contains { $0.route == "/steal" })
    }
}
