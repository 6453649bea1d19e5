/// Writes one file's tickets, tags and rejects inside the file's transaction: nothing it writes is visible until
/// the whole file is in.
///
/// Tickets go in 32 to a statement, bound straight from the loader's buffers: SQLite's fixed cost per statement
/// step, not the row itself, dominated a load written one row per step. `ON CONFLICT DO NOTHING` skips a repeated
/// ticket id without failing the batch. Row ids are assigned here (after the largest stored one, under the
/// transaction's write lock), so the rare batch that stored fewer rows than it had tells which went in by id.
final class TicketWriter {
    static let ticketsPerStatement = 32

    private let db: Database
    private let fileID: Int64
    private let source: String
    private let vocabulary: LoadVocabulary
    private var tally = DailyTally()
    private(set) var summary: FileSummary

    /// Row id of the first ticket of the pending batch.
    private var nextRowID: Int64
    /// Bytes of the pending batch's own fields (id, time stamp, day, priority, subject, tags).
    private let arena = ByteArena()
    private var pending: [PendingTicket] = []
    /// The pending batch's tag ids, each ticket's in `PendingTicket.tags`.
    private var pendingTagIDs: [Int32] = []

    private let insertTickets: MultiRowInsert
    /// A repeated id: an update, an unchanged repeat, or an older version.
    private let updates: TicketUpdates
    /// Days of tickets updated in place (recounted by `aggregate`), for the summary's day count.
    private var updatedDays: Set<Int> = []
    /// Tickets read as text (JSON, helpdesk exports) are lent to the validator from here.
    private let textScratch = ByteArena(capacity: 4096)
    private let insertReject: Statement

    private struct Span {
        let offset: Int
        let count: Int
    }

    private struct PendingTicket {
        let ticketID: Span
        let createdAt: Span
        let day: CivilDate
        let dayText: Span
        let queue: Int32
        let priority: Int32
        let priorityWritten: Span?
        let subject: Span?
        let updatedAt: Span?
        let channel: Span?
        let ticketType: Span?
        /// A JSON array, nil when the ticket has no tags.
        let tagsJSON: Span?
        let contentHash: Int64
        let line: Int
        let tags: Range<Int>
    }

    init(db: Database, fileID: Int64, source: String, vocabulary: LoadVocabulary, helpdesk: TicketSource = .generic) throws {
        self.db = db
        self.fileID = fileID
        self.source = source
        self.vocabulary = vocabulary
        summary = FileSummary(source: source)
        nextRowID = (try db.scalar("SELECT coalesce(max(id), 0) + 1 FROM tickets")?.int).map(Int64.init) ?? 1
        insertTickets = MultiRowInsert(
            db, head: """
                INSERT INTO tickets(id, ticket_id, created_at, day, queue, priority, priority_raw, subject, content_hash,
                                    file_id, line, tags, updated_at, channel, ticket_type)
                """,
            columnsPerRow: 15, rowsPerStatement: Self.ticketsPerStatement, tail: "ON CONFLICT(ticket_id) DO NOTHING")
        updates = try TicketUpdates(db: db, fileID: fileID, helpdesk: helpdesk)
        insertReject = try db.prepare("INSERT INTO ingest_rejects(file_id, source, line, reason, raw) VALUES (?, ?, ?, ?, ?)")
    }

    /// Queues a valid ticket; `tags` are its tag ids in `vocabulary.tags`.
    func write(_ ticket: CheckedTicket, tags: [Int32], line: Int) throws {
        func keep(_ bytes: UnsafeBufferPointer<UInt8>) -> Span { Span(offset: arena.append(bytes), count: bytes.count) }
        let tagStart = pendingTagIDs.count
        pendingTagIDs.append(contentsOf: tags)
        var tagsJSON: Span?
        if !tags.isEmpty {
            let start = arena.count
            vocabulary.appendTagsJSON(tags, to: arena)
            tagsJSON = Span(offset: start, count: arena.count - start)
        }
        pending.append(PendingTicket(
            ticketID: keep(ticket.ticketID), createdAt: keep(ticket.createdAt), day: ticket.day,
            dayText: Span(offset: arena.append(count: 10) { ticket.day.writeText(to: $0) }, count: 10),
            queue: ticket.queue, priority: ticket.priority, priorityWritten: ticket.priorityWritten.map(keep),
            subject: ticket.subject.map(keep), updatedAt: ticket.updatedAt.map(keep), channel: ticket.channel.map(keep),
            ticketType: ticket.ticketType.map(keep), tagsJSON: tagsJSON, contentHash: ticket.contentHash, line: line,
            tags: tagStart..<pendingTagIDs.count))
        if pending.count == Self.ticketsPerStatement { try flushTickets() }
    }

    /// Validates a ticket read as text (JSON lines, helpdesk exports) and writes it, or records why not.
    func take(_ raw: RawTicket, line: Int, rawText: @autoclosure () -> String?, day: CivilDate?,
              validator: inout TicketValidator) throws {
        let outcome = raw.withFields(textScratch) { validator.validate($0, line: line, timelineDay: day) }
        switch outcome {
        case .valid(let ticket): try write(ticket, tags: validator.tagIDs, line: line)
        case .rejected(let reason): try reject(line: line, reason: reason, raw: rawText())
        }
    }

    func reject(line: Int, reason: String, raw: String?) throws {
        try insertReject.run([.integer(fileID), .text(source), SQLValue(line), .text(reason), SQLValue(raw.map { String($0.prefix(1000)) })])
        summary.rejected += 1
    }

    /// Writes what is pending, records the day counts for `aggregate` and the totals on the file's manifest row.
    func finish() throws -> FileSummary {
        try flushTickets()
        try tally.record(in: db, vocabulary: vocabulary)
        try db.run("""
            UPDATE ingest_files SET rows_loaded = ?, rows_duplicate = ?, rows_changed = ?, rows_updated = ?, rows_outdated = ?,
                rows_rejected = ? WHERE id = ?
            """, [SQLValue(summary.loaded), SQLValue(summary.duplicates), SQLValue(summary.updated + summary.outdated),
                  SQLValue(summary.updated), SQLValue(summary.outdated), SQLValue(summary.rejected), .integer(fileID)])
        summary.days = tally.dayNumbers.union(updatedDays).count
        return summary
    }

    // MARK: - Batches

    private func flushTickets() throws {
        // Locals, not properties, inside the loops: a class's stored properties are checked for exclusive
        // access at run time on every use.
        let batch = pending, n = batch.count, firstRowID = nextRowID, arena = self.arena, names = vocabulary
        guard n > 0 else { return }
        let statement = try insertTickets.statement(rows: n)
        for (r, ticket) in batch.enumerated() {
            let base = Int32(r * insertTickets.columnsPerRow)
            try statement.bindInt64(firstRowID + Int64(r), at: base + 1)
            try statement.bindBorrowedText(arena.span(ticket.ticketID.offset, ticket.ticketID.count), at: base + 2)
            try statement.bindBorrowedText(arena.span(ticket.createdAt.offset, ticket.createdAt.count), at: base + 3)
            try statement.bindBorrowedText(arena.span(ticket.dayText.offset, ticket.dayText.count), at: base + 4)
            try bindName(statement, ticket.queue, in: names.queues, at: base + 5)
            try bindName(statement, ticket.priority, in: names.priorities, at: base + 6)
            try bindOptional(statement, ticket.priorityWritten, at: base + 7)
            try bindOptional(statement, ticket.subject, at: base + 8)
            try statement.bindInt64(ticket.contentHash, at: base + 9)
            try statement.bindInt64(fileID, at: base + 10)
            try statement.bindInt64(Int64(ticket.line), at: base + 11)
            try bindOptional(statement, ticket.tagsJSON, at: base + 12)
            try bindOptional(statement, ticket.updatedAt, at: base + 13)
            try bindOptional(statement, ticket.channel, at: base + 14)
            try bindOptional(statement, ticket.ticketType, at: base + 15)
        }
        while try statement.step() {}
        let stored = db.changes
        statement.reset()

        // Fewer rows than the batch had: some ids were stored before. Which rows went in decides the rest.
        var storedRowIDs: Set<Int64>?
        if stored < n {
            let rows = try db.query("SELECT id FROM tickets WHERE id BETWEEN ? AND ?",
                                    [.integer(firstRowID), .integer(firstRowID + Int64(n) - 1)])
            storedRowIDs = Set(rows.compactMap { $0[0].int.map(Int64.init) })
        }
        let tagIDs = pendingTagIDs
        for (r, ticket) in batch.enumerated() {
            if let storedRowIDs, !storedRowIDs.contains(firstRowID + Int64(r)) {
                try repeated(ticket)
                continue
            }
            tally.count(day: ticket.day, priority: ticket.priority, queue: ticket.queue, tags: tagIDs[ticket.tags])
        }
        summary.loaded += stored
        nextRowID += Int64(n)
        pending.removeAll(keepingCapacity: true)
        pendingTagIDs.removeAll(keepingCapacity: true)
        arena.removeAll()
    }

    /// A ticket id stored before (by an earlier file or earlier in this one) is never stored twice, but a newer
    /// version replaces it (`TicketUpdates`). Rare on a load, so the ticket goes over as text.
    private func repeated(_ ticket: PendingTicket) throws {
        func text(_ span: Span?) -> String? { span.map { String(decoding: arena.span($0.offset, $0.count), as: UTF8.self) } }
        func name(_ id: Int32, _ names: NameInterner) -> String? { id < 0 ? nil : names.string(id) }
        let stored = StoredTicket(
            ticketID: text(ticket.ticketID)!, createdAtUTC: text(ticket.createdAt)!, day: ticket.day,
            queue: name(ticket.queue, vocabulary.queues), priority: name(ticket.priority, vocabulary.priorities),
            priorityRaw: text(ticket.priorityWritten), subject: text(ticket.subject), tagsJSON: text(ticket.tagsJSON),
            contentHash: ticket.contentHash, updatedAtUTC: text(ticket.updatedAt), channel: text(ticket.channel),
            ticketType: text(ticket.ticketType))
        switch try updates.apply(stored, line: ticket.line) {
        case .duplicate: summary.duplicates += 1
        case .updated(let days):
            summary.updated += 1
            updatedDays.formUnion(days.map(\.daysSinceEpoch))
        case .outdated: summary.outdated += 1
        case .conflict(let reason): try reject(line: ticket.line, reason: reason, raw: nil)
        }
    }

    private func bindName(_ statement: Statement, _ id: Int32, in names: NameInterner, at index: Int32) throws {
        if id < 0 { try statement.bindNull(at: index) } else { try statement.bindBorrowedText(names.bytes(id), at: index) }
    }

    private func bindOptional(_ statement: Statement, _ span: Span?, at index: Int32) throws {
        guard let span else { return try statement.bindNull(at: index) }
        try statement.bindBorrowedText(arena.span(span.offset, span.count), at: index)
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
