import Foundation

/// Zendesk's cursor-based incremental ticket export: `GET /api/v2/incremental/tickets/cursor.json?start_time=UNIX`,
/// then `?cursor=after_cursor` until `end_of_stream`; the next pull starts from the last `after_cursor`. Zendesk
/// allows 10 such requests a minute: its 429s say how long to wait, and the transport waits that long. Queues are
/// named from `GET /api/v2/groups.json`. Tickets read as `ingest` reads a Zendesk export (`ZendeskReader`).
struct ZendeskAPI: HelpdeskAPI {
    let base: String
    var groups = GroupNames()
    var helpdesk: TicketSource { .zendesk }

    init(base: String) {
        self.base = base
    }

    mutating func prepare(_ fetcher: PageFetcher) throws {
        var next: String? = "\(base)/api/v2/groups.json"
        while let url = next {
            let page = try PullText.json(fetcher.get(url)) as? [String: Any]
            guard let list = page?["groups"] as? [Any] else {
                throw PageProblem(description: #"the groups list is not {"groups":[…]}"#)
            }
            groups.add(listed: list)
            next = page?["next_page"] as? String
        }
    }

    func firstRequest(mark: PullMark?, since: Date) -> String {
        let path = "\(base)/api/v2/incremental/tickets/cursor.json"
        // The stored cursor, unless --since asks for older ground than it has reached.
        if let mark, since >= (mark.reached.flatMap(PullText.date) ?? .distantFuture) {
            return "\(path)?cursor=\(PullText.encode(mark.cursor))"
        }
        return "\(path)?start_time=\(Int(since.timeIntervalSince1970))"
    }

    func read(_ response: HTTPResponse, request: String, mark: PullMark?) throws -> APIPage {
        let object = try PullText.json(response) as? [String: Any] ?? [:]
        guard let tickets = object["tickets"] as? [Any] else {
            throw PageProblem(description: #"an export page is not {"tickets":[…], "after_cursor":…}"#)
        }
        var page = APIPage()
        // The page's own latest update, not merged with the mark's: a cursor is a position, and a widened pull
        // (--since) must not store its earlier positions over the stored one (the Puller keeps the later mark).
        var reached: String?
        page.records = PullText.records(tickets, noun: "a ticket", reached: &reached,
                                        read: ZendeskReader(groups: groups).ticket(from:))
        reached = reached ?? mark?.reached
        if let cursor = object["after_cursor"] as? String, !cursor.isEmpty {
            page.mark = PullMark(cursor: cursor, reached: reached)
            if object["end_of_stream"] as? Bool != true {
                page.next = "\(base)/api/v2/incremental/tickets/cursor.json?cursor=\(PullText.encode(cursor))"
            }
        } else if object["end_of_stream"] as? Bool != true {
            throw PageProblem(description: "an export page has no after_cursor and is not the end of the stream")
        }
        return page
    }
}
