/// A record that passed validation, in the form it is stored. Its spans borrow the reader's and the validator's
/// buffers and its names are ids in the load's `LoadVocabulary`: the writer copies what it keeps before the
/// next record is read. Tag ids are in `TicketValidator.tagIDs`.
struct CheckedTicket {
    let ticketID: UnsafeBufferPointer<UInt8>
    /// UTC, ISO 8601 with 'Z', as `tickets.created_at` stores it.
    let createdAt: UnsafeBufferPointer<UInt8>
    let day: CivilDate
    /// -1 when the input had none.
    let queue: Int32
    let priorityWritten: UnsafeBufferPointer<UInt8>?
    /// -1 when the input had none.
    let priority: Int32
    let subject: UnsafeBufferPointer<UInt8>?
    /// UTC, ISO 8601, as `created_at`; nil when the export has no update time.
    let updatedAt: UnsafeBufferPointer<UInt8>?
    let channel: UnsafeBufferPointer<UInt8>?
    let ticketType: UnsafeBufferPointer<UInt8>?
    let contentHash: Int64
}

/// Turns what a record said into a stored ticket, or into the reason it is rejected. Works on bytes: a String
/// per field cost more than SQLite's own work on a million-row load.
struct TicketValidator {
    var timestamps: TimestampParser
    /// Used as ticket id prefix when the file has no id column: ids then come from the file and line.
    let fileKey: String
    let hasIDColumn: Bool
    let vocabulary: LoadVocabulary
    /// A file's own date form (`--date-format`, or the day/month order its values settled); ISO is read anyway.
    var dates: DatePattern?
    /// `--null` markers: NULL in an optional field, a reject in the id or the date.
    var nulls: NullMarkers?
    /// The last valid ticket's tags, as ids in `vocabulary.tags`, in input order.
    private(set) var tagIDs: [Int32] = []
    /// Holds what the validator writes itself (the UTC text, a made-up id) until the next record.
    private let scratch = ByteArena(capacity: 256)
    /// A date in `dates`' form rewritten as ISO text, for the parser.
    private let isoScratch = ByteArena(capacity: 64)

    init(timestamps: TimestampParser, fileKey: String, hasIDColumn: Bool, vocabulary: LoadVocabulary) {
        self.timestamps = timestamps
        self.fileKey = fileKey
        self.hasIDColumn = hasIDColumn
        self.vocabulary = vocabulary
    }

    enum Outcome {
        case valid(CheckedTicket)
        case rejected(String)
    }

    mutating func validate(_ fields: TicketFields, line: Int, timelineDay: CivilDate?) -> Outcome {
        guard let nulls else { return validateFields(fields, line: line, timelineDay: timelineDay) }
        if hasIDColumn, let marker = nulls.marker(fields.ticketID) {
            return .rejected("ticket_id is '\(marker)', a missing-value marker (--null)")
        }
        if timelineDay == nil, let marker = nulls.marker(fields.createdAt) {
            return .rejected("created_at is '\(marker)', a missing-value marker (--null)")
        }
        var cleared = fields
        cleared.queue = nulls.clear(fields.queue)
        cleared.priority = nulls.clear(fields.priority)
        cleared.subject = nulls.clear(fields.subject)
        cleared.updatedAt = nulls.clear(fields.updatedAt)
        cleared.channel = nulls.clear(fields.channel)
        cleared.ticketType = nulls.clear(fields.ticketType)
        cleared.tagList = nulls.clear(fields.tagList)
        cleared.tagValues = fields.tagValues.filter { nulls.marker($0) == nil }
        return validateFields(cleared, line: line, timelineDay: timelineDay)
    }

    /// A time stamp as written, or rewritten from the file's date form when it has one and the text is not ISO.
    private mutating func parseTime(_ text: UnsafeBufferPointer<UInt8>) -> ResolvedTimestamp? {
        guard let dates, !DatePattern.looksISO(text) else { return timestamps.parse(bytes: text) }
        isoScratch.removeAll()
        guard dates.writeISO(text, to: isoScratch) else { return nil }
        return timestamps.parse(bytes: isoScratch.span(0, isoScratch.count))
    }

    private var expectedForm: String {
        guard let dates else { return TimestampParser.expectedForm + " (or give its form with --date-format)" }
        return "expected the date format '\(dates.pattern)' or an ISO 8601 date such as 2025-01-31T09:15:00Z"
    }

    private mutating func validateFields(_ fields: TicketFields, line: Int, timelineDay: CivilDate?) -> Outcome {
        scratch.removeAll()
        var givenID = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        var madeIDLength = 0
        if hasIDColumn {
            guard let id = fields.ticketID.map(Whitespace.trimmed), !id.isEmpty else {
                return .rejected("missing required field ticket_id")
            }
            givenID = id
        } else {
            var made = "\(fileKey):\(line)"
            madeIDLength = made.withUTF8 { scratch.append($0); return $0.count }
        }

        let resolved: ResolvedTimestamp
        if let timelineDay {
            resolved = ResolvedTimestamp(epochSeconds: timelineDay.daysSinceEpoch * 86_400, day: timelineDay)
        } else {
            guard let text = fields.createdAt, !Whitespace.trimmed(text).isEmpty else {
                return .rejected("missing required field created_at")
            }
            guard let parsed = parseTime(text) else {
                let shown = String(decoding: text, as: UTF8.self).prefix(60)
                return .rejected("unparseable created_at '\(shown)': \(expectedForm)")
            }
            resolved = parsed
        }
        guard (1...9999).contains(resolved.day.year) else {
            return .rejected("created_at falls in year \(resolved.day.year), outside 0001-9999")
        }
        let createdAtOffset = scratch.count
        resolved.writeUTCText(to: scratch)
        let updatedAtOffset = scratch.count
        if let text = fields.updatedAt, !Whitespace.trimmed(text).isEmpty {
            guard let parsed = parseTime(text) else {
                let shown = String(decoding: text, as: UTF8.self).prefix(60)
                return .rejected("unparseable updated_at '\(shown)': \(expectedForm)")
            }
            parsed.writeUTCText(to: scratch)
        }
        // Spans into the scratch arena are taken after its last append: growing moves it.
        let createdAt = scratch.span(createdAtOffset, updatedAtOffset - createdAtOffset)
        let updatedAt = scratch.count > updatedAtOffset ? scratch.span(updatedAtOffset, scratch.count - updatedAtOffset) : nil
        let ticketID = hasIDColumn ? givenID : scratch.span(0, madeIDLength)

        let queueBytes = fields.queue.flatMap { $0.isEmpty ? nil : $0 }
        let written = fields.priority.flatMap { $0.isEmpty ? nil : $0 }
        let subject = fields.subject.flatMap { $0.isEmpty ? nil : $0 }
        let channel = fields.channel.flatMap { $0.isEmpty ? nil : $0 }
        let ticketType = fields.ticketType.flatMap { $0.isEmpty ? nil : $0 }

        // The fingerprint takes the fields in this order, each followed by 0x1F (FNV1a.combine(String?)), so
        // warehouses loaded by earlier versions compare equal.
        var hash = FNV1a()
        hash.combineField(createdAt)
        hash.combineField(queueBytes)
        hash.combineField(written)
        tagIDs.removeAll(keepingCapacity: true)
        if let list = fields.tagList {
            ByteText.forEachTag(in: list) { tag in
                hash.combineField(tag)
                tagIDs.append(vocabulary.tags.intern(tag))
            }
        }
        for value in fields.tagValues {
            let tag = Whitespace.trimmed(value)
            guard !tag.isEmpty else { continue }
            hash.combineField(tag)
            tagIDs.append(vocabulary.tags.intern(tag))
        }
        hash.combineField(subject)
        // Only when present, so a generic ticket keeps the hash it had before these fields existed (a re-export
        // of a file loaded by an older version is then still an unchanged repeat).
        if channel != nil || ticketType != nil {
            hash.combineField(channel)
            hash.combineField(ticketType)
        }

        return .valid(CheckedTicket(
            ticketID: ticketID, createdAt: createdAt, day: resolved.day,
            queue: queueBytes.map { vocabulary.queues.intern($0) } ?? -1,
            priorityWritten: written, priority: written.map { vocabulary.priority(written: $0) } ?? -1,
            subject: subject, updatedAt: updatedAt, channel: channel, ticketType: ticketType, contentHash: hash.int64))
    }
}

extension FNV1a {
    /// One field of a fingerprint: its bytes, then the 0x1F separator (nil gives the separator alone).
    mutating func combineField(_ bytes: UnsafeBufferPointer<UInt8>?) {
        if let bytes { combine(bytes) }
        combine(CollectionOfOne(0x1f))
    }
}
