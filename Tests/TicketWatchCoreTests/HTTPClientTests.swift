import Foundation
import Testing
@testable import TicketWatchCore

/// The libcurl client against a real receiver on 127.0.0.1: what it sends, how it reads answers, and the rules it
/// enforces (timeouts, no redirects, TLS except to loopback, no URL in any message).
@Suite struct HTTPClientTests {
    @Test func postsTheExactJSONBytesAndReadsTheAnswer() throws {
        let server = try TestHTTPServer { _, _ in .status(200, body: "ok") }
        defer { server.stop() }
        let body = Array(#"{"alerts":[],"note":"é ✓"}"#.utf8)
        let response = try HTTPClient(timeout: 5).post(
            EndpointURL(server.url("/hook/T1")), body: body, headers: [(name: "webhook-id", value: "msg_1")])
        #expect(response.status == 200)
        #expect(response.body == "ok")
        let request = try #require(server.requests.first)
        #expect(request.method == "POST" && request.path == "/hook/T1")
        #expect(Array(request.body) == body)
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["webhook-id"] == "msg_1")
        #expect(request.headers["expect"] == nil, "no 100-continue round trip")
    }

    @Test func keepsRetryAfterAndTheReceiversReason() throws {
        let server = try TestHTTPServer { request, _ in
            request.path == "/limited" ? .status(429, headers: [("Retry-After", "1")], body: "rate_limited")
                : .status(410, body: "channel_is_archived")
        }
        defer { server.stop() }
        let client = try HTTPClient(timeout: 5)
        let limited = try client.post(EndpointURL(server.url("/limited")), body: [])
        #expect(limited.status == 429 && limited.headers["retry-after"] == "1", "\(limited) \(server.requests.map(\.path))")
        #expect(RetryPolicy.verdict(for: limited) == .retryAfter(1))
        let gone = try client.post(EndpointURL(server.url("/gone")), body: [])
        #expect(gone.status == 410 && gone.body == "channel_is_archived")
        #expect(RetryPolicy.verdict(for: gone) == .permanent)
        #expect(Notifier.describe(gone) == "HTTP 410: channel_is_archived")
    }

    @Test func aReceiverThatNeverAnswersTimesOut() throws {
        let server = try TestHTTPServer { _, _ in .hang }
        defer { server.stop() }
        let started = Date()
        #expect {
            _ = try HTTPClient(timeout: 0.5).post(EndpointURL(server.url("/hang")), body: [])
        } throws: { error in
            guard case .timedOut = error as? HTTPError else { return false }
            return (error as? HTTPError)?.isTransient == true
        }
        #expect(Date().timeIntervalSince(started) < 3)
    }

    @Test func redirectsAreNotFollowed() throws {
        let server = try TestHTTPServer { request, _ in
            request.path == "/moved" ? .status(307, headers: [("Location", "/elsewhere")]) : .status(200, body: "ok")
        }
        defer { server.stop() }
        let response = try HTTPClient(timeout: 5).post(EndpointURL(server.url("/moved")), body: [])
        #expect(response.status == 307)
        #expect(server.requests.map(\.path) == ["/moved"])
        #expect(RetryPolicy.verdict(for: response) == .permanent)
    }

    @Test func plainHTTPIsRefusedExceptToLoopback() throws {
        #expect(throws: URLRefusal.plainHTTP(host: "example.com")) { try EndpointURL("http://example.com/services/T0/B0/SECRET") }
        #expect(throws: URLRefusal.plainHTTP(host: "127.0.0.1.example.com")) { try EndpointURL("http://127.0.0.1.example.com/x") }
        #expect(throws: URLRefusal.unsupportedScheme("ftp")) { try EndpointURL("ftp://127.0.0.1/x") }
        #expect(throws: URLRefusal.self) { try EndpointURL("hooks.slack.com/services/SECRET") }
        #expect(throws: URLRefusal.self) { try EndpointURL("") }
        for loopback in ["http://127.0.0.1:9/x", "http://127.9.8.7/x", "http://[::1]:9/x", "http://localhost:9/x", "HTTP://LOCALHOST/x"] {
            #expect(try EndpointURL(loopback).isLoopback, "\(loopback)")
        }
        let https = try EndpointURL("https://hooks.slack.com/services/T0/B0/SECRET")
        #expect(https.scheme == "https" && https.host == "hooks.slack.com" && !https.isLoopback)

        let message = "\(URLRefusal.plainHTTP(host: "example.com"))"
        #expect(message.contains("plain http:// is refused for example.com") && message.contains("https://"))
        #expect(!message.contains("SECRET"))
    }

    /// No network here, and nothing may leave the machine: CURLOPT_CONNECT_TO sends the request for a public
    /// name to the loopback receiver, which records the first bytes. They are a TLS handshake naming the host
    /// (SNI), not HTTP, and the URL's path never appears in clear.
    @Test func httpsToANonLoopbackHostSpeaksTLS() throws {
        let server = try TestHTTPServer { _, _ in .status(200, body: "ok") }
        defer { server.stop() }
        let client = try HTTPClient(timeout: 5)
        client.connectTo = ["hooks.example.test:443:127.0.0.1:\(server.port)"]
        let url = try EndpointURL("https://hooks.example.test/services/T0/B0/SECRETTOKEN")
        #expect(!url.isLoopback)
        var thrown: HTTPError?
        do {
            _ = try client.post(url, body: Array("{}".utf8))
        } catch let error as HTTPError {
            thrown = error
        }
        guard case .tls = thrown else {
            Issue.record("expected a TLS failure against a plain-HTTP receiver, got \(String(describing: thrown))")
            return
        }
        let first = try #require(server.requests.first)
        #expect(first.method == "(not HTTP)")
        #expect(first.raw.first == 0x16, "a TLS handshake record")
        #expect(first.raw.count > 5 && first.raw[5] == 0x01, "a ClientHello")
        #expect(first.raw.firstRange(of: Array("hooks.example.test".utf8)) != nil, "SNI names the URL's host")
        #expect(first.raw.firstRange(of: Array("SECRETTOKEN".utf8)) == nil)
        #expect(!"\(thrown!)".contains("SECRETTOKEN"))
    }

    @Test func connectToOnlyReachesLoopback() throws {
        let client = try HTTPClient(timeout: 1)
        client.connectTo = ["hooks.example.test:443:192.0.2.1:443"]
        #expect(throws: HTTPError.self) { _ = try client.post(EndpointURL("https://hooks.example.test/x"), body: []) }
    }

    @Test func errorsAndDescriptionsNeverShowTheURL() throws {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        let url = try EndpointURL("http://127.0.0.1:1/services/T0/B0/SECRETTOKEN?key=SECRETQUERY")
        var message = ""
        do {
            _ = try HTTPClient(timeout: 2).post(url, body: [])
        } catch {
            message = "\(error)"
            guard case .couldNotConnect = error as? HTTPError else {
                Issue.record("expected a connection failure, got \(error)")
                return
            }
        }
        var dumped = ""
        dump(url, to: &dumped)
        for text in [message, "\(url)", String(reflecting: url), dumped] {
            #expect(!text.contains("SECRETTOKEN") && !text.contains("SECRETQUERY"), "\(text)")
        }
        #expect(url.redact("POST http://127.0.0.1:1/services/T0/B0/SECRETTOKEN?key=SECRETQUERY failed") == "POST … failed")
    }
}
