/// One request: what the notifier posts and what `pull` fetches go through the same client and transport.
public struct HTTPRequest: Sendable {
    public enum Method: String, Sendable { case get = "GET", post = "POST" }

    public var method: Method
    public var url: EndpointURL
    /// Extra header lines. Values may be secrets (`Authorization`): they are sent, never logged.
    public var headers: [(name: String, value: String)]
    /// The POST body (ignored for GET).
    public var body: [UInt8]
    /// How much of the answer's body is kept: a receiver's error text (the default), or a whole page of tickets.
    public var maxResponseBytes: Int

    public init(method: Method, url: EndpointURL, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
                maxResponseBytes: Int = HTTPClient.maxResponseBytes) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.maxResponseBytes = maxResponseBytes
    }

    public static func get(_ url: EndpointURL, headers: [(name: String, value: String)] = [],
                           maxResponseBytes: Int) -> HTTPRequest {
        HTTPRequest(method: .get, url: url, headers: headers, maxResponseBytes: maxResponseBytes)
    }
}
