/// The fields TicketWatch reads from a ticket, and the input names each is recognised by (design.md).
public enum TicketField: String, CaseIterable, Sendable {
    case ticketID = "ticket_id"
    case createdAt = "created_at"
    case queue
    case priority
    case tags
    case subject

    /// Header or key names recognised without a `--column` mapping, in order of preference.
    public var aliases: [String] {
        switch self {
        case .ticketID: ["ticket_id", "id"]
        case .createdAt: ["created_at", "created", "created_date"]
        case .queue: ["queue"]
        case .priority: ["priority", "priority_norm"]
        case .tags: ["tags", "tags_str"]
        case .subject: ["subject", "text"]
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

    /// Splits an `a | b` tag list: split on '|', trimmed, empties dropped (the notebook's rule).
    static func splitTags(_ text: String) -> [String] {
        var tags: [String] = []
        var rest = Substring(text)
        while true {
            // '|' is ASCII, so its UTF-8 position is always a scalar boundary.
            let bar = rest.utf8.firstIndex(of: UInt8(ascii: "|"))
            let tag = rest[..<(bar ?? rest.endIndex)].trimmedWhitespace
            if !tag.isEmpty { tags.append(tag) }
            guard let bar else { return tags }
            rest = rest[rest.utf8.index(after: bar)...]
        }
    }
}

import Foundation
