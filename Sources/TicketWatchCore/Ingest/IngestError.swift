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

    public var description: String {
        switch self {
        case .fileMissing(let path):
            "\(path): no such file; check the path (nothing was loaded from it)"
        case let .fileUnreadable(path, reason):
            "\(path): cannot read it (\(reason)); check its permissions (nothing was loaded from it)"
        case .emptyFile(let path):
            "\(path): the file is empty, it has no header row (nothing was loaded from it)"
        case let .noDateColumn(source, header):
            "\(source): no date column among [\(header.joined(separator: ", "))]; looked for "
                + TicketField.createdAt.aliases.joined(separator: ", ")
                + ". Name it with --column created_at=HEADER, or give --timeline synthetic or --timeline batch:N for data without dates (nothing was loaded from it)"
        case let .mappedColumnMissing(source, field, header, available):
            "\(source): --column \(field.rawValue)=\(header) names a column the header does not have (it has: \(available.joined(separator: ", "))) (nothing was loaded from it)"
        case .unknownFormat(let source):
            "\(source): cannot tell whether it is CSV or JSONL; name it *.csv or *.jsonl, or give --format csv|jsonl"
        case let .badColumnOption(text, reason):
            "--column \(text): \(reason)"
        case .badTimeline(let text):
            "--timeline \(text): expected 'synthetic' or 'batch:N' with N a positive number of tickets per day"
        }
    }
}
