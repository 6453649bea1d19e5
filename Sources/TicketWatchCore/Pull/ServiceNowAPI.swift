import Foundation

/// ServiceNow's Table API: `GET /api/now/table/{table}?sysparm_query=sys_updated_on>=yyyy-MM-dd HH:mm:ss
/// ^ORDERBYsys_updated_on^ORDERBYsys_id&sysparm_display_value=all&sysparm_limit=1000&sysparm_offset=N`
/// (`{"result":[…]}`). The next page is its `Link: rel="next"` (access rules apply after the limit, so a short
/// page need not be the last), else the next offset while a page is full. `sys_id` breaks ties in the order:
/// records sharing an update time otherwise come in any order on each request, and an offset over them can skip
/// one. Keyed paging as Freshdesk's is not used: the query's date is read in the account's time zone, which the
/// API does not tell. The query's date is read in the account's time zone, so a
/// pull asks from its mark minus one day; what comes again is a duplicate. Records read as `ingest --source
/// servicenow` reads a Table API export (`ServiceNowReader`).
struct ServiceNowAPI: HelpdeskAPI {
    static let limit = 1000
    static let overlap: TimeInterval = 86_400

    let base: String
    let table: String
    var helpdesk: TicketSource { .servicenow }

    init(base: String, table: String) {
        self.base = base
        self.table = table
    }

    mutating func prepare(_ fetcher: PageFetcher) throws {}

    func firstRequest(mark: PullMark?, since: Date) -> String {
        let from = PullText.start(mark: mark, since: since, overlap: Self.overlap)
        let query = "sys_updated_on>=\(PullText.format(from, "yyyy-MM-dd HH:mm:ss"))"
            + "^ORDERBYsys_updated_on^ORDERBYsys_id"
        return list(query: query, offset: 0)
    }

    private func list(query: String, offset: Int) -> String {
        "\(base)/api/now/table/\(table)?sysparm_query=\(PullText.encode(query))&sysparm_display_value=all"
            + "&sysparm_limit=\(Self.limit)&sysparm_offset=\(offset)"
    }

    func read(_ response: HTTPResponse, request: String, mark: PullMark?) throws -> APIPage {
        let object = try PullText.json(response) as? [String: Any] ?? [:]
        guard let records = object["result"] as? [Any] else {
            throw PageProblem(description: #"a table page is not {"result":[…]}"#)
        }
        var page = APIPage(markedByTime: records, noun: "a record", after: mark,
                           read: ServiceNowReader.ticket(from:))
        if let link = PullText.nextLink(response.headers) {
            page.next = link
        } else if records.count >= Self.limit {
            let parameters = PullText.parameters(request)
            let offset = Int(parameters["sysparm_offset"] ?? "") ?? 0
            page.next = list(query: parameters["sysparm_query"] ?? "", offset: offset + Self.limit)
        }
        return page
    }
}
