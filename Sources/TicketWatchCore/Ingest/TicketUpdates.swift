/// What to do with a ticket whose id is already stored: helpdesks export a ticket again whenever it changes
/// (priority raised, tag added), so a repeated id is usually a newer version of the same ticket.
///
/// The newer version wins: by the source's update time when both versions have one, else the one loaded later
/// (a later file, or a later line of the same file). An identical repeat changes nothing. An update rewrites the
/// `tickets` row (tags included) and puts both the old and the new day into `dirty_days`, so `aggregate`
/// recomputes exactly the days whose figures moved, from the tickets table.
final class TicketUpdates {
    enum Outcome {
        case duplicate
        /// The days whose aggregates changed (the old day and the new, one day when the date did not move).
        case updated(days: [CivilDate])
        case outdated
        /// The id belongs to a ticket of another helpdesk: not merged (see `apply`).
        case conflict(String)
    }

    private let db: Database
    private let fileID: Int64
    private let helpdesk: TicketSource
    private let existing: Statement
    private let update: Statement
    private let bumpUpdatedAt: Statement
    private let markDay: Statement

    init(db: Database, fileID: Int64, helpdesk: TicketSource) throws {
        self.db = db
        self.fileID = fileID
        self.helpdesk = helpdesk
        existing = try db.prepare("""
            SELECT t.id, t.content_hash, t.updated_at, t.day, f.helpdesk, f.source, t.line, t.file_id
            FROM tickets AS t JOIN ingest_files AS f ON f.id = t.file_id WHERE t.ticket_id = ?
            """)
        update = try db.prepare("""
            UPDATE tickets SET created_at = ?, day = ?, queue = ?, priority = ?, priority_raw = ?, subject = ?,
                content_hash = ?, file_id = ?, line = ?, updated_at = coalesce(?, updated_at), channel = ?, ticket_type = ?, tags = ?
            WHERE id = ?
            """)
        bumpUpdatedAt = try db.prepare("UPDATE tickets SET updated_at = ? WHERE id = ? AND (updated_at IS NULL OR updated_at < ?)")
        markDay = try db.prepare("INSERT OR IGNORE INTO dirty_days(day) VALUES (?)")
    }

    /// The outcome, and whether the stored version came from this same file: then one of the two rows is an
    /// earlier version in an event log (several rows per ticket), which `ingest` counts as such.
    func apply(_ ticket: StoredTicket, line: Int) throws -> (Outcome, sameFile: Bool) {
        try existing.bind([.text(ticket.ticketID)])
        defer { existing.reset() }
        guard try existing.step() else { return (.duplicate, false) }  // unreachable: the insert found the id
        let sameFile = existing.int64(at: 7) == fileID
        return (try apply(ticket, line: line), sameFile)
    }

    private func apply(_ ticket: StoredTicket, line: Int) throws -> Outcome {
        let row = existing.row()
        let rowID = existing.int64(at: 0)
        let storedHash = existing.int64(at: 1)
        let storedUpdatedAt = row[2].string
        let storedDay = row[3].string.flatMap(CivilDate.init)
        let storedHelpdesk = row[4].string ?? TicketSource.generic.rawValue

        // Zendesk and Freshdesk number tickets 1, 2, 3…: the same id from two helpdesks is two tickets, and
        // merging them would silently overwrite one with the other. A generic file is often a script's copy of
        // the same helpdesk's tickets, so it pairs with any source.
        if storedHelpdesk != helpdesk.rawValue, storedHelpdesk != TicketSource.generic.rawValue, helpdesk != .generic {
            return .conflict("ticket id \(ticket.ticketID) is already stored from a \(storedHelpdesk) file (\(row[5].string ?? "?"), line \(row[6].int ?? 0)); a \(helpdesk.rawValue) ticket with the same id is not merged into it. Load each helpdesk into its own warehouse")
        }
        if storedHash == ticket.contentHash {
            // The same content, perhaps re-exported after a change TicketWatch does not store (a comment): keep
            // the newest update time, so an older version arriving later still loses.
            if let newer = ticket.updatedAtUTC {
                try bumpUpdatedAt.run([.text(newer), .integer(rowID), .text(newer)])
            }
            return .duplicate
        }
        if let newer = ticket.updatedAtUTC, let stored = storedUpdatedAt, newer < stored {
            return .outdated
        }
        try update.run([
            .text(ticket.createdAtUTC), .text(ticket.day.description), SQLValue(ticket.queue), SQLValue(ticket.priority),
            SQLValue(ticket.priorityRaw), SQLValue(ticket.subject), .integer(ticket.contentHash), .integer(fileID),
            SQLValue(line), SQLValue(ticket.updatedAtUTC), SQLValue(ticket.channel), SQLValue(ticket.ticketType),
            SQLValue(ticket.tagsJSON), .integer(rowID),
        ])
        var days = [ticket.day]
        if let storedDay, storedDay != ticket.day { days.append(storedDay) }
        for day in days { try markDay.run([.text(day.description)]) }
        return .updated(days: days)
    }
}

/// A validated ticket as text, the form `TicketUpdates` compares and writes (the loader's own form is bytes).
struct StoredTicket {
    let ticketID: String
    let createdAtUTC: String
    let day: CivilDate
    let queue: String?
    let priority: String?
    let priorityRaw: String?
    let subject: String?
    /// As `tickets.tags` stores them: a JSON array, nil when there are none.
    let tagsJSON: String?
    let contentHash: Int64
    let updatedAtUTC: String?
    let channel: String?
    let ticketType: String?
}
