import Foundation

/// Jira Cloud's enhanced search: `GET /rest/api/3/search/jql?jql=(JQL) AND updated >= "yyyy/MM/dd HH:mm" ORDER BY
/// updated ASC, key ASC&fields=…&maxResults=100`, then `&nextPageToken=…` until `isLast` (the key makes the order
/// total, so issues sharing an update time keep their places from page to page). Jira reads the query's date in
/// the account's time zone at minute precision, so a pull asks from its mark minus one day and what comes again
/// is a duplicate. Fields map as `ingest` maps Jira's CSV export (`JiraIssueReader`): the queue is the request
/// type when the issue has one, else the first component.
struct JiraAPI: HelpdeskAPI {
    static let maxResults = 100
    static let overlap: TimeInterval = 86_400

    let base: String
    let jql: String
    var requestTypeField: String?
    var helpdesk: TicketSource { .jira }

    init(base: String, jql: String, requestTypeField: String?) {
        self.base = base
        self.jql = jql
        self.requestTypeField = requestTypeField
    }

    /// The request type's custom field, when not configured: the field whose `schema.custom` ends in
    /// `:vp-origin` (Jira Service Management's "Customer Request Type"). None found: queues from components.
    mutating func prepare(_ fetcher: PageFetcher) throws {
        guard requestTypeField == nil else { return }
        let fields: [Any]
        do {
            fields = try PullText.json(fetcher.get("\(base)/rest/api/3/field")) as? [Any] ?? []
        } catch let error as PullError {
            // A refused credential stops the pull; a field list it may not read only costs the request types.
            if case .unauthorized = error { throw error }
            return
        }
        for case let field as [String: Any] in fields {
            let custom = (field["schema"] as? [String: Any])?["custom"] as? String ?? ""
            if custom.hasSuffix(":vp-origin"), let id = field["id"] as? String {
                requestTypeField = id
                return
            }
        }
    }

    func firstRequest(mark: PullMark?, since: Date) -> String {
        let from = PullText.start(mark: mark, since: since, overlap: Self.overlap)
        return search(from: PullText.format(from, "yyyy/MM/dd HH:mm"), token: nil)
    }

    private func search(from: String, token: String?) -> String {
        let query = "(\(jql)) AND updated >= \"\(from)\" ORDER BY updated ASC, key ASC"
        let fields = ["summary", "created", "updated", "priority", "labels", "components", "issuetype"]
            + (requestTypeField.map { [$0] } ?? [])
        var url = "\(base)/rest/api/3/search/jql?jql=\(PullText.encode(query))"
            + "&fields=\(PullText.encode(fields.joined(separator: ",")))&maxResults=\(Self.maxResults)"
        if let token { url += "&nextPageToken=\(PullText.encode(token))" }
        return url
    }

    func read(_ response: HTTPResponse, request: String, mark: PullMark?) throws -> APIPage {
        let object = try PullText.json(response) as? [String: Any] ?? [:]
        guard let issues = object["issues"] as? [Any] else {
            throw PageProblem(description: #"a search page is not {"issues":[…]}"#)
        }
        var page = APIPage(markedByTime: issues, noun: "an issue", after: mark,
                           read: JiraIssueReader(requestTypeField: requestTypeField).ticket(from:))
        if object["isLast"] as? Bool != true, let token = object["nextPageToken"] as? String, !token.isEmpty {
            let from = PullText.parameters(request)["jql"].flatMap(Self.fromDate) ?? ""
            page.next = search(from: from, token: token)
        }
        return page
    }

    /// The date a request's JQL asks from.
    private static func fromDate(_ query: String) -> String? {
        guard let start = query.range(of: "updated >= \"") else { return nil }
        let rest = query[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}

/// Reads one issue of Jira's REST API into a `RawTicket`, field for field as `HelpdeskLoader` reads Jira's CSV
/// export: Issue key, Created, Updated, Priority, Summary, Issue Type, the queue (Request Type, else the first
/// Component), Labels as tags.
struct JiraIssueReader {
    let requestTypeField: String?

    func ticket(from issue: [String: Any]) -> RawTicket {
        let fields = issue["fields"] as? [String: Any] ?? [:]
        func name(_ value: Any?) -> String? { (value as? [String: Any]).flatMap { JSONText.scalar($0["name"]) } }
        var raw = RawTicket()
        raw.ticketID = JSONText.scalar(issue["key"])
        raw.createdAt = JSONText.scalar(fields["created"])
        raw.updatedAt = JSONText.scalar(fields["updated"])
        raw.priority = name(fields["priority"])
        raw.subject = JSONText.scalar(fields["summary"])
        raw.ticketType = name(fields["issuetype"]).flatMap { $0.isEmpty ? nil : $0 }
        let requestType = requestTypeField
            .flatMap { fields[$0] as? [String: Any] }
            .flatMap { name($0["requestType"]) }
        let component = (fields["components"] as? [Any])?.lazy.compactMap(name).first { !$0.trimmedWhitespace.isEmpty }
        raw.queue = [requestType, component].compactMap { $0 }.first { !$0.trimmedWhitespace.isEmpty }
        raw.tags = (fields["labels"] as? [Any] ?? []).compactMap { JSONText.scalar($0)?.trimmedWhitespace }
            .filter { !$0.isEmpty }
        return raw
    }
}
