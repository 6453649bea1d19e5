import Foundation

/// How long and how often one destination is retried within a run.
///
/// 5xx answers and failures without an answer (timeout, DNS, connect, TLS) are retried after an exponential
/// backoff with jitter — so that many receivers' clients recovering at once do not retry in lockstep — and a 429
/// waits for its `Retry-After`. No new attempt starts once `retryFor` seconds have passed since the destination's
/// first attempt; what is left stays pending for the next run.
public struct RetryPolicy: Sendable {
    /// Seconds, from a destination's first attempt, after which no new attempt starts.
    public var retryFor: Double
    /// The first retry waits between half of this and all of it; each later one twice as long.
    public var baseDelay: Double
    /// The longest wait between attempts (before jitter).
    public var maxDelay: Double
    /// A 429 whose `Retry-After` is at most this many seconds is waited for even past `retryFor` (up to
    /// `patientWaits` times a request): a helpdesk's rate limit (Zendesk: 10 export requests a minute, `Retry-After`
    /// up to ~60 s) is no outage, and a back-fill must not give up on it. nil (the notifier): only within `retryFor`.
    public var rateLimitWait: Double?
    public static let patientWaits = 10

    public init(retryFor: Double = 60, baseDelay: Double = 0.5, maxDelay: Double = 30, rateLimitWait: Double? = nil) {
        self.retryFor = retryFor
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.rateLimitWait = rateLimitWait
    }

    /// The wait before retry number `retry` (1 for the first): "equal jitter", half fixed and half random
    /// (`random` in 0..<1), so the wait still grows while no two clients keep the same rhythm.
    public func backoff(retry: Int, random: Double) -> Double {
        let exponential = min(maxDelay, baseDelay * pow(2, Double(max(0, retry - 1))))
        return exponential / 2 + exponential / 2 * random
    }

    /// What a 4xx or 5xx answer means for the next attempt.
    public enum Verdict: Equatable, Sendable {
        /// Try again after the backoff.
        case retry
        /// Try again after the seconds the receiver asked for (429 with Retry-After).
        case retryAfter(Double)
        /// Not retried: the receiver refuses this message for good (4xx but 429, and 3xx: redirects are not followed).
        case permanent
    }

    public static func verdict(for response: HTTPResponse, now: Date = Date()) -> Verdict {
        switch response.status {
        case 429:
            return retryAfterSeconds(response.headers["retry-after"], now: now).map(Verdict.retryAfter) ?? .retry
        case 500...599:
            return .retry
        default:
            return .permanent
        }
    }

    /// `Retry-After` as seconds from `now`: either delta-seconds ("1") or an HTTP date; nil when absent or unreadable.
    public static func retryAfterSeconds(_ header: String?, now: Date = Date()) -> Double? {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return nil }
        if let seconds = Double(header), seconds.isFinite, seconds >= 0 { return seconds }
        guard let date = httpDate(header) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`), as `Retry-After` and `Date` carry it.
    public static func httpDate(_ text: String?) -> Date? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
