import Foundation

/// Freshdesk's ticket list: `GET /api/v2/tickets?updated_since=ISO&order_by=updated_at&order_type=asc&per_page=100
/// &page=N`, a JSON array. The next page while a page is full (or its `Link: rel="next"`); the list stops at page
/// 300, so from there it starts again from the last `updated_at` seen. The mark is the greatest `updated_at`
/// stored; being inclusive, the tickets at that instant come again and count as duplicates. Queues are named
/// from `GET /api/v2/groups`. Tickets read as `ingest` reads a Freshdesk export (`FreshdeskReader`).
struct FreshdeskAPI: HelpdeskAPI {
    static let perPage = 100
    static let pageCap = 300

    let base: String
    var groups = GroupNames()
    var helpdesk: TicketSource { .freshdesk }

    init(base: String) {
        self.base = base
    }

    mutating func prepare(_ fetcher: PageFetcher) throws {
        var next: String? = "\(base)/api/v2/groups?per_page=\(Self.perPage)&page=1"
        while let url = next {
            let response = try fetcher.get(url)
            guard let list = try PullText.json(response) as? [Any] else {
                throw PageProblem(description: "the groups list is not a JSON array")
            }
            groups.add(listed: list)
            next = PullText.nextLink(response.headers)
        }
    }

    func firstRequest(mark: PullMark?, since: Date) -> String {
        list(since: PullText.start(mark: mark, since: since, overlap: 0), page: 1)
    }

    private func list(since: Date, page: Int) -> String {
        list(updatedSince: PullText.format(since, "yyyy-MM-dd'T'HH:mm:ss'Z'"), page: page)
    }

    private func list(updatedSince: String, page: Int) -> String {
        "\(base)/api/v2/tickets?updated_since=\(PullText.encode(updatedSince))&order_by=updated_at&order_type=asc"
            + "&per_page=\(Self.perPage)&page=\(page)"
    }

    func read(_ response: HTTPResponse, request: String, mark: PullMark?) throws -> APIPage {
        guard let tickets = try PullText.json(response) as? [Any] else {
            throw PageProblem(description: "a ticket list page is not a JSON array")
        }
        var page = APIPage()
        var reached = mark?.reached
        page.records = PullText.records(tickets, noun: "a ticket", reached: &reached,
                                        read: FreshdeskReader(groups: groups).ticket(from:))
        // Ordered by updated_at: the last ticket's is where a list past the page cap goes on from.
        let last = page.records.last.flatMap { record -> String? in
            if case let .ticket(raw, _) = record { return PullText.utc(raw.updatedAt) }
            return nil
        }
        if let reached { page.mark = PullMark(cursor: reached, reached: reached) }
        let number = Int(PullText.parameters(request)["page"] ?? "") ?? 1
        let full = tickets.count >= Self.perPage
        if number >= Self.pageCap, full, let last {
            page.next = list(updatedSince: last, page: 1)
        } else if let link = PullText.nextLink(response.headers) {
            page.next = link
        } else if full {
            let since = PullText.parameters(request)["updated_since"] ?? ""
            page.next = list(updatedSince: since, page: number + 1)
        }
        return page
    }
}
