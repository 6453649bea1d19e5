import Crypto
import Foundation

/// One body to POST to one destination, with the alerts it carries (marked delivered when it gets a 2xx).
public struct OutgoingMessage: Sendable {
    /// The exact bytes sent (and signed).
    public let body: [UInt8]
    public let alertIDs: [String]
    /// Stable for the same destination and the same alerts: the `webhook-id` a receiver de-duplicates on, the same
    /// on every retry and on the next run when a post timed out after the receiver had it.
    public let messageID: String

    init(body: [UInt8], alertIDs: [String], destination: String) {
        self.body = body
        self.alertIDs = alertIDs
        self.messageID = OutgoingMessage.messageID(destination: destination, alertIDs: alertIDs)
    }

    static func messageID(destination: String, alertIDs: [String]) -> String {
        let digest = SHA256.hash(data: Data("ticketwatch|\(destination)|\(alertIDs.sorted().joined(separator: ","))".utf8))
        return "msg_" + digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
