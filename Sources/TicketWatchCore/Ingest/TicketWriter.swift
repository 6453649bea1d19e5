import Dispatch

/// Writes one file's tickets and rejects inside the file's transaction: nothing it writes is visible until the
/// whole file is in.
///
/// Tickets go in 32 to a statement, bound straight from a batch's own bytes: SQLite's fixed cost per statement
/// step, not the row itself, dominated a load written one row per step. And SQLite's work on one batch overlaps
/// the reading and checking of the next: the caller fills a batch of 1,024 while `BatchInserter` stores the
/// previous one on a second thread (a year's load: 4.4 s → 3.7 s on two cores; with a hand-off every 32 tickets
/// the wake-ups cost more than the overlap saved). The connection is used by one thread at a time: the
/// inserter's between a hand-off and the wait for it, the caller's before and after.
final class TicketWriter {
    static let ticketsPerStatement = 32
    /// Tickets per hand-off between the threads: waking the other thread is a system call, dear in a VM.
    static let ticketsPerHandOff = 1024

    private let vocabulary: LoadVocabulary
    private let inserter: BatchInserter
    /// The batch being filled, and the spare one the inserter hands back.
    private var filling = TicketBatch()
    private var spare: TicketBatch? = TicketBatch()
    /// One batch in flight at most: waited on before the next hand-off and before `finish`.
    private let inFlight = DispatchSemaphore(value: 1)
    private let worker = DispatchQueue(label: "ticketwatch.ingest.inserter")
    /// Tickets read as text (JSON, helpdesk exports) are lent to the validator from here.
    private let textScratch = ByteArena(capacity: 4096)

    init(db: Database, fileID: Int64, source: String, vocabulary: LoadVocabulary, helpdesk: TicketSource = .generic) throws {
        self.vocabulary = vocabulary
        inserter = try BatchInserter(db: db, fileID: fileID, source: source, helpdesk: helpdesk)
    }

    /// Queues a valid ticket; `tags` are its tag ids in `vocabulary.tags`.
    func write(_ ticket: CheckedTicket, tags: [Int32], line: Int) throws {
        filling.add(ticket, tags: tags, line: line, vocabulary: vocabulary)
        if filling.tickets.count == Self.ticketsPerHandOff { try handOff() }
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
        filling.rejects.append((line, reason, raw.map { String($0.prefix(1000)) }))
        if filling.rejects.count >= Self.ticketsPerHandOff { try handOff() }
    }

    /// Stores what is pending, then (on the caller's thread again) the day counts and the file's manifest row.
    func finish() throws -> FileSummary {
        try handOff()
        try waitForInserter()
        return try inserter.finish(vocabulary: vocabulary)
    }

    /// Waits until the inserter's thread is idle, without reporting its error: called (and `deinit` calls it)
    /// before anything else may use the connection, a rollback included.
    func waitUntilIdle() {
        guard lastJob != nil else { return }
        inFlight.wait()
        inFlight.signal()
    }

    deinit { waitUntilIdle() }

    /// The job handed off last, until the caller has waited for it.
    private var lastJob: InserterJob?

    /// Gives the filled batch to the inserter and fills the spare one meanwhile.
    private func handOff() throws {
        try waitForInserter()
        guard !filling.isEmpty else { return }
        let job = InserterJob(inserter: inserter, batch: filling)
        filling = spare ?? TicketBatch()
        spare = nil
        lastJob = job
        inFlight.wait()
        worker.async { [inFlight] in
            job.run()
            inFlight.signal()
        }
    }

    /// Waits for the job in flight; its batch comes back as the spare, its error is thrown here.
    private func waitForInserter() throws {
        guard let job = lastJob else { return }
        waitUntilIdle()
        lastJob = nil
        if let error = job.error { throw error }
        job.batch.removeAll()
        spare = job.batch
    }
}

/// One batch handed to the inserter's thread. The batch and the inserter are used by that thread alone until the
/// caller has waited for the job (the semaphore orders the two), hence `@unchecked`.
private final class InserterJob: @unchecked Sendable {
    let inserter: BatchInserter
    let batch: TicketBatch
    var error: Error?

    init(inserter: BatchInserter, batch: TicketBatch) {
        self.inserter = inserter
        self.batch = batch
    }

    func run() {
        do { try inserter.store(batch) } catch { self.error = error }
    }
}

/// Up to `TicketWriter.ticketsPerHandOff` checked tickets and the rejects met meanwhile, with every byte they need (names included), so the
/// inserter never reads the vocabulary the caller is still adding to.
final class TicketBatch {
    struct Span {
        let offset: Int
        let count: Int
    }

    struct Ticket {
        let ticketID: Span
        let createdAt: Span
        let day: CivilDate
        let dayText: Span
        /// Ids for the day counts; -1 when there is none.
        let queue: Int32
        let priority: Int32
        let queueName: Span?
        let priorityName: Span?
        let priorityWritten: Span?
        let subject: Span?
        let updatedAt: Span?
        let channel: Span?
        let ticketType: Span?
        /// A JSON array, nil when the ticket has no tags.
        let tagsJSON: Span?
        let contentHash: Int64
        let line: Int
        /// Its tag ids, in `tagIDs`.
        let tags: Range<Int>
    }

    let arena = ByteArena()
    // Unchecked: appended to per ticket, and a class's stored arrays are otherwise checked for exclusive access
    // at run time on every use; a batch is used by one thread at a time (see `InserterJob`).
    @exclusivity(unchecked) private(set) var tickets: [Ticket] = []
    @exclusivity(unchecked) private(set) var tagIDs: [Int32] = []
    var rejects: [(line: Int, reason: String, raw: String?)] = []

    var isEmpty: Bool { tickets.isEmpty && rejects.isEmpty }

    func add(_ ticket: CheckedTicket, tags: [Int32], line: Int, vocabulary: LoadVocabulary) {
        func keep(_ bytes: UnsafeBufferPointer<UInt8>) -> Span { Span(offset: arena.append(bytes), count: bytes.count) }
        let tagStart = tagIDs.count
        tagIDs.append(contentsOf: tags)
        var tagsJSON: Span?
        if !tags.isEmpty {
            let start = arena.count
            vocabulary.appendTagsJSON(tags, to: arena)
            tagsJSON = Span(offset: start, count: arena.count - start)
        }
        tickets.append(Ticket(
            ticketID: keep(ticket.ticketID), createdAt: keep(ticket.createdAt), day: ticket.day,
            dayText: Span(offset: arena.append(count: 10) { ticket.day.writeText(to: $0) }, count: 10),
            queue: ticket.queue, priority: ticket.priority,
            queueName: ticket.queue < 0 ? nil : keep(vocabulary.queues.bytes(ticket.queue)),
            priorityName: ticket.priority < 0 ? nil : keep(vocabulary.priorities.bytes(ticket.priority)),
            priorityWritten: ticket.priorityWritten.map(keep), subject: ticket.subject.map(keep),
            updatedAt: ticket.updatedAt.map(keep), channel: ticket.channel.map(keep),
            ticketType: ticket.ticketType.map(keep), tagsJSON: tagsJSON, contentHash: ticket.contentHash, line: line,
            tags: tagStart..<tagIDs.count))
    }

    func bytes(_ span: Span) -> UnsafeBufferPointer<UInt8> { arena.span(span.offset, span.count) }

    func text(_ span: Span?) -> String? { span.map { String(decoding: bytes($0), as: UTF8.self) } }

    func removeAll() {
        tickets.removeAll(keepingCapacity: true)
        tagIDs.removeAll(keepingCapacity: true)
        rejects.removeAll(keepingCapacity: true)
        arena.removeAll()
    }
}

/// The SQLite side of a load: stores batches, resolves repeated ids (`TicketUpdates`), counts the stored tickets
/// per day, and at the end writes the day counts and the file's manifest row.
///
/// Row ids are assigned here (after the largest stored one, under the transaction's write lock), so the rare
/// batch that stored fewer rows than it had (`ON CONFLICT DO NOTHING` skipped a repeated id without failing the
/// batch) tells which went in by id.
private final class BatchInserter {
    private let db: Database
    private let fileID: Int64
    private let source: String
    private var tally = DailyTally()
    private var summary: FileSummary
    private var nextRowID: Int64
    private let insertTickets: MultiRowInsert
    /// A repeated id: an update, an unchanged repeat, or an older version.
    private let updates: TicketUpdates
    /// Days of tickets updated in place (recounted by `aggregate`), for the summary's day count.
    private var updatedDays: Set<Int> = []
    private let insertReject: Statement

    init(db: Database, fileID: Int64, source: String, helpdesk: TicketSource) throws {
        self.db = db
        self.fileID = fileID
        self.source = source
        summary = FileSummary(source: source)
        nextRowID = (try db.scalar("SELECT coalesce(max(id), 0) + 1 FROM tickets")?.int).map(Int64.init) ?? 1
        // OR FAIL, not the default ABORT, for the constraints the upsert does not cover (NOT NULL, the row id):
        // a multi-row statement that may abort has SQLite copy every page it touches into a statement journal
        // first, to undo its own earlier rows; a year's load wrote ~1 GB of such copies. A failure here fails
        // the whole file's transaction anyway, so the statement's earlier rows need no undo of their own.
        insertTickets = MultiRowInsert(
            db, head: """
                INSERT OR FAIL INTO tickets(id, ticket_id, created_at, day, queue, priority, priority_raw, subject, content_hash,
                                    file_id, line, tags, updated_at, channel, ticket_type)
                """,
            columnsPerRow: 15, rowsPerStatement: TicketWriter.ticketsPerStatement, tail: "ON CONFLICT(ticket_id) DO NOTHING")
        updates = try TicketUpdates(db: db, fileID: fileID, helpdesk: helpdesk)
        insertReject = try db.prepare("INSERT INTO ingest_rejects(file_id, source, line, reason, raw) VALUES (?, ?, ?, ?, ?)")
    }

    func store(_ batch: TicketBatch) throws {
        for reject in batch.rejects { try self.reject(line: reject.line, reason: reject.reason, raw: reject.raw) }
        let count = batch.tickets.count
        for start in stride(from: 0, to: count, by: TicketWriter.ticketsPerStatement) {
            try storeTickets(batch, start..<min(start + TicketWriter.ticketsPerStatement, count))
        }
    }

    /// The day counts and the manifest row; `vocabulary` names the counted ids (the caller has stopped adding).
    func finish(vocabulary: LoadVocabulary) throws -> FileSummary {
        try tally.record(in: db, vocabulary: vocabulary)
        try db.run("""
            UPDATE ingest_files SET rows_loaded = ?, rows_duplicate = ?, rows_changed = ?, rows_updated = ?, rows_outdated = ?,
                rows_rejected = ? WHERE id = ?
            """, [SQLValue(summary.loaded), SQLValue(summary.duplicates), SQLValue(summary.updated + summary.outdated),
                  SQLValue(summary.updated), SQLValue(summary.outdated), SQLValue(summary.rejected), .integer(fileID)])
        summary.days = tally.dayNumbers.union(updatedDays).count
        return summary
    }

    private func reject(line: Int, reason: String, raw: String?) throws {
        try insertReject.run([.integer(fileID), .text(source), SQLValue(line), .text(reason), SQLValue(raw)])
        summary.rejected += 1
    }

    /// One statement's worth of a batch's tickets.
    private func storeTickets(_ batch: TicketBatch, _ range: Range<Int>) throws {
        // Locals, not properties, inside the loops: a class's stored properties are checked for exclusive
        // access at run time on every use.
        let tickets = batch.tickets[range], n = tickets.count, firstRowID = nextRowID
        guard n > 0 else { return }
        let statement = try insertTickets.statement(rows: n)
        func bind(_ span: TicketBatch.Span?, at index: Int32) throws {
            guard let span else { return try statement.bindNull(at: index) }
            try statement.bindBorrowedText(batch.bytes(span), at: index)
        }
        for (r, ticket) in tickets.enumerated() {
            let base = Int32(r * insertTickets.columnsPerRow)
            try statement.bindInt64(firstRowID + Int64(r), at: base + 1)
            try bind(ticket.ticketID, at: base + 2)
            try bind(ticket.createdAt, at: base + 3)
            try bind(ticket.dayText, at: base + 4)
            try bind(ticket.queueName, at: base + 5)
            try bind(ticket.priorityName, at: base + 6)
            try bind(ticket.priorityWritten, at: base + 7)
            try bind(ticket.subject, at: base + 8)
            try statement.bindInt64(ticket.contentHash, at: base + 9)
            try statement.bindInt64(fileID, at: base + 10)
            try statement.bindInt64(Int64(ticket.line), at: base + 11)
            try bind(ticket.tagsJSON, at: base + 12)
            try bind(ticket.updatedAt, at: base + 13)
            try bind(ticket.channel, at: base + 14)
            try bind(ticket.ticketType, at: base + 15)
        }
        while try statement.step() {}
        let stored = db.changes
        statement.resetKeepingBindings()  // every parameter is bound again before the next step

        // Fewer rows than the batch had: some ids were stored before. Which rows went in decides the rest.
        var storedRowIDs: Set<Int64>?
        if stored < n {
            let rows = try db.query("SELECT id FROM tickets WHERE id BETWEEN ? AND ?",
                                    [.integer(firstRowID), .integer(firstRowID + Int64(n) - 1)])
            storedRowIDs = Set(rows.compactMap { $0[0].int.map(Int64.init) })
        }
        let tagIDs = batch.tagIDs
        for (r, ticket) in tickets.enumerated() {
            if let storedRowIDs, !storedRowIDs.contains(firstRowID + Int64(r)) {
                try repeated(ticket, in: batch)
                continue
            }
            tally.count(day: ticket.day, priority: ticket.priority, queue: ticket.queue, tags: tagIDs[ticket.tags])
        }
        summary.loaded += stored
        nextRowID += Int64(n)
    }

    /// A ticket id stored before (by an earlier file or earlier in this one) is never stored twice, but a newer
    /// version replaces it (`TicketUpdates`). Rare on a load, so the ticket goes over as text.
    private func repeated(_ ticket: TicketBatch.Ticket, in batch: TicketBatch) throws {
        let stored = StoredTicket(
            ticketID: batch.text(ticket.ticketID)!, createdAtUTC: batch.text(ticket.createdAt)!, day: ticket.day,
            queue: batch.text(ticket.queueName), priority: batch.text(ticket.priorityName),
            priorityRaw: batch.text(ticket.priorityWritten), subject: batch.text(ticket.subject),
            tagsJSON: batch.text(ticket.tagsJSON), contentHash: ticket.contentHash,
            updatedAtUTC: batch.text(ticket.updatedAt), channel: batch.text(ticket.channel),
            ticketType: batch.text(ticket.ticketType))
        let (outcome, sameFile) = try updates.apply(stored, line: ticket.line)
        if sameFile { summary.earlierVersions += 1 }
        switch outcome {
        case .duplicate: summary.duplicates += 1
        case .updated(let days):
            summary.updated += 1
            updatedDays.formUnion(days.map(\.daysSinceEpoch))
        case .outdated: summary.outdated += 1
        case .conflict(let reason): try reject(line: ticket.line, reason: reason, raw: nil)
        }
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
    /// Rows whose ticket had another row in the same file (an event log, or an export listing a ticket per
    /// change): one of each pair was an earlier version. Also counted above as duplicate, updated or outdated.
    public var earlierVersions = 0
    /// Rows of only separators (spreadsheets pad exports with them): skipped, not rejected.
    public var emptyRows = 0
    public var days = 0
    /// The SHA-256 of the file's content, as `ingest_files` records it.
    public var contentSHA256 = ""
    /// Set when the same content was loaded before: (its source then, when).
    public var alreadyLoadedAs: String?
    public var alreadyLoadedAt: String?
    public var ignoredColumns: [String] = []
    /// The date pattern read from the values (day or month first), when the file gave no ISO dates.
    public var inferredDateFormat: String?
    /// The tool that wrote the file (`--source`, or detected).
    public var helpdesk: TicketSource = .generic

    public init(source: String) {
        self.source = source
    }
}
