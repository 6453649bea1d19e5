import Foundation
import Logging

/// GETs a source's pages with its credential, through the retrying transport: a 429 waits for its
/// `Retry-After`, 5xx and network failures back off within `retryFor` seconds per request. The credential goes
/// only to the configured instance: a next-page link to any other host is refused, never followed.
final class PageFetcher {
    /// A page of tickets may be large (Jira answers with every field asked for): room for the largest answers.
    static let maxPageBytes = 256 * 1024 * 1024
    /// A 429's `Retry-After` up to this long is waited for whatever `--retry-for` says (Zendesk asks for up to a
    /// minute, and the default `--retry-for` is 60 s): a back-fill is slowed by a rate limit, never stopped by it.
    static let rateLimitWait: Double = 120

    let source: ConfiguredSource
    private let transport: RetryingTransport
    private let authorization: String
    private let retryFor: Double
    /// `scheme://host[:port]` of the configured instance.
    private let origin: String
    private(set) var requests = 0

    init(source: ConfiguredSource, authorization: String, client: HTTPClient, retry: RetryPolicy, logger: Logger) {
        self.source = source
        self.authorization = authorization
        self.retryFor = retry.retryFor
        var log = logger
        log[metadataKey: "source"] = "\(source.name)"
        var policy = retry
        policy.rateLimitWait = policy.rateLimitWait ?? Self.rateLimitWait
        transport = RetryingTransport(client: client, policy: policy, logger: log)
        let text = source.url.secretText
        let afterScheme = text.range(of: "://").map(\.upperBound) ?? text.startIndex
        let end = text[afterScheme...].firstIndex(of: "/") ?? text.endIndex
        origin = String(text[..<end])
    }

    /// The answer to a GET of `url` (absolute, on the instance), 2xx only.
    func get(_ url: String) throws -> HTTPResponse {
        guard url.hasPrefix(origin + "/") || url == origin else {
            throw PullError.foreignLink(source: source.name)
        }
        let endpoint: EndpointURL
        do {
            endpoint = try EndpointURL(url)
        } catch {
            throw PullError.badAnswer(source: source.name, reason: "a next-page link is not a usable URL (\(error))")
        }
        let request = HTTPRequest.get(endpoint, headers: [
            (name: "Authorization", value: authorization), (name: "Accept", value: "application/json"),
        ], maxResponseBytes: Self.maxPageBytes)
        requests += 1
        let outcome = try transport.send(request, deadline: Date().addingTimeInterval(retryFor),
                                         describe: Notifier.describe)
        switch outcome {
        case let .answered(response, _):
            if response.isSuccess { return response }
            if response.status == 401 || response.status == 403 {
                throw PullError.unauthorized(source: source.name, status: response.status,
                                             credential: credentialWhere)
            }
            throw PullError.refused(source: source.name, answer: Notifier.describe(response))
        case let .refused(error, _):
            throw PullError.refused(source: source.name, answer: "\(error)")
        case let .gaveUp(failure, attempts):
            throw PullError.gaveUp(source: source.name, failure: failure, attempts: attempts, retryFor: retryFor)
        }
    }

    /// Where the credential is configured, for messages (its name or path, never its content).
    var credentialWhere: String {
        if let name = source.credential { return "credential = \"\(name)\" in \(source.origin)" }
        return "credential_file = \"\(source.credentialFile ?? "")\" in \(source.origin)"
    }
}

/// Why a source's pull stopped. Every message names the source and never quotes its credential.
public enum PullError: Error, CustomStringConvertible {
    case credential(source: String, reason: String)
    case unauthorized(source: String, status: Int, credential: String)
    case refused(source: String, answer: String)
    case gaveUp(source: String, failure: String, attempts: Int, retryFor: Double)
    case badAnswer(source: String, reason: String)
    case foreignLink(source: String)
    case repeatedPage(source: String, after: Int)
    case stopped(source: String, reason: String)
    case unknownSource(String, known: [String])

    public var description: String {
        switch self {
        case let .credential(source, reason):
            "source '\(source)': cannot read its credential: \(reason)"
        case let .unauthorized(source, status, credential):
            "source '\(source)': the helpdesk refused the credential (HTTP \(status)); check its credential "
                + "(\(credential)): the user and token, and that the user may read tickets. Nothing was pulled from it"
        case let .refused(source, answer):
            "source '\(source)': the helpdesk answered \(answer); nothing more was pulled from it this time"
        case let .gaveUp(source, failure, attempts, retryFor):
            "source '\(source)': \(failure); no retry fits in --retry-for \(HTTPError.seconds(retryFor)) s "
                + "(\(attempts) attempt\(attempts == 1 ? "" : "s")): the next pull goes on from where this one stopped"
        case let .badAnswer(source, reason):
            "source '\(source)': \(reason); the pages before it are kept, the next pull starts from there"
        case let .foreignLink(source):
            "source '\(source)': the helpdesk's next-page link points to another host; not followed (the credential "
                + "goes only to the configured url)"
        case let .repeatedPage(source, pages):
            "source '\(source)': the helpdesk repeated its page (after page \(pages) it sent the same cursor or "
                + "next-page request again, without an end); stopped rather than ask forever. The pages before are "
                + "kept; if it happens again, report it to the helpdesk's support"
        case let .stopped(source, reason):
            "source '\(source)': \(reason); the pages before it are kept, the next pull starts from there"
        case let .unknownSource(name, known):
            "no source named '\(name)' in the config file's [[sources]]"
                + (known.isEmpty ? " (it has none)" : " (known: \(known.joined(separator: ", ")))")
        }
    }
}
