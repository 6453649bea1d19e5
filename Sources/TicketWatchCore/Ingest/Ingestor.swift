import Foundation
import Logging

/// How far a file's load has got, for a progress line on long loads.
public struct IngestProgress: Sendable {
    public let source: String
    public let bytesRead: Int
    public let fileSize: Int
    public let records: Int

    public var fraction: Double { fileSize > 0 ? min(1, Double(bytesRead) / Double(fileSize)) : 1 }
}

/// How `ingest` reads its files.
public struct IngestOptions: Sendable {
    public var format: TicketFormat?
    public var mapping: ColumnMapping
    public var timeline: Timeline
    /// Which helpdesk wrote the files (or detect it), and what its exports need (group names, Jira's dates).
    public var sources: SourceOptions
    /// How the exports write their rows: delimiter, date form, missing-value markers, priority scale, tag columns.
    public var dialect: ImportDialect

    public init(format: TicketFormat? = nil, mapping: ColumnMapping = ColumnMapping(), timeline: Timeline = .timestamps,
                sources: SourceOptions = SourceOptions(), dialect: ImportDialect = ImportDialect()) {
        self.format = format
        self.mapping = mapping
        self.timeline = timeline
        self.sources = sources
        self.dialect = dialect
    }
}

/// Loads ticket files into the warehouse, losslessly: every record becomes a ticket, a counted duplicate, or a
/// row in `ingest_rejects` saying where it was and why.
///
/// Every file is checked (present, readable, a usable header) before any is loaded, so a typo in the third path
/// does not leave the first two half-done; then each file is one transaction.
public final class Ingestor {
    private let warehouse: Warehouse
    private let options: IngestOptions
    private let logger: Logger
    /// Called every few thousand records while a file loads.
    private let progress: ((IngestProgress) -> Void)?
    private static let progressInterval = 16_384
    /// Page cache during a load. Peak memory is almost all page cache; this keeps a load well under 128 MiB.
    static let cacheKiB = 32 * 1024

    public init(warehouse: Warehouse, options: IngestOptions, logger: Logger,
                progress: ((IngestProgress) -> Void)? = nil) {
        self.warehouse = warehouse
        self.options = options
        self.logger = logger
        self.progress = progress
    }

    private func report(_ input: InputFile, bytesRead: Int, fileSize: Int, records: Int) {
        guard let progress, records % Ingestor.progressInterval == 0 else { return }
        progress(IngestProgress(source: input.source, bytesRead: bytesRead, fileSize: fileSize, records: records))
    }

    /// Loads `sources` (paths, or "-" for standard input) and returns one summary per file.
    public func ingest(_ sources: [String], onFileDone: (FileSummary) -> Void = { _ in }) throws -> [FileSummary] {
        var prepared: [PreparedFile] = []
        defer { prepared.forEach { $0.input.cleanUp() } }
        for source in sources {
            let input = try InputFile(source: source, format: options.format)
            // Listed before it is examined, so a spooled standard input is removed even when examining fails.
            prepared.append(PreparedFile(input: input))
            let kind = try PreparedSource.prepare(input, options: options)
            prepared[prepared.count - 1].kind = kind
            if kind.kind == .generic {
                try prepareGeneric(&prepared[prepared.count - 1])
            }
        }
        // The writer only refers to the file row and the ticket rows it has just written itself, so checking
        // those references row by row (a B-tree lookup per ticket and per tag) buys nothing during a load. A
        // larger page cache keeps the ticket-id index in memory on big files.
        let db = warehouse.db
        try db.execute("PRAGMA foreign_keys = OFF; PRAGMA cache_size = -\(Ingestor.cacheKiB)")
        defer { try? db.execute("PRAGMA foreign_keys = ON; PRAGMA cache_size = -2000") }
        let history = try db.scalar("SELECT NOT EXISTS (SELECT 1 FROM tickets)")?.int == 1
        let rollbackJournal = history && warehouse.switchToRollbackJournal()
        defer { if rollbackJournal { warehouse.switchToWriteAheadLog() } }
        var summaries: [FileSummary] = []
        for file in prepared {
            let summary = try load(file)
            onFileDone(summary)
            summaries.append(summary)
        }
        return summaries
    }

    /// A generic file's delimiter, columns and date form, settled before anything is loaded.
    private func prepareGeneric(_ file: inout PreparedFile) throws {
        let input = file.input
        if input.format == .csv {
            file.delimiter = options.dialect.delimiter ?? DelimiterSniffer.detect(path: input.path)
            let header = try CSVHeader.read(input, delimiter: file.delimiter)
            let columns = try options.mapping.resolve(header: header, source: input.source, dialect: options.dialect)
            if columns.index[.createdAt] == nil, options.timeline == .timestamps {
                throw IngestError.noDateColumn(source: input.source, header: Array(header.prefix(columns.namedCount)),
                                               delimiter: file.delimiter)
            }
            file.columns = columns
        }
        if let format = options.dialect.dateFormat {
            file.dates = try DatePattern(format)
        } else if options.timeline == .timestamps {
            let form = try DateForm.infer(file, mapping: options.mapping)
            file.dates = form.map { try? DatePattern($0) } ?? nil
            file.inferredDateFormat = form
        }
    }

    /// Loads one pulled page in one transaction, with `alongside` (the source's cursor) in the same one: the
    /// page's tickets and the cursor that moved past them commit together or not at all. A page whose exact bytes
    /// were loaded before is recognised by its hash and loads nothing, as a file does; `alongside` still runs.
    func load(page: PulledPage, alongside: @escaping (Database) throws -> Void) throws -> FileSummary {
        try load(.page(page), alongside: alongside)
    }

    private func load(_ file: PreparedFile) throws -> FileSummary {
        try load(.file(file), alongside: { _ in })
    }

    /// One load unit, one transaction: its `ingest_files` row, then every record through the validator and the
    /// writer, whatever read it.
    private func load(_ unit: LoadUnit, alongside: (Database) throws -> Void) throws -> FileSummary {
        let db = warehouse.db
        return try db.writeTransaction {
            if let earlier = try db.query(
                "SELECT source, loaded_at FROM ingest_files WHERE content_sha256 = ?", [.text(unit.sha256)]).first {
                var summary = FileSummary(source: unit.source)
                summary.contentSHA256 = unit.sha256
                summary.alreadyLoadedAs = earlier[0].string
                summary.alreadyLoadedAt = earlier[1].string
                logger.info("already loaded", metadata: ["source": "\(unit.source)", "sha256": "\(unit.sha256)"])
                try alongside(db)
                return summary
            }
            try db.run("""
                INSERT INTO ingest_files(source, content_sha256, format, timeline, bytes, loaded_at, helpdesk)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [.text(unit.source), .text(unit.sha256), .text(unit.format.rawValue),
                      .text(options.timeline.recorded), SQLValue(unit.bytes), .text(Clock.nowUTC()),
                      .text(unit.helpdesk.rawValue)])
            let vocabulary = LoadVocabulary(source: unit.helpdesk, priorityMap: options.dialect.priorityMap)
            let writer = try TicketWriter(db: db, fileID: db.lastInsertRowID, source: unit.source,
                                          vocabulary: vocabulary, helpdesk: unit.helpdesk)
            // The writer stores batches on a second thread: it must be idle before this transaction ends either way.
            defer { writer.waitUntilIdle() }
            var validator = TicketValidator(
                timestamps: TimestampParser(timeZone: warehouse.timeZone),
                fileKey: String(unit.sha256.prefix(12)),
                hasIDColumn: unit.columns.map { $0.index[.ticketID] != nil } ?? true,
                vocabulary: vocabulary)
            var clock = TimelineClock(options.timeline)
            var emptyRows = 0
            switch unit {
            case .file(let file):
                validator.dates = file.dates
                validator.nulls = NullMarkers(options.dialect.nullMarkers)
                emptyRows = try loadFile(file, writer: writer, validator: &validator, clock: &clock)
            case .page(let page):
                for (index, record) in page.records.enumerated() {
                    switch record {
                    case let .ticket(raw, text):
                        try writer.take(raw, line: index + 1, rawText: text, day: clock.nextDay(),
                                        validator: &validator)
                    case let .malformed(reason, text):
                        try writer.reject(line: index + 1, reason: reason, raw: text)
                    }
                }
            }
            var summary = try writer.finish()
            try vocabulary.priorityNames.record(in: db)
            try alongside(db)
            summary.helpdesk = unit.helpdesk
            summary.contentSHA256 = unit.sha256
            summary.ignoredColumns = unit.columns?.ignored ?? []
            summary.emptyRows = emptyRows
            if case .file(let file) = unit { summary.inferredDateFormat = file.inferredDateFormat }
            logger.info("loaded", metadata: [
                "source": "\(unit.source)", "loaded": "\(summary.loaded)", "rejected": "\(summary.rejected)",
                "empty_rows": "\(summary.emptyRows)", "earlier_versions": "\(summary.earlierVersions)",
            ])
            return summary
        }
    }

    /// A file's records by its reader; returns the rows of only separators, skipped.
    private func loadFile(_ file: PreparedFile, writer: TicketWriter, validator: inout TicketValidator,
                          clock: inout TimelineClock) throws -> Int {
        let input = file.input
        switch (file.kind.kind, input.format) {
        case (.generic, .csv):
            return try loadCSV(file, columns: file.columns!, writer: writer, validator: &validator, clock: &clock)
        case (.generic, .jsonl):
            try loadJSONL(input, writer: writer, validator: &validator, clock: &clock)
        default:
            let loader = HelpdeskLoader(source: file.kind.kind, options: options.sources) { bytes, size, records in
                self.report(input, bytesRead: bytes, fileSize: size, records: records)
            }
            try loader.load(input, jira: file.kind.jira, writer: writer, validator: &validator, clock: &clock)
        }
        return 0
    }

    /// Returns the number of rows of only separators, skipped.
    private func loadCSV(
        _ file: PreparedFile, columns: ColumnMapping.CSVColumns, writer: TicketWriter,
        validator: inout TicketValidator, clock: inout TimelineClock
    ) throws -> Int {
        let input = file.input
        let scanner = try CSVScanner(path: input.path, delimiter: file.delimiter)
        _ = try scanner.next()  // the header, already read
        let used = columns.index.sorted { $0.value < $1.value }
        let checkedColumns = used.map(\.value) + columns.tagColumns + columns.namedTagColumns.map(\.index)
        let unnamedColumns = columns.namedCount < columns.headerCount
        let tagColumns = TagColumnReader(columns: columns.namedTagColumns, nulls: validator.nulls)
        var fields = TicketFields()
        var records = 0, emptyRows = 0
        while let item = try scanner.next() {
            records += 1
            report(input, bytesRead: scanner.bytesRead, fileSize: scanner.fileSize, records: records)
            switch item {
            case let .malformed(line, reason, raw):
                _ = clock.nextDay()
                try writer.reject(line: line, reason: reason, raw: raw)
            case .record(let record):
                if record.isBlank {
                    emptyRows += 1
                    continue
                }
                let day = clock.nextDay()
                // Spreadsheets pad a header with unnamed columns: a row may stop at the named ones or fill them,
                // but a value under no name means the row is not what the header says.
                if record.count != columns.headerCount || unnamedColumns {
                    if let reason = columns.fieldCountProblem(record) {
                        try writer.reject(line: record.line, reason: reason, raw: record.rawText)
                        continue
                    }
                }
                if let bad = checkedColumns.first(where: { !record.isValidUTF8($0) }) {
                    try writer.reject(line: record.line, reason: "invalid UTF-8 in column \(bad + 1)", raw: nil)
                    continue
                }
                fields.reset()
                for (field, index) in used {
                    let value = record.field(index)
                    switch field {
                    case .ticketID: fields.ticketID = value
                    case .createdAt: fields.createdAt = value
                    case .queue: fields.queue = value
                    case .priority: fields.priority = value
                    case .tags: fields.tagList = value
                    case .subject: fields.subject = value
                    case .updatedAt: fields.updatedAt = value
                    }
                }
                for index in columns.tagColumns { fields.tagValues.append(record.field(index)) }
                if !columns.namedTagColumns.isEmpty { tagColumns.append(record, to: &fields) }
                switch validator.validate(fields, line: record.line, timelineDay: day) {
                case .valid(let ticket): try writer.write(ticket, tags: validator.tagIDs, line: record.line)
                case .rejected(let reason): try writer.reject(line: record.line, reason: reason, raw: record.rawText)
                }
            }
        }
        return emptyRows
    }

    private func loadJSONL(
        _ input: InputFile, writer: TicketWriter, validator: inout TicketValidator, clock: inout TimelineClock
    ) throws {
        let scanner = try LineScanner(path: input.path)
        let mapping = options.mapping, dialect = options.dialect, nulls = validator.nulls
        var records = 0
        while let item = try scanner.next() {
            records += 1
            report(input, bytesRead: scanner.bytesRead, fileSize: scanner.fileSize, records: records)
            let day = clock.nextDay()
            let text = item.string
            guard !item.tooLong else {
                try writer.reject(line: item.line, reason: "line longer than \(scanner.maxRecordBytes) bytes", raw: String(text.prefix(200)))
                continue
            }
            guard item.isValidUTF8 else {
                try writer.reject(line: item.line, reason: "invalid UTF-8", raw: nil)
                continue
            }
            let object: [String: Any]
            do {
                guard let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) as? [String: Any] else {
                    try writer.reject(line: item.line, reason: "not a JSON object", raw: text)
                    continue
                }
                object = parsed
            } catch {
                try writer.reject(line: item.line, reason: "invalid JSON: \(JSONText.reason(error))", raw: text)
                continue
            }
            var raw = RawTicket()
            raw.ticketID = mapping.key(for: .ticketID, in: object).flatMap { JSONText.scalar(object[$0]) }
            raw.createdAt = mapping.key(for: .createdAt, in: object).flatMap { JSONText.scalar(object[$0]) }
            raw.queue = mapping.key(for: .queue, in: object).flatMap { JSONText.scalar(object[$0]) }
            raw.priority = mapping.key(for: .priority, in: object).flatMap { JSONText.scalar(object[$0]) }
            raw.subject = mapping.key(for: .subject, in: object).flatMap { JSONText.scalar(object[$0]) }
            raw.updatedAt = mapping.key(for: .updatedAt, in: object).flatMap { JSONText.scalar(object[$0]) }
            if let key = mapping.key(for: .tags, in: object) { raw.tags = JSONFields.tags(object[key]) }
            for key in dialect.tagColumns {
                guard let value = JSONText.scalar(object[key])?.trimmedWhitespace, !value.isEmpty,
                      !(nulls?.isMarker(value) ?? false) else { continue }
                raw.tags.append(dialect.tagPrefix ? "\(key):\(value)" : value)
            }
            try writer.take(raw, line: item.line, rawText: text, day: day, validator: &validator)
        }
    }
}

/// JSON values as ticket text: strings as they are, numbers and booleans written out, null and objects absent.
enum JSONText {
    static func scalar(_ value: Any?) -> String? {
        switch value {
        case let s as String: return s
        case let n as NSNumber:
            // JSON true/false arrive as NSNumber too; their type code is 'c' (char), as on Darwin.
            if String(cString: n.objCType) == "c" { return n.boolValue ? "true" : "false" }
            return n.stringValue
        default: return nil
        }
    }

    static func reason(_ error: Error) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
        return String(text.prefix(160))
    }
}

/// Wall-clock time stamps for bookkeeping columns (`loaded_at`, `first_seen_at`), always UTC ISO 8601.
public enum Clock {
    public static func nowUTC() -> String {
        let epoch = Int(Date().timeIntervalSince1970)
        return ResolvedTimestamp(epochSeconds: epoch, day: CivilDate(daysSinceEpoch: epoch / 86_400)).utcText
    }
}
