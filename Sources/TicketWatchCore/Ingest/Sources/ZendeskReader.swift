/// Reads one Zendesk ticket object (Tickets API, incremental export) into a `RawTicket`.
///
/// Zendesk's fields: `id`, `created_at` / `updated_at` (ISO 8601, UTC), `priority` (`urgent`, `high`, `normal`,
/// `low` or null), `tags` (array), `group_id` (number or null; the queue, named through `GroupNames`),
/// `subject`, `type` (`problem`, `incident`, `question`, `task` or null), `via.channel` (`email`, `web`, …).
struct ZendeskReader {
    let groups: GroupNames

    func ticket(from object: [String: Any]) -> RawTicket {
        var raw = JSONFields.sharedTicketFields(object, groups: groups)
        // `raw_subject` is the subject before dynamic content is rendered; only an export without `subject` has it alone.
        raw.subject = JSONText.scalar(object["subject"]) ?? JSONText.scalar(object["raw_subject"])
        raw.ticketType = JSONText.scalar(object["type"])
        raw.channel = (object["via"] as? [String: Any]).flatMap { JSONText.scalar($0["channel"]) }
        return raw
    }
}

/// Field readings the JSON readers share (Zendesk, Freshdesk, and the generic loader's tags).
enum JSONFields {
    /// What Zendesk and Freshdesk name alike: `id`, `created_at`, `updated_at`, `priority`, `tags`, and
    /// `group_id` as the queue, named through `groups`.
    static func sharedTicketFields(_ object: [String: Any], groups: GroupNames) -> RawTicket {
        var raw = RawTicket()
        raw.ticketID = JSONText.scalar(object["id"])
        raw.createdAt = JSONText.scalar(object["created_at"])
        raw.updatedAt = JSONText.scalar(object["updated_at"])
        raw.priority = JSONText.scalar(object["priority"])
        raw.tags = tags(object["tags"])
        raw.queue = JSONText.scalar(object["group_id"]).map(groups.queue(forGroup:))
        return raw
    }

    /// A tag array, trimmed, empties and non-strings dropped; a string is split as the generic loader does.
    static func tags(_ value: Any?) -> [String] {
        if let list = value as? [Any] {
            return list.compactMap { JSONText.scalar($0)?.trimmedWhitespace }.filter { !$0.isEmpty }
        }
        return JSONText.scalar(value).map(RawTicket.splitTags) ?? []
    }
}
