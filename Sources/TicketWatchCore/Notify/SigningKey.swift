import Crypto
import Foundation

/// The secret a generic webhook's receiver uses to check `webhook-signature` (Standard Webhooks).
///
/// Read from a file only (`--webhook-secret-file`), so it never shows in a process listing. A `whsec_` secret is
/// base64 after the prefix, as the specification's libraries generate them; anything else is used as its bytes.
/// Never printed: `description` says only that a key is set.
public struct SigningKey: Sendable, CustomStringConvertible, CustomReflectable {
    let bytes: [UInt8]

    public init(secret: String) throws {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw SigningKeyError.empty }
        if trimmed.hasPrefix("whsec_") {
            guard let decoded = Data(base64Encoded: String(trimmed.dropFirst(6))), !decoded.isEmpty else {
                throw SigningKeyError.badBase64
            }
            bytes = Array(decoded)
        } else {
            bytes = Array(trimmed.utf8)
        }
    }

    /// `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`: the Standard Webhooks signature header value.
    public func signature(id: String, timestamp: Int, body: [UInt8]) -> String {
        var message = Array("\(id).\(timestamp).".utf8)
        message += body
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: bytes))
        return "v1," + Data(mac).base64EncodedString()
    }

    public var description: String { "SigningKey(set)" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

public enum SigningKeyError: Error, Sendable, CustomStringConvertible {
    case empty
    case badBase64

    public var description: String {
        switch self {
        case .empty: "the signing secret file is empty"
        case .badBase64: "the signing secret starts with whsec_ but the rest is not base64"
        }
    }
}
