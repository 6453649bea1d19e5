/// Why a request got no HTTP answer. Every case says whether trying again later can help (`isTransient`).
///
/// Messages come from libcurl's error buffer with the URL's path and query redacted: they may name the host,
/// never the credential in the URL.
public enum HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL was refused before any connection was made (not https, malformed).
    case refused(URLRefusal)
    /// No complete answer within the per-request timeout (connecting, sending or waiting for the answer).
    case timedOut(seconds: Double, message: String)
    /// The host name did not resolve.
    case couldNotResolve(message: String)
    /// No TCP connection (refused, unreachable).
    case couldNotConnect(message: String)
    /// The TLS handshake or the certificate check failed.
    case tls(message: String)
    /// Anything else libcurl reported (`code` is its CURLcode).
    case failed(code: Int, message: String)

    /// A refused URL stays refused; everything that happened on the network may work on a later attempt.
    public var isTransient: Bool {
        if case .refused = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case let .refused(refusal): "refused: \(refusal)"
        case let .timedOut(seconds, message): "timed out after \(HTTPError.seconds(seconds)) s (\(message))"
        case let .couldNotResolve(message): "could not resolve the host (\(message))"
        case let .couldNotConnect(message): "could not connect (\(message))"
        case let .tls(message): "TLS failed (\(message))"
        case let .failed(code, message): "libcurl error \(code) (\(message))"
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
