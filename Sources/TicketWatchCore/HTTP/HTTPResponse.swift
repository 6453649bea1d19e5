/// A receiver's answer: status, the headers the notifier reads, and the start of the body (Slack explains its
/// refusals there: `invalid_payload`, `channel_is_archived`).
public struct HTTPResponse: Sendable, Equatable {
    public let status: Int
    /// Header names lower-cased; a repeated header keeps its last value.
    public let headers: [String: String]
    /// The first `HTTPClient.maxResponseBytes` of the body, decoded as UTF-8 (invalid bytes replaced).
    public let body: String

    public init(status: Int, headers: [String: String] = [:], body: String = "") {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}
