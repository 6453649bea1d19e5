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
    /// nil for alerts (recorded in `deliveries`); `withdrawn` or `recovered` for a follow-up (in `notices`).
    public let notice: NoticeKind?

    /// `resend`: for alerts sent before and sent again (`DeliveryOutbox.reconfirmed`), each id with the time of
    /// its earlier delivery.
    init(body: [UInt8], alertIDs: [String], destination: String, notice: NoticeKind? = nil, resend: [String: String] = [:]) {
        self.body = body
        self.alertIDs = alertIDs
        self.notice = notice
        self.messageID = OutgoingMessage.messageID(destination: destination, alertIDs: alertIDs, notice: notice, resend: resend)
    }

    static func messageID(destination: String, alertIDs: [String], notice: NoticeKind? = nil,
                          resend: [String: String] = [:]) -> String {
        // A follow-up about the same alerts is another message: its own webhook-id, so it is not de-duplicated away.
        let kind = notice.map { "|\($0.rawValue)" } ?? ""
        // So is a re-send after a correction; each round differs by when the round before was delivered.
        let round = alertIDs.compactMap { id in resend[id].map { "\(id)@\($0)" } }.sorted().joined(separator: ",")
        let again = round.isEmpty ? "" : "|again:" + round
        let digest = SHA256.hash(data: Data("ticketwatch|\(destination)|\(alertIDs.sorted().joined(separator: ","))\(kind)\(again)".utf8))
        return "msg_" + digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
