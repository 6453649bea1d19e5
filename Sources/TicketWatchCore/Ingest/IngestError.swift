/// Why a file could not be loaded at all. Each names the file and says what to do; rows that are merely bad
/// are not errors but rejects (`ingest_rejects`).
public enum IngestError: Error, CustomStringConvertible {
    case fileMissing(String)
    case fileUnreadable(String, reason: String)
    case emptyFile(String)
    case noDateColumn(source: String, header: [String], delimiter: UInt8 = 0x2C)  // ","
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
    case badDelimiter(String)
    case badPriorityMap(String, reason: String)
    case tagColumnMissing(source: String, header: String, available: [String])
    case ambiguousDayMonth(source: String, column: String, example: String, dayFirst: String, monthFirst: String)
    case mixedDayMonth(source: String, column: String, dayFirstExample: String, monthFirstExample: String)

    public var description: String {
        switch self {
        case .fileMissing(let path):
            "\(path): no such file; check the path (nothing was loaded from it)"
        case let .fileUnreadable(path, reason):
            "\(path): cannot read it (\(reason)); check its permissions (nothing was loaded from it)"
        case .emptyFile(let path):
            "\(path): the file is empty, it has no header row (nothing was loaded from it)"
        case let .noDateColumn(source, header, delimiter):
            "\(source): no date column among [\(Self.shown(header))] (columns separated by \(ImportDialect.name(ofDelimiter: delimiter))"
                + (header.count == 1 ? "; if another separator is used, give --delimiter" : "") + "); looked for "
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
            "--date-format '\(format)': not a usable date pattern (it needs day, month and year, a 12-hour 'h' needs 'a', and letters other than y M d H h m s S a X Z must be quoted); for example 'dd/MM/yyyy HH:mm:ss', 'M/d/yyyy h:mm a', or Jira's default 'dd/MMM/yy h:mm a' as in 28/Nov/25 5:03 PM"
        case .badDelimiter(let text):
            "--delimiter '\(text)': expected one of , ; | or tab (leave it out to detect it from the header)"
        case let .badPriorityMap(text, reason):
            "--priority-map '\(text)': \(reason); expected RAW=PRIORITY pairs such as '1=urgent,2=high,3=medium,4=low,5=low'"
        case let .tagColumnMissing(source, header, available):
            "\(source): --tag-column \(AlertFormatter.printable(header)) names a column the header does not have (it has: \(Self.shown(available.filter { !$0.isEmpty }))) (nothing was loaded from it)"
        case let .ambiguousDayMonth(source, column, example, dayFirst, monthFirst):
            "\(source): the dates in column \(AlertFormatter.printable(column)) read both ways and no value decides (none has a day above 12): '\(AlertFormatter.printable(example))' is "
                + "\(DateOrderInference.reading(example, pattern: dayFirst)) day first or \(DateOrderInference.reading(example, pattern: monthFirst)) month first. "
                + "Give --date-format '\(dayFirst)' (day first) or --date-format '\(monthFirst)' (month first) (nothing was loaded from it)"
        case let .mixedDayMonth(source, column, dayFirstExample, monthFirstExample):
            "\(source): the dates in column \(AlertFormatter.printable(column)) are written both day first ('\(AlertFormatter.printable(dayFirstExample))') and month first ('\(AlertFormatter.printable(monthFirstExample))'). "
                + "Give --date-format with the order the export uses; rows in the other order are then rejected one by one (nothing was loaded from it)"
        case let .badGroupOption(text, reason):
            "--map-group \(text): \(reason)"
        case let .groupFile(path, reason):
            "\(path) (group list): \(reason)"
        case let .optionNotForSource(option, source, kind):
            "\(source): \(option) applies to generic files, and this is a \(kind.displayName); its columns are read by name (nothing was loaded from it)"
        }
    }

    /// A file's header names, as the terminal should show them: they are the file's data, and may carry escape
    /// sequences or bidi overrides.
    static func shown(_ names: [String]) -> String {
        names.map(AlertFormatter.printable).joined(separator: ", ")
    }
}
