/// Which input column (CSV header or JSON key) feeds each ticket field.
public struct ColumnMapping: Sendable {
    /// `--column NAME=HEADER` choices: they win over the recognised names.
    public var overrides: [TicketField: String]

    public init(overrides: [TicketField: String] = [:]) {
        self.overrides = overrides
    }

    /// Parses `NAME=HEADER` (HEADER may itself contain '=').
    public static func parseOverride(_ text: String) throws -> (TicketField, String) {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex, text.index(after: eq) != text.endIndex else {
            throw IngestError.badColumnOption(text, reason: "expected NAME=HEADER, for example created_at=\"Created Date\"")
        }
        let name = String(text[..<eq]).trimmingCharacters(in: .whitespaces)
        guard let field = TicketField(name: name) else {
            let names = TicketField.allCases.map(\.rawValue).joined(separator: ", ")
            throw IngestError.badColumnOption(text, reason: "'\(name)' is not a ticket field (one of: \(names))")
        }
        return (field, String(text[text.index(after: eq)...]))
    }

    /// Header positions of each field in a CSV file.
    struct CSVColumns {
        var index: [TicketField: Int] = [:]
        /// `tag_1` … `tag_N`, in number order, when there is no single tags column.
        var tagColumns: [Int] = []
        var headerCount = 0
        var ignored: [String] = []
    }

    func resolve(header: [String], source: String) throws -> CSVColumns {
        var columns = CSVColumns(headerCount: header.count)
        let normalized = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for field in TicketField.allCases {
            if let wanted = overrides[field] {
                guard let at = header.firstIndex(of: wanted)
                        ?? normalized.firstIndex(of: wanted.trimmingCharacters(in: .whitespaces).lowercased()) else {
                    throw IngestError.mappedColumnMissing(source: source, field: field, header: wanted, available: header)
                }
                columns.index[field] = at
            } else if let at = field.aliases.lazy.compactMap({ normalized.firstIndex(of: $0) }).first {
                columns.index[field] = at
            }
        }
        if columns.index[.tags] == nil {
            columns.tagColumns = normalized.enumerated()
                .compactMap { offset, name -> (Int, Int)? in
                    guard name.hasPrefix("tag_"), let n = Int(name.dropFirst(4)) else { return nil }
                    return (n, offset)
                }
                .sorted { $0.0 < $1.0 }
                .map(\.1)
        }
        let used = Set(columns.index.values).union(columns.tagColumns)
        columns.ignored = header.enumerated().filter { !used.contains($0.offset) }.map(\.element)
        return columns
    }

    /// The JSON key that feeds `field` in one object, if any.
    func key(for field: TicketField, in object: [String: Any]) -> String? {
        if let wanted = overrides[field] { return object[wanted] != nil ? wanted : nil }
        return field.aliases.first { object[$0] != nil }
    }
}
