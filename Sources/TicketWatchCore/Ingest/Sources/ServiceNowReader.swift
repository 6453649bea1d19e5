/// Reads one ServiceNow record (Table API, `incident` or another task table) into a `RawTicket`.
///
/// With `sysparm_display_value=all` every field is `{"display_value":…, "value":…}`: names come from display
/// values (`assignment_group` → the queue, `priority` `1 - Critical` … `5 - Planning`, `category` and
/// `subcategory` → tags), dates from values (`sys_created_on`, `sys_updated_on`: `yyyy-MM-dd HH:mm:ss`, UTC). A
/// record exported with plain strings reads the same.
enum ServiceNowReader {
    static func ticket(from record: [String: Any]) -> RawTicket {
        func display(_ key: String) -> String? {
            guard let field = record[key] as? [String: Any] else { return JSONText.scalar(record[key]) }
            return JSONText.scalar(field["display_value"])
        }
        func value(_ key: String) -> String? {
            guard let field = record[key] as? [String: Any] else { return JSONText.scalar(record[key]) }
            return JSONText.scalar(field["value"])
        }
        func utc(_ key: String) -> String? {
            guard let text = value(key)?.trimmedWhitespace, !text.isEmpty else { return nil }
            // `2025-11-28 17:03:00` is UTC in a value; anything else is left for the validator to judge.
            guard text.count == 19, text.dropFirst(10).first == " " else { return text }
            return text.prefix(10) + "T" + text.dropFirst(11) + "Z"
        }
        var raw = RawTicket()
        raw.ticketID = display("number").flatMap { $0.isEmpty ? nil : $0 } ?? value("sys_id")
        raw.createdAt = utc("sys_created_on")
        raw.updatedAt = utc("sys_updated_on")
        raw.priority = display("priority")
        raw.subject = display("short_description")
        raw.queue = display("assignment_group").flatMap { $0.isEmpty ? nil : $0 }
        raw.tags = ["category", "subcategory"].compactMap { display($0)?.trimmedWhitespace }.filter { !$0.isEmpty }
        raw.channel = display("contact_type").flatMap { $0.isEmpty ? nil : $0 }
        raw.ticketType = value("sys_class_name").flatMap { $0.isEmpty ? nil : $0 }
        return raw
    }
}
