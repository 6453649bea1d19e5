import CCurl
import Foundation

/// A URL the notifier may post to: `https://` to any host, or plain `http://` to a loopback address only (how the
/// tests run a local receiver). Anything else is refused before a connection is made.
///
/// A webhook URL is a credential (Slack's carries the token in its path), so this type never prints it:
/// `description`, `debugDescription` and `dump` all show `scheme://host` only. Code that needs the text (the
/// transfer itself, redaction) reads `secretText`.
public struct EndpointURL: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The whole URL. A secret: never log, print or store it.
    let secretText: String
    /// Lower-case scheme: `https` or `http`.
    public let scheme: String
    /// The host as libcurl parsed it (IPv6 in brackets).
    public let host: String
    /// True when the host is 127.0.0.0/8, ::1 or `localhost`.
    public let isLoopback: Bool

    public init(_ text: String) throws(URLRefusal) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parsed = try CurlURL(trimmed)
        let scheme = (parsed.part(CURLUPART_SCHEME) ?? "").lowercased()
        guard let host = parsed.part(CURLUPART_HOST), !host.isEmpty else {
            throw URLRefusal.malformed(reason: "no host")
        }
        let loopback = EndpointURL.isLoopback(host: host)
        switch scheme {
        case "https": break
        case "http" where loopback: break
        case "http": throw URLRefusal.plainHTTP(host: host)
        default: throw URLRefusal.unsupportedScheme(scheme)
        }
        self.secretText = trimmed
        self.scheme = scheme
        self.host = host
        self.isLoopback = loopback
    }

    /// `scheme://host`: what logs and messages may show of this URL.
    public var description: String { "\(scheme)://\(host)" }
    public var debugDescription: String { "EndpointURL(\(description)/…)" }
    public var customMirror: Mirror { Mirror(self, children: ["url": description], displayStyle: .struct) }

    /// Loopback by address, not by name resolution: 127.0.0.0/8, ::1 (and ::ffff:127.x.x.x), or `localhost`,
    /// which libcurl itself resolves to the loopback addresses without asking DNS.
    static func isLoopback(host: String) -> Bool {
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        if name == "localhost" { return true }
        if name.hasPrefix("["), name.hasSuffix("]") {
            var address = in6_addr()
            let inner = String(name.dropFirst().dropLast())
            guard inet_pton(AF_INET6, inner, &address) == 1 else { return false }
            let bytes = withUnsafeBytes(of: &address) { Array($0) }
            if bytes == [UInt8](repeating: 0, count: 15) + [1] { return true }
            return bytes.prefix(12) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff][...] && bytes[12] == 127
        }
        var address = in_addr()
        guard inet_pton(AF_INET, name, &address) == 1 else { return false }
        return withUnsafeBytes(of: &address) { $0[0] } == 127
    }

    /// `text` with this URL, its path and query, and any password in it replaced by `…`: for messages that come
    /// from elsewhere (libcurl's error buffer, a receiver's answer) and might quote the request.
    public func redact(_ text: String) -> String {
        var out = text
        var secrets = [secretText]
        if let parsed = try? CurlURL(secretText) {
            for part in [CURLUPART_PATH, CURLUPART_QUERY, CURLUPART_PASSWORD, CURLUPART_USER] {
                if let value = parsed.part(part), value.count > 1 { secrets.append(value) }
            }
        }
        // Longest first, so the whole URL goes before its path does.
        for secret in secrets.sorted(by: { $0.count > $1.count }) {
            out = out.replacingOccurrences(of: secret, with: "…")
        }
        return out
    }
}

/// Why a URL was refused. None of the messages repeats the URL (it is a credential).
public enum URLRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// libcurl could not parse it; `reason` is libcurl's own wording.
    case malformed(reason: String)
    /// Neither https nor http.
    case unsupportedScheme(String)
    /// Plain http to a host that is not a loopback address.
    case plainHTTP(host: String)

    public var description: String {
        switch self {
        case let .malformed(reason):
            "not a usable URL (\(reason)); expected https://HOST/PATH"
        case let .unsupportedScheme(scheme):
            "URL scheme '\(scheme.isEmpty ? "(none)" : scheme)' is not allowed; use https://"
        case let .plainHTTP(host):
            "plain http:// is refused for \(host): a webhook URL is a credential and must travel over TLS. "
                + "Use https:// (http:// is allowed only to loopback addresses: 127.0.0.1, ::1, localhost)"
        }
    }
}
