import CCurl
import Foundation

/// Posts JSON to webhook URLs and fetches helpdesk pages through one libcurl easy handle (reused, so retries,
/// split posts and the next page from the same host can keep their connection).
///
/// Every request is bounded (`connectTimeout`, `timeout`), follows no redirect, and may use only the protocol its
/// `EndpointURL` was checked for: https, or http to a loopback host. Certificates are always verified. Not
/// `Sendable`: one client per destination, on one thread.
public final class HTTPClient {
    /// How much of an answer's body is kept by default: enough for any receiver's error text.
    public static let maxResponseBytes = 16 * 1024
    /// Names the tool and its version to receivers and helpdesks (their logs, their rate-limit support).
    public static let userAgent = "ticketwatch/\(TicketWatchVersion.current)"

    /// Seconds a whole request may take, from connecting to the last byte of the answer.
    public let timeout: Double
    /// Seconds connecting (TCP and TLS) may take; never more than `timeout`.
    public let connectTimeout: Double
    /// Test seam only: `CURLOPT_CONNECT_TO` entries ("HOST:PORT:127.0.0.1:PORT") that send a request for a
    /// non-loopback name to a loopback receiver without asking DNS, so tests can prove that such a request
    /// speaks TLS while sending nothing off this machine. Entries whose target is not loopback are refused.
    var connectTo: [String] = []

    private let handle: EasyHandle

    public init(timeout: Double = 10, connectTimeout: Double = 10) throws {
        self.timeout = timeout
        self.connectTimeout = min(connectTimeout, timeout)
        self.handle = try EasyHandle()
    }

    /// POSTs `body` to `url` with `headers` ("Content-Type: application/json" and an empty "Expect:" are added).
    public func post(_ url: EndpointURL, body: [UInt8],
                     headers: [(name: String, value: String)] = []) throws -> HTTPResponse {
        try send(HTTPRequest(method: .post, url: url, headers: headers, body: body))
    }

    /// Sends one request. A POST carries JSON ("Content-Type: application/json" and an empty "Expect:" are
    /// added); a GET asks for compressed answers, which libcurl decodes.
    ///
    /// Returns the answer whatever its status; throws `HTTPError` when there was none (timeout, DNS, connect,
    /// TLS). Error messages have the URL's path and query redacted.
    public func send(_ request: HTTPRequest) throws -> HTTPResponse {
        let url = request.url
        let parsed: CurlURL
        do {
            parsed = try CurlURL(url.secretText)
        } catch {
            throw HTTPError.refused(error)
        }
        for entry in connectTo {
            let target = entry.split(separator: ":", omittingEmptySubsequences: false).dropFirst(2).first.map(String.init) ?? ""
            guard EndpointURL.isLoopback(host: target) else {
                throw HTTPError.refused(.malformed(reason: "connect-to target \(target) is not a loopback address"))
            }
        }

        try handle.setURL(parsed)
        // Belt and braces: even if a URL slipped past EndpointURL, libcurl itself allows only this scheme.
        try handle.set(CURLOPT_PROTOCOLS_STR, url.scheme)
        try handle.set(CURLOPT_REDIR_PROTOCOLS_STR, "https")
        try handle.set(CURLOPT_FOLLOWLOCATION, 0)
        try handle.set(CURLOPT_NOSIGNAL, 1)
        try handle.set(CURLOPT_VERBOSE, 0)  // verbose output would print the URL
        try handle.set(CURLOPT_SSL_VERIFYPEER, 1)
        try handle.set(CURLOPT_SSL_VERIFYHOST, 2)
        try handle.set(CURLOPT_TIMEOUT_MS, Int((timeout * 1000).rounded(.up)))
        try handle.set(CURLOPT_CONNECTTIMEOUT_MS, Int((connectTimeout * 1000).rounded(.up)))
        try handle.set(CURLOPT_USERAGENT, HTTPClient.userAgent)
        // A proxy from the environment must not see requests meant for this machine; other hosts keep the
        // environment's proxy settings (https through a proxy is still end-to-end TLS).
        try handle.set(CURLOPT_NOPROXY, url.isLoopback || !connectTo.isEmpty ? "*" : nil)
        try handle.setConnectTo(connectTo)
        let extra = request.headers.map { "\($0.name): \($0.value)" }
        switch request.method {
        case .post:
            try handle.set(CURLOPT_ACCEPT_ENCODING, nil)
            try handle.setHeaders(["Content-Type: application/json", "Expect:"] + extra)
            try handle.setBody(request.body)
        case .get:
            try handle.set(CURLOPT_HTTPGET, 1)
            try handle.set(CURLOPT_ACCEPT_ENCODING, "")  // every encoding libcurl can decode
            try handle.setHeaders(extra)
        }
        let sink = ResponseSink(maxBodyBytes: request.maxResponseBytes)
        try handle.setSink(sink)

        let (code, rawMessage) = withExtendedLifetime(sink) { handle.perform() }
        let message = url.redact(rawMessage)
        switch code {
        case CURLE_OK:
            let start = sink.body.prefix(HTTPClient.maxResponseBytes)
            return HTTPResponse(status: handle.long(CURLINFO_RESPONSE_CODE), headers: sink.headers,
                                body: url.redact(String(decoding: start, as: UTF8.self)), bytes: sink.body)
        case CURLE_OPERATION_TIMEDOUT:
            throw HTTPError.timedOut(seconds: timeout, message: message)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            throw HTTPError.couldNotResolve(message: message)
        case CURLE_COULDNT_CONNECT:
            throw HTTPError.couldNotConnect(message: message)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
             CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CRL_BADFILE, CURLE_USE_SSL_FAILED:
            throw HTTPError.tls(message: message)
        default:
            throw HTTPError.failed(code: Int(code.rawValue), message: message)
        }
    }
}

@available(*, unavailable, message: "owns a libcurl easy handle; use one client per thread")
extension HTTPClient: Sendable {}
