import Foundation

/// Freshdesk's ticket list: `GET /api/v2/tickets?updated_since=ISO&order_by=updated_at&order_type=asc&per_page=100
/// &page=N`, a JSON array. While a page is full (or has a `Link: rel="next"`), the next request is keyed by time:
/// `updated_since` = the page's last `updated_at`, page 1. Paging by number over a live list skips a ticket when
/// one already read is updated meanwhile (it moves to the end and the rest shift back by one); keyed requests
/// cannot. Only while a whole page shares one update time does the page number step (the list stops at page 300).
/// The mark is the greatest `updated_at` stored; being inclusive, the tickets at that instant come again and
/// count as duplicates. Queues are named
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
        var page = APIPage(markedByTime: tickets, noun: "a ticket", after: mark,
                           read: FreshdeskReader(groups: groups).ticket(from:))
        // More to come when the page is full or links to a next one; the next request is keyed by time, not by
        // page number, so a ticket updated meanwhile (it moves to the end) shifts nothing past what was read.
        guard tickets.count >= Self.perPage || PullText.nextLink(response.headers) != nil else { return page }
        let times = page.records.compactMap { record -> String? in
            if case let .ticket(raw, _) = record { return PullText.utc(raw.updatedAt) }
            return nil
        }
        guard let first = times.first, let last = times.last else { return page }
        let since = PullText.parameters(request)["updated_since"].flatMap(PullText.utc)
        let number = Int(PullText.parameters(request)["page"] ?? "") ?? 1
        if first != last || since != last {
            // The tickets at `last` come again and count as unchanged, never as a second row.
            page.next = list(updatedSince: last, page: 1)
        } else if number < Self.pageCap {
            // A whole page shares one update time, the one asked from: only the page number gets past it.
            page.next = list(updatedSince: last, page: number + 1)
        } else {
            throw PageProblem(description: "more than \(Self.pageCap * Self.perPage) tickets share the update time "
                              + "\(last), and Freshdesk's list stops at page \(Self.pageCap)")
        }
        return page
    }
}
