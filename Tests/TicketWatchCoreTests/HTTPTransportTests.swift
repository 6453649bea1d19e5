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

    /// Sends one GET to a receiver that answers 429 with `retryAfter` to its first `answers` requests, then 200;
    /// the waits are recorded, not spent.
    static func rateLimited(_ retryAfter: String, answers: Int,
                            policy: RetryPolicy) throws -> (outcome: RetryingTransport.Outcome, waits: [Double]) {
        let server = try TestHTTPServer { _, earlier in
            earlier < answers ? .status(429, headers: [("Retry-After", retryAfter)], body: "slow down")
                : .status(200, body: "[]")
        }
        defer { server.stop() }
        var waits: [Double] = []
        var transport = RetryingTransport(client: try HTTPClient(timeout: 5), policy: policy, logger: quietLogger)
        transport.sleep = { waits.append($0) }
        let deadline = Date().addingTimeInterval(policy.retryFor)
        let outcome = try transport.send(.get(try EndpointURL(server.url("/p")), maxResponseBytes: 1024),
                                         deadline: deadline, describe: Notifier.describe)
        return (outcome, waits)
    }

    /// `Retry-After: 0` on every answer: each wait is still the backoff, never a spin.
    @Test func aRetryAfterOfZeroStillBacksOff() throws {
        let (outcome, waits) = try Self.rateLimited("0", answers: 3, policy: RetryPolicy(retryFor: 60, baseDelay: 1))
        guard case .answered(_, 4) = outcome else { Issue.record("\(outcome)"); return }
        // Backoffs of 0.5–1, 1–2 and 2–4 s.
        #expect(waits.count == 3 && waits[0] >= 0.5 && waits[1] >= 1 && waits[2] >= 2, "\(waits)")
    }

    /// A rate limit's `Retry-After` within `rateLimitWait` is waited for past the deadline (a Zendesk back-fill
    /// under a 60 s `--retry-for`), a longer one is not, and a receiver that never stops limiting is given up on.
    @Test func aRateLimitWithinItsCapIsWaitedForPastTheDeadline() throws {
        let policy = RetryPolicy(retryFor: 60, rateLimitWait: 120)
        let (waited, waits) = try Self.rateLimited("90", answers: 2, policy: policy)
        guard case .answered(_, 3) = waited else { Issue.record("\(waited)"); return }
        #expect(waits == [90, 90])
        let (tooLong, none) = try Self.rateLimited("200", answers: 1, policy: policy)
        guard case .gaveUp = tooLong else { Issue.record("\(tooLong)"); return }
        #expect(none.isEmpty)
        let (endless, patient) = try Self.rateLimited("90", answers: 1000, policy: policy)
        guard case .gaveUp(_, let attempts) = endless else { Issue.record("\(endless)"); return }
        #expect(patient.count == RetryPolicy.patientWaits && attempts == RetryPolicy.patientWaits + 1)
    }
}
