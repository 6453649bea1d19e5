/// Why a file could not be loaded at all. Each names the file and says what to do; rows that are merely bad
/// are not errors but rejects (`ingest_rejects`).
public enum IngestError: Error, CustomStringConvertible {
    case fileMissing(String)
    case fileUnreadable(String, reason: String)
    case emptyFile(String)
    case noDateColumn(source: String, header: [String])
    case mappedColumnMissing(source: String, field: TicketField, header: String, available: [String])
    case unknownFormat(source: String)
    case badColumnOption(String, reason: String)
    case badTimeline(String)
    case wrongSource(source: String, given: TicketSource, likely: TicketSource, evidence: String)
    case jiraColumnMissing(source: String, column: String, available: [String])
    case badDateFormat(String)
    case badGroupOption(String, reason: String)
    case groupFile(String, reason: String)
    case optionNotForSource(option: String, source: String, kind: TicketSource)
    case dateFormatNotForSource(source: String, kind: TicketSource)

    public var description: String {
        switch self {
        case .fileMissing(let path):
            "\(path): no such file; check the path (nothing was loaded from it)"
        case let .fileUnreadable(path, reason):
            "\(path): cannot read it (\(reason)); check its permissions (nothing was loaded from it)"
        case .emptyFile(let path):
            "\(path): the file is empty, it has no header row (nothing was loaded from it)"
        case let .noDateColumn(source, header):
            "\(source): no date column among [\(Self.shown(header))]; looked for "
                + TicketField.createdAt.aliases.joined(separator: ", ")
                + ". Name it with --column created_at=HEADER, or give --timeline synthetic or --timeline batch:N for data without dates (nothing was loaded from it)"
        case let .mappedColumnMissing(source, field, header, available):
            "\(source): --column \(field.rawValue)=\(AlertFormatter.printable(header)) names a column the header does not have (it has: \(Self.shown(available))) (nothing was loaded from it)"
        case .unknownFormat(let source):
            "\(source): cannot tell whether it is CSV or JSONL; name it *.csv or *.jsonl, or give --format csv|jsonl"
        case let .badColumnOption(text, reason):
            "--column \(text): \(reason)"
        case .badTimeline(let text):
            "--timeline \(text): expected 'synthetic' or 'batch:N' with N a positive number of tickets per day"
        case let .wrongSource(source, given, likely, evidence):
            "\(source): this does not look like a \(given.displayName) but like a \(likely.displayName) (\(evidence)). "
                + "Give --source \(likely.rawValue), or leave --source out to detect it (nothing was loaded from it)"
        case let .jiraColumnMissing(source, column, available):
            "\(source): no \"\(column)\" column in this Jira CSV (it has: \(Self.shown(Array(available.prefix(40))))\(available.count > 40 ? ", …" : "")). "
                + "Export with \"Export CSV (all fields)\", or name the queue column with --queue-column (nothing was loaded from it)"
        case .badDateFormat(let format):
            "--date-format '\(format)': not a usable date pattern (it cannot read back a date it writes); Jira's default is 'dd/MMM/yy h:mm a', as in 28/Nov/25 5:03 PM"
        case let .badGroupOption(text, reason):
            "--map-group \(text): \(reason)"
        case let .groupFile(path, reason):
            "\(path) (group list): \(reason)"
        case let .optionNotForSource(option, source, kind):
            "\(source): \(option) applies to generic files, and this is a \(kind.displayName); its columns are read by name (nothing was loaded from it)"
        case let .dateFormatNotForSource(source, kind):
            "\(source): --date-format (config: ingest.date_format) is not applied to a \(kind.displayName) yet: its "
                + "dates are read as ISO 8601 (2025-02-05 or 2025-02-05T13:32:57Z), and the format would leave every other "
                + "date rejected. Leave the date format out for this file; it applies to Jira CSV exports (nothing was "
                + "loaded from it)"
        }
    }

    /// A file's header names, as the terminal should show them: they are the file's data, and may carry escape
    /// sequences or bidi overrides.
    static func shown(_ names: [String]) -> String {
        names.map(AlertFormatter.printable).joined(separator: ", ")
    }
}
