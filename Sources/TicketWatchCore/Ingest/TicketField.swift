/// The fields TicketWatch reads from a ticket, and the input names each is recognised by (design.md).
public enum TicketField: String, CaseIterable, Sendable {
    case ticketID = "ticket_id"
    case createdAt = "created_at"
    case queue
    case priority
    case tags
    case subject
    /// The helpdesk's update time of this version: in an event log (several rows per ticket) the newest wins.
    case updatedAt = "updated_at"

    /// Header or key names recognised without a `--column` mapping, in order of preference.
    public var aliases: [String] {
        switch self {
        case .ticketID: ["ticket_id", "id"]
        case .createdAt: ["created_at", "created", "created_date"]
        case .queue: ["queue"]
        case .priority: ["priority", "priority_norm"]
        case .tags: ["tags", "tags_str"]
        case .subject: ["subject", "text"]
        case .updatedAt: ["updated_at"]
        }
    }

    /// Accepts the canonical name and its aliases, so `--column id=Key` works as well as `--column ticket_id=Key`.
    public init?(name: String) {
        let key = name.lowercased()
        guard let field = TicketField.allCases.first(where: { $0.rawValue == key || $0.aliases.contains(key) }) else {
            return nil
        }
        self = field
    }
}

/// A ticket as read from one record, before validation: the values as the file had them.
struct RawTicket {
    var ticketID: String?
    var createdAt: String?
    var queue: String?
    var priority: String?
    var tags: [String] = []
    var subject: String?
    /// The helpdesk's last-update time, when its export has one: which of two versions of a ticket is newer.
    var updatedAt: String?
    /// How the ticket came in (Zendesk `via.channel`, Freshdesk `source`), and its kind (`type`, Jira's Issue Type).
    var channel: String?
    var ticketType: String?

    /// Splits an `a | b` tag list: split on '|', trimmed, empties dropped (the notebook's rule, `ByteText.forEachTag`).
    static func splitTags(_ text: String) -> [String] {
        var text = text, tags: [String] = []
        text.withUTF8 { ByteText.forEachTag(in: $0) { tags.append(String(decoding: $0, as: UTF8.self)) } }
        return tags
    }
}

import Foundation

extension RawTicket {
    /// Hands the ticket to the byte-level validator: copies the fields into `scratch` and lends them out for the
    /// length of `body`. Readers that parse whole objects (JSON) go through here; the CSV reader lends its own
    /// buffer instead.
    func withFields<R>(_ scratch: ByteArena, _ body: (TicketFields) throws -> R) rethrows -> R {
        scratch.removeAll()
        func keep(_ text: String?) -> (Int, Int)? {
            guard var text else { return nil }
            return text.withUTF8 { (scratch.append($0), $0.count) }
        }
        let id = keep(ticketID), created = keep(createdAt), queue = keep(self.queue)
        let priority = keep(self.priority), subject = keep(self.subject)
        let updated = keep(updatedAt), channel = keep(self.channel), type = keep(ticketType)
        let tagSpans = tags.map { keep($0)! }
        // Spans only now: appending may have moved the arena.
        func span(_ kept: (Int, Int)?) -> UnsafeBufferPointer<UInt8>? { kept.map { scratch.span($0.0, $0.1) } }
        var fields = TicketFields()
        fields.ticketID = span(id)
        fields.createdAt = span(created)
        fields.queue = span(queue)
        fields.priority = span(priority)
        fields.subject = span(subject)
        fields.updatedAt = span(updated)
        fields.channel = span(channel)
        fields.ticketType = span(type)
        fields.tagValues = tagSpans.map { scratch.span($0.0, $0.1) }
        return try body(fields)
    }
}
