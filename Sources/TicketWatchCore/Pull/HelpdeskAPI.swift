import Foundation

/// One helpdesk's API as `pull` speaks it. Adding a kind is one file here implementing this protocol, a case in
/// `PullKind` and in `HelpdeskAPIs.make`; paging, retries, credentials, cursors and loading are the `Puller`'s.
protocol HelpdeskAPI {
    /// Which export reader's mapping the tickets get, as `ingest_files.helpdesk` records it.
    var helpdesk: TicketSource { get }
    /// Reads what the pages need before the first one: group names, Jira's request-type field.
    mutating func prepare(_ fetcher: PageFetcher) throws
    /// The first request of a pull: from the stored mark when there is one and `since` is not earlier, else from
    /// `since` (the source's `start` on a first pull, or `--since`).
    func firstRequest(mark: PullMark?, since: Date) -> String
    /// Reads one answer: its tickets as the export reader maps them, the mark after it, and the next request
    /// (nil: the pull has got to the present).
    func read(_ response: HTTPResponse, request: String, mark: PullMark?) throws -> APIPage
}

/// Where a source's pulls have got: the next pull (or a killed one, rerun) starts from here.
struct PullMark: Equatable {
    /// Zendesk: the export's `after_cursor`; the others: the greatest update time stored (UTC, ISO 8601).
    var cursor: String
    /// The greatest update time stored (UTC, ISO 8601), for `status` and to never move a mark back.
    var reached: String?
}

extension PullMark {
    /// How far past the helpdesk's clock a mark may go. A ticket dated later (clock skew, migrated data) is
    /// stored, but a mark there would make every later pull ask from the future and get nothing, silently.
    static let skew: TimeInterval = 300

    /// The latest a mark may be: the helpdesk's `Date` (the local clock when it sent none) plus `skew`.
    static func limit(helpdeskNow: Date?) -> String {
        PullText.format((helpdeskNow ?? Date()).addingTimeInterval(skew), "yyyy-MM-dd'T'HH:mm:ss'Z'")
    }

    /// This mark with its update time no later than `limit`; a cursor that is that time moves with it (Zendesk's
    /// opaque cursor stays).
    func capped(at limit: String) -> PullMark {
        guard let reached, reached > limit else { return self }
        return PullMark(cursor: cursor == reached ? limit : cursor, reached: limit)
    }
}

/// One answer, read.
struct APIPage {
    var records: [PulledPage.Record] = []
    var mark: PullMark?
    var next: String?

    init() {}

    /// A page of a kind whose mark is the greatest update time stored (Freshdesk, Jira, ServiceNow): its items
    /// as records (`PullText.records`), and the mark moved to their latest update, never back from `after`.
    init(markedByTime items: [Any], noun: String, after mark: PullMark?, read: ([String: Any]) -> RawTicket) {
        var reached = mark?.reached
        records = PullText.records(items, noun: noun, reached: &reached, read: read)
        if let reached { self.mark = PullMark(cursor: reached, reached: reached) }
    }
}

/// Why a page could not be read: the helpdesk answered with something else than its API's page.
struct PageProblem: Error, CustomStringConvertible {
    let description: String
}

enum HelpdeskAPIs {
    static func make(_ source: ConfiguredSource) -> any HelpdeskAPI {
        switch source.kind {
        case .zendesk: ZendeskAPI(base: source.url.secretText)
        case .freshdesk: FreshdeskAPI(base: source.url.secretText)
        case .jira:
            JiraAPI(base: source.url.secretText, jql: source.jql ?? "", requestTypeField: source.requestTypeField)
        case .servicenow: ServiceNowAPI(base: source.url.secretText, table: source.table)
        }
    }
}

/// What the kinds share: JSON, dates, marks, query strings.
enum PullText {
    static func json(_ response: HTTPResponse) throws -> Any {
        do {
            return try JSONSerialization.jsonObject(with: Data(response.bytes), options: [.fragmentsAllowed])
        } catch {
            throw PageProblem(description: "the answer is not JSON (\(JSONText.reason(error)))")
        }
    }

    /// A timestamp in any form the loader reads, as UTC ISO 8601 ('Z'), for marks.
    static func utc(_ text: String?) -> String? {
        guard let text else { return nil }
        var parser = TimestampParser(timeZone: TimeZone(identifier: "UTC")!)
        return parser.parse(text)?.utcText
    }

    static func date(_ utcText: String) -> Date? {
        guard let resolved = TimestampParser(timeZone: TimeZone(identifier: "UTC")!).parsed(utcText) else { return nil }
        return Date(timeIntervalSince1970: Double(resolved.epochSeconds))
    }

    /// A page's items as records, each ticket read by `read` (the kind's export mapping), and the greatest
    /// update time among them and `reached`. An item that is not an object is a reject, not a lost ticket.
    static func records(_ items: [Any], noun: String, reached: inout String?,
                        read: ([String: Any]) -> RawTicket) -> [PulledPage.Record] {
        items.map { item in
            guard let object = item as? [String: Any] else {
                return .malformed(reason: "not a JSON object (\(noun) is {…})", raw: nil)
            }
            let raw = read(object)
            reached = later(reached, utc(raw.updatedAt))
            return .ticket(raw, raw: JSONText.compact(object))
        }
    }

    /// The later of two marks' times (ISO 8601 UTC compares as text).
    static func later(_ a: String?, _ b: String?) -> String? {
        guard let a else { return b }
        guard let b else { return a }
        return max(a, b)
    }

    /// `date` formatted in UTC with `pattern` (Jira's `yyyy/MM/dd HH:mm`, ServiceNow's `yyyy-MM-dd HH:mm:ss`).
    static func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }

    /// Where a pull starts: the stored mark, minus `overlap` (inclusive marks, minute-precision queries),
    /// unless `since` is earlier.
    static func start(mark: PullMark?, since: Date, overlap: TimeInterval) -> Date {
        guard let cursor = mark?.cursor, let stored = date(cursor) else { return since }
        return min(since, stored.addingTimeInterval(-overlap))
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        .union(CharacterSet(charactersIn: "0123456789-._~"))

    /// Percent-encodes a query value (everything but unreserved characters).
    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    /// A query's parameters (decoded), as a request the `Puller` made carries them.
    static func parameters(_ url: String) -> [String: String] {
        guard let query = url.split(separator: "?", maxSplits: 1).dropFirst().first else { return [:] }
        var out: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            out[name] = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
        }
        return out
    }

    /// The `rel="next"` target of a `Link` header, when the answer has one.
    static func nextLink(_ headers: [String: String]) -> String? {
        guard let link = headers["link"] else { return nil }
        for part in link.split(separator: ",") where part.contains("rel=\"next\"") || part.contains("rel=next") {
            guard let open = part.firstIndex(of: "<"), let close = part.firstIndex(of: ">") else { continue }
            return String(part[part.index(after: open)..<close])
        }
        return nil
    }
}

extension TimestampParser {
    /// Parses without keeping the offset cache (one-off uses).
    func parsed(_ text: String) -> ResolvedTimestamp? {
        var copy = self
        return copy.parse(text)
    }
}
