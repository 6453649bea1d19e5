/// A receiver's answer: status, headers, and the body (Slack explains its refusals there: `invalid_payload`,
/// `channel_is_archived`; a helpdesk sends a page of tickets).
public struct HTTPResponse: Sendable, Equatable {
    public let status: Int
    /// Header names lower-cased; a repeated header keeps its last value.
    public let headers: [String: String]
    /// The start of the body (at most `HTTPClient.maxResponseBytes`), decoded as UTF-8 (invalid bytes replaced),
    /// with the request's URL redacted: for messages.
    public let body: String
    /// The body as received, up to the request's `maxResponseBytes`: for readers of pages.
    public let bytes: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: String = "", bytes: [UInt8]? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bytes = bytes ?? Array(body.utf8)
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}
