import Foundation
import Logging

/// Sends one request until it is answered for good, under a `RetryPolicy`: 5xx answers and failures without an
/// answer back off with jitter, a 429 waits for its `Retry-After` (at least the backoff), and no wait starts that
/// would end after the deadline, but for a rate limit's wait within the policy's `rateLimitWait`. The notifier (one
/// deadline per destination) and `pull` (one per request) both send through it, so a webhook and a helpdesk are
/// retried by the same rules.
public struct RetryingTransport {
    public let client: HTTPClient
    public let policy: RetryPolicy
    let logger: Logger
    /// Test seam: how a wait is spent.
    var sleep: (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }

    public init(client: HTTPClient, policy: RetryPolicy, logger: Logger) {
        self.client = client
        self.policy = policy
        self.logger = logger
    }

    /// How a request ended.
    public enum Outcome {
        /// An answer that settles it: 2xx, or a status not worth retrying (4xx but 429, 3xx).
        case answered(HTTPResponse, attempts: Int)
        /// Refused before it was sent (the URL), so retrying cannot help.
        case refused(HTTPError, attempts: Int)
        /// Still failing when no further wait fitted before the deadline; `failure` is the last reason.
        case gaveUp(failure: String, attempts: Int)
    }

    public func send(_ request: HTTPRequest, deadline: Date, describe: (HTTPResponse) -> String,
                     onRetryable: (_ status: Int?, _ failure: String) throws -> Void = { _, _ in }) throws -> Outcome {
        try send(deadline: deadline, describe: describe, onRetryable: onRetryable) { request }
    }

    /// `request` is built again for every attempt (a signed webhook carries the attempt's own time stamp).
    /// `onRetryable` hears every attempt that failed in a way worth retrying (status nil: no answer), before the
    /// wait; the caller records it (the notifier's outbox counts attempts).
    public func send(deadline: Date, describe: (HTTPResponse) -> String,
                     onRetryable: (_ status: Int?, _ failure: String) throws -> Void = { _, _ in },
                     request: () -> HTTPRequest) throws -> Outcome {
        var attempt = 0
        var patientWaits = 0
        while true {
            attempt += 1
            let delay: Double
            var rateLimited = false
            let failure: String
            let result: Result<HTTPResponse, HTTPError>
            do {
                result = .success(try client.send(request()))
            } catch let error as HTTPError {
                result = .failure(error)
            }
            switch result {
            case .success(let response):
                if response.isSuccess { return .answered(response, attempts: attempt) }
                switch RetryPolicy.verdict(for: response, now: Date()) {
                case .permanent: return .answered(response, attempts: attempt)
                case .retry: delay = policy.backoff(retry: attempt, random: Double.random(in: 0..<1))
                case .retryAfter(let seconds):
                    // Never less than the backoff: a `Retry-After: 0` on every answer must not spin.
                    delay = max(seconds, policy.backoff(retry: attempt, random: Double.random(in: 0..<1)))
                    rateLimited = policy.rateLimitWait.map { seconds <= $0 } ?? false
                }
                failure = describe(response)
                try onRetryable(response.status, failure)
            case .failure(let error):
                guard error.isTransient else { return .refused(error, attempts: attempt) }
                failure = "\(error)"
                try onRetryable(nil, failure)
                delay = policy.backoff(retry: attempt, random: Double.random(in: 0..<1))
            }
            let patient = rateLimited && patientWaits < RetryPolicy.patientWaits
            if patient { patientWaits += 1 }
            if !patient, Date().addingTimeInterval(delay) > deadline {
                logger.warning("giving up for this run", metadata: ["attempts": "\(attempt)", "last": "\(failure)"])
                return .gaveUp(failure: failure, attempts: attempt)
            }
            logger.notice("retrying", metadata: [
                "attempt": "\(attempt)", "after": "\(failure)", "in_seconds": "\(String(format: "%.2f", delay))",
            ])
            sleep(delay)
        }
    }
}
