/// The record loops of the helpdesk sources: each turns a file into `RawTicket`s and hands them to the same
/// validator and writer as the generic loader, so rejects, duplicates and updates follow one set of rules.
struct HelpdeskLoader {
    let source: TicketSource
    let options: SourceOptions
    /// Called after each record with (bytes read, file size, records so far).
    let progress: (Int, Int, Int) -> Void

    func load(_ input: InputFile, jira: JiraColumns?, writer: TicketWriter, validator: inout TicketValidator,
              clock: inout TimelineClock) throws {
        switch source {
        case .zendesk:
            let reader = ZendeskReader(groups: options.groups)
            try loadJSON(input, read: reader.ticket(from:), writer: writer, validator: &validator, clock: &clock)
        case .freshdesk:
            let reader = FreshdeskReader(groups: options.groups)
            try loadJSON(input, read: reader.ticket(from:), writer: writer, validator: &validator, clock: &clock)
        case .servicenow:
            try loadJSON(input, read: ServiceNowReader.ticket(from:), writer: writer, validator: &validator,
                         clock: &clock)
        case .jira:
            try loadJira(input, columns: jira!, writer: writer, validator: &validator, clock: &clock)
        case .generic:
            preconditionFailure("the generic source is loaded by Ingestor itself")
        }
    }

    private func loadJSON(
        _ input: InputFile, read: ([String: Any]) -> RawTicket, writer: TicketWriter,
        validator: inout TicketValidator, clock: inout TimelineClock
    ) throws {
        var records = 0
        // The closure cannot capture inout parameters: work on copies and hand them back after.
        var localValidator = validator, localClock = clock
        defer { validator = localValidator; clock = localClock }
        try JSONTicketRecords.forEach(path: input.path) { record, bytesRead in
            records += 1
            progress(bytesRead, input.bytes, records)
            let day = localClock.nextDay()
            switch record {
            case let .malformed(line, reason, raw):
                try writer.reject(line: line, reason: reason, raw: raw)
            case let .ticket(object, line, raw):
                try writer.take(read(object), line: line, rawText: raw, day: day, validator: &localValidator)
            }
        }
    }

    private func loadJira(
        _ input: InputFile, columns: JiraColumns, writer: TicketWriter, validator: inout TicketValidator,
        clock: inout TimelineClock
    ) throws {
        let dates = try JiraDates(format: options.jiraDateFormat)
        let scanner = try CSVScanner(path: input.path)
        _ = try scanner.next()  // the header, already read
        let used = columns.used
        var records = 0
        while let item = try scanner.next() {
            records += 1
            progress(scanner.bytesRead, scanner.fileSize, records)
            let day = clock.nextDay()
            let record: CSVRecord
            switch item {
            case let .malformed(line, reason, raw):
                try writer.reject(line: line, reason: reason, raw: raw)
                continue
            case .record(let r):
                record = r
            }
            guard record.count == columns.headerCount else {
                try writer.reject(line: record.line,
                                  reason: "expected \(columns.headerCount) fields (as the header), found \(record.count)",
                                  raw: record.rawText)
                continue
            }
            if let bad = used.first(where: { !record.isValidUTF8($0) }) {
                try writer.reject(line: record.line, reason: "invalid UTF-8 in column \(bad + 1)", raw: nil)
                continue
            }
            var raw = RawTicket()
            raw.ticketID = record.string(columns.issueKey)
            let createdText = record.string(columns.created)
            if !createdText.trimmedWhitespace.isEmpty {
                guard let iso = dates.isoText(createdText) else {
                    try writer.reject(line: record.line, reason: Self.dateReason("Created", createdText, dates), raw: record.rawText)
                    continue
                }
                raw.createdAt = iso
            }
            if let updated = columns.updated {
                let text = record.string(updated)
                if !text.trimmedWhitespace.isEmpty {
                    guard let iso = dates.isoText(text) else {
                        try writer.reject(line: record.line, reason: Self.dateReason("Updated", text, dates), raw: record.rawText)
                        continue
                    }
                    raw.updatedAt = iso
                }
            }
            raw.priority = columns.priority.map(record.string)
            raw.subject = columns.summary.map(record.string)
            raw.ticketType = columns.issueType.map(record.string).flatMap { $0.isEmpty ? nil : $0 }
            raw.queue = columns.queue.lazy.map(record.string).first { !$0.trimmedWhitespace.isEmpty }
            raw.tags = columns.labels.map { record.string($0).trimmedWhitespace }.filter { !$0.isEmpty }
            try writer.take(raw, line: record.line, rawText: record.rawText, day: day, validator: &validator)
        }
    }

    private static func dateReason(_ column: String, _ text: String, _ dates: JiraDates) -> String {
        "unparseable \(column) '\(text.prefix(60))': expected the Jira date format '\(dates.format)' (give the instance's with --date-format) or an ISO date such as 2025-11-28T17:03:00"
    }
}
