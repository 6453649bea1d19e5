import Foundation
import Testing
@testable import TicketWatchCore

/// GET with headers and large bodies, and the one retrying transport the notifier and `pull` share, against a
/// real receiver on 127.0.0.1.
@Suite struct HTTPTransportTests {
    @Test func getSendsItsHeadersAndKeepsAWholeLargeBody() throws {
        let page = String(repeating: "x", count: 3 * 1024 * 1024)
        let server = try TestHTTPServer { _, _ in .status(200, body: page) }
        defer { server.stop() }
        let request = HTTPRequest.get(try EndpointURL(server.url("/api/v2/tickets?page=2")),
                                      headers: [(name: "Authorization", value: "Basic dTpw")], maxResponseBytes: 8 << 20)
        let response = try HTTPClient(timeout: 10).send(request)
        #expect(response.status == 200)
        #expect(response.bytes.count == page.utf8.count, "the whole page, not the 16 KiB a webhook answer keeps")
        #expect(response.body.utf8.count == HTTPClient.maxResponseBytes)
        let seen = try #require(server.requests.first)
        #expect(seen.method == "GET" && seen.path == "/api/v2/tickets?page=2")
        #expect(seen.headers["authorization"] == "Basic dTpw")
        #expect(seen.headers["user-agent"] == "ticketwatch/\(TicketWatchVersion.current)")
        #expect(seen.headers["content-type"] == nil)
    }

    @Test func aRateLimitWaitsForItsRetryAfterOnceThenSucceeds() throws {
        let server = try TestHTTPServer { _, earlier in
            earlier == 0 ? .status(429, headers: [("Retry-After", "2")], body: "slow down") : .status(200, body: "[]")
        }
        defer { server.stop() }
        var waits: [Double] = []
        var transport = RetryingTransport(client: try HTTPClient(timeout: 5), policy: RetryPolicy(retryFor: 10),
                                          logger: quietLogger)
        transport.sleep = { waits.append($0) }
        let outcome = try transport.send(.get(try EndpointURL(server.url("/p")), maxResponseBytes: 1024),
                                         deadline: Date().addingTimeInterval(10), describe: Notifier.describe)
        guard case let .answered(response, attempts) = outcome else { Issue.record("\(outcome)"); return }
        #expect(response.status == 200 && attempts == 2)
        #expect(waits == [2])
    }

    @Test func serverErrorsBackOffAndGiveUpAtTheDeadline() throws {
        let server = try TestHTTPServer { _, _ in .status(503, body: "down") }
        defer { server.stop() }
        var waits: [Double] = []
        var transport = RetryingTransport(client: try HTTPClient(timeout: 5),
                                          policy: RetryPolicy(retryFor: 3, baseDelay: 1, maxDelay: 30), logger: quietLogger)
        transport.sleep = { waits.append($0) }
        var heard: [Int?] = []
        let outcome = try transport.send(.get(try EndpointURL(server.url("/p")), maxResponseBytes: 1024),
                                         deadline: Date().addingTimeInterval(3), describe: Notifier.describe,
                                         onRetryable: { status, _ in heard.append(status) })
        guard case let .gaveUp(failure, attempts) = outcome else { Issue.record("\(outcome)"); return }
        #expect(failure == "HTTP 503: down")
        // Waits of 0.5–1, 1–2, then 2–4 s: the third no longer fits in 3 s (the sleeps are not spent here).
        #expect(attempts == heard.count && heard.allSatisfy { $0 == 503 })
        #expect(waits.count == attempts - 1 && waits.count >= 1)
        #expect(zip(waits, waits.dropFirst()).allSatisfy { $0.0 <= $0.1 * 2 })
    }
}
