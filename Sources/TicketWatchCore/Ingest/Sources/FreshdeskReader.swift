/// Reads one Freshdesk ticket object (`GET /api/v2/tickets`, search results) into a `RawTicket`.
///
/// Freshdesk's fields: `id`, `created_at` / `updated_at` (ISO 8601, UTC), `priority` (a number: 1 low, 2 medium,
/// 3 high, 4 urgent — `PriorityVocabulary` turns it into the word), `tags` (array), `group_id` (number or null;
/// the queue, named through `GroupNames`), `type` (the account's ticket types, e.g. "Refund"), `subject`, and
/// `source` (a number: how the ticket came in, stored as a channel word).
struct FreshdeskReader {
    let groups: GroupNames

    func ticket(from object: [String: Any]) -> RawTicket {
        var raw = JSONFields.sharedTicketFields(object, groups: groups)
        raw.subject = JSONText.scalar(object["subject"])
        raw.ticketType = JSONText.scalar(object["type"])
        raw.channel = JSONText.scalar(object["source"]).map { FreshdeskReader.channels[$0] ?? "source \($0)" }
        return raw
    }

    /// Freshdesk's `source` numbers (API v2 reference, "Ticket properties").
    static let channels = [
        "1": "email", "2": "portal", "3": "phone", "5": "twitter", "6": "facebook", "7": "chat",
        "8": "mobihelp", "9": "feedback_widget", "10": "outbound_email",
    ]
}
