import Foundation

/// What kind of receiver a destination is: it decides the body (Slack's blocks or the generic `alerts` JSON).
public enum DestinationKind: String, Sendable, CaseIterable {
    case slack, webhook
}

/// One place to send alerts to, as configured for this run.
///
/// The warehouse knows a destination by `name`, never by its URL: the URL is a credential, and a rotated URL under
/// the same name must stay the same destination (with the same history). An unnamed URL is named by a salted
/// hash of the URL when the notifier registers it (`slack-3f9a1c2b7d4e`).
public struct Destination: Sendable {
    public let kind: DestinationKind
    /// The NAME of `NAME=URL`, or nil.
    public let configuredName: String?
    public let url: EndpointURL
    /// The Standard Webhooks signing key (generic webhooks only).
    public var signingKey: SigningKey?
    /// Where it was configured, for messages ("--slack #1", "--slack-file /run/credentials/… line 2").
    public let origin: String

    public init(kind: DestinationKind, configuredName: String?, url: EndpointURL, signingKey: SigningKey? = nil,
                origin: String) {
        self.kind = kind
        self.configuredName = configuredName
        self.url = url
        self.signingKey = signingKey
        self.origin = origin
    }

    /// `[A-Za-z0-9][A-Za-z0-9._-]{0,63}`: short, safe in a shell, a log line and a SQL literal, and unable to be
    /// mistaken for the start of a URL (`https:` has a colon).
    public static func isValidName(_ name: some StringProtocol) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 64 else { return false }
        func allowed(_ s: Unicode.Scalar) -> Bool { s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s)) }
        return allowed(first) && name.unicodeScalars.allSatisfy { allowed($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    /// Splits `NAME=URL` (or `NAME=FILE`) into its parts; a value without a valid NAME before its first `=` is all
    /// value (`https://x/y?a=b` has a colon before the `=`).
    public static func splitName(_ text: String) -> (name: String?, value: String) {
        guard let equals = text.firstIndex(of: "=") else { return (nil, text) }
        let name = text[..<equals]
        guard isValidName(name) else { return (nil, text) }
        return (String(name), String(text[text.index(after: equals)...]))
    }
}

/// A destination that could not be set up (a refused URL, an unreadable file). It is reported and the run goes
/// on with the others; the exit status then says not everything was delivered.
public struct DestinationProblem: Error, Sendable, CustomStringConvertible {
    public let kind: DestinationKind
    public let name: String?
    public let origin: String
    public let reason: String

    public var description: String {
        "\(kind.rawValue) \(name.map { "'\($0)' " } ?? "")(\(origin)): \(reason)"
    }
}
