/// Writes one file's tickets, tags and rejects with statements prepared once and reused for every row.
/// Lives inside the file's transaction: nothing it writes is visible until the whole file is in.
final class TicketWriter {
    private let db: Database
    private let fileID: Int64
    private let source: String
    private let insertTicket: Statement
    /// A repeated id: an update, an unchanged repeat, or an older version.
    private let updates: TicketUpdates
    private let insertTag: Statement
    private let insertReject: Statement
    private(set) var summary: FileSummary
    private var touchedDays: Set<Int> = []

    init(db: Database, fileID: Int64, source: String, helpdesk: TicketSource = .generic) throws {
        self.db = db
        self.fileID = fileID
        self.source = source
        summary = FileSummary(source: source)
        insertTicket = try db.prepare("""
            INSERT INTO tickets(ticket_id, created_at, day, queue, priority, priority_raw, subject, content_hash, file_id, line,
                                updated_at, channel, ticket_type)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(ticket_id) DO NOTHING
            """)
        updates = try TicketUpdates(db: db, fileID: fileID, helpdesk: helpdesk)
        insertTag = try db.prepare("INSERT INTO tag_occurrences(ticket, position, tag) VALUES (?, ?, ?)")
        insertReject = try db.prepare("INSERT INTO ingest_rejects(file_id, source, line, reason, raw) VALUES (?, ?, ?, ?, ?)")
    }

    func write(_ ticket: ValidTicket, line: Int) throws {
        try insertTicket.run([
            .text(ticket.ticketID), .text(ticket.createdAtUTC), .text(ticket.day.description), SQLValue(ticket.queue),
            SQLValue(ticket.priority), SQLValue(ticket.priorityRaw), SQLValue(ticket.subject),
            .integer(ticket.contentHash), .integer(fileID), SQLValue(line),
            SQLValue(ticket.updatedAtUTC), SQLValue(ticket.channel), SQLValue(ticket.ticketType),
        ])
        guard db.changes == 1 else {
            // The id was stored before (by an earlier file or earlier in this one): never stored twice, but a
            // newer version replaces it (TicketUpdates).
            switch try updates.apply(ticket, line: line) {
            case .duplicate: summary.duplicates += 1
            case .updated(let days):
                summary.updated += 1
                touchedDays.formUnion(days.map(\.daysSinceEpoch))
            case .outdated: summary.outdated += 1
            case .conflict(let reason): try reject(line: line, reason: reason, raw: nil)
            }
            return
        }
        let rowID = db.lastInsertRowID
        for (position, tag) in ticket.tags.enumerated() {
            try insertTag.run([.integer(rowID), SQLValue(position), .text(tag)])
        }
        summary.loaded += 1
        touchedDays.insert(ticket.day.daysSinceEpoch)
    }

    func reject(line: Int, reason: String, raw: String?) throws {
        try insertReject.run([.integer(fileID), .text(source), SQLValue(line), .text(reason), SQLValue(raw.map { String($0.prefix(1000)) })])
        summary.rejected += 1
    }

    /// Records the counts on the file's manifest row and marks the days it touched for `aggregate`.
    func finish() throws -> FileSummary {
        let markDay = try db.prepare("INSERT OR IGNORE INTO dirty_days(day) VALUES (?)")
        for day in touchedDays.sorted() {
            try markDay.run([.text(CivilDate(daysSinceEpoch: day).description)])
        }
        try db.run("""
            UPDATE ingest_files SET rows_loaded = ?, rows_duplicate = ?, rows_changed = ?, rows_updated = ?, rows_outdated = ?,
                rows_rejected = ? WHERE id = ?
            """, [SQLValue(summary.loaded), SQLValue(summary.duplicates), SQLValue(summary.updated + summary.outdated),
                  SQLValue(summary.updated), SQLValue(summary.outdated), SQLValue(summary.rejected), .integer(fileID)])
        summary.days = touchedDays.count
        return summary
    }
}

/// What one file's load did: the line `ingest` prints per file.
public struct FileSummary: Sendable, Equatable {
    public let source: String
    public var loaded = 0
    public var duplicates = 0
    /// Repeated ids whose content differs from the stored ticket and that are newer (by the source's update
    /// time, else by being loaded later): the stored ticket was replaced.
    public var updated = 0
    /// Repeated ids whose content differs but whose update time is older than the stored version's: not applied.
    public var outdated = 0
    public var rejected = 0
    public var days = 0
    /// The SHA-256 of the file's content, as `ingest_files` records it.
    public var contentSHA256 = ""
    /// Set when the same content was loaded before: (its source then, when).
    public var alreadyLoadedAs: String?
    public var alreadyLoadedAt: String?
    public var ignoredColumns: [String] = []
    /// The tool that wrote the file (`--source`, or detected).
    public var helpdesk: TicketSource = .generic

    public init(source: String) {
        self.source = source
    }
}
