import Foundation
import Testing
@testable import TicketWatchCore

/// Paging rules that a replay of a few pages does not reach: Freshdesk's page cap, and links to other hosts.
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
        let fromEarlier = try api.read(HTTPResponse(status: 200, body: body), request: Self.freshdeskList + "1", mark: nil)
        #expect(fromEarlier.next == from + "1", "first from the tied time itself")
        let tiedPage = try api.read(HTTPResponse(status: 200, body: body), request: from + "4", mark: nil)
        #expect(tiedPage.next == from + "5")
        #expect(throws: PageProblem.self) {
            try api.read(HTTPResponse(status: 200, body: body), request: from + "300", mark: nil)
        }
    }
}
