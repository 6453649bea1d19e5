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
        /// `--tag-column` columns, each with the prefix its tags get (empty without `--tag-prefix`).
        var namedTagColumns: [(index: Int, prefix: [UInt8])] = []
        var headerCount = 0
        /// The header without its trailing unnamed columns (spreadsheets pad exports with empty ones).
        var namedCount = 0
        var ignored: [String] = []

        /// Why a record does not fit the header, or nil: it has every column, or stops anywhere among the
        /// trailing unnamed ones with nothing under them.
        func fieldCountProblem(_ record: CSVRecord) -> String? {
            guard record.count >= namedCount, record.count <= headerCount else {
                let expected = namedCount < headerCount ? "\(namedCount) to \(headerCount)" : "\(headerCount)"
                return "expected \(expected) fields (as the header), found \(record.count)"
            }
            for i in namedCount..<record.count where !Whitespace.trimmed(record.field(i)).isEmpty {
                return "a value in column \(i + 1), which the header leaves unnamed (it names \(namedCount) columns)"
            }
            return nil
        }
    }

    func resolve(header: [String], source: String, dialect: ImportDialect = ImportDialect()) throws -> CSVColumns {
        var columns = CSVColumns(headerCount: header.count)
        columns.namedCount = (header.lastIndex { !$0.trimmedWhitespace.isEmpty } ?? -1) + 1
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
        for name in dialect.tagColumns {
            guard let at = header.firstIndex(of: name)
                    ?? normalized.firstIndex(of: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw IngestError.tagColumnMissing(source: source, header: name, available: header)
            }
            columns.namedTagColumns.append((at, dialect.tagPrefix ? Array((header[at] + ":").utf8) : []))
        }
        let used = Set(columns.index.values).union(columns.tagColumns).union(columns.namedTagColumns.map(\.index))
        columns.ignored = header.prefix(columns.namedCount).enumerated().filter { !used.contains($0.offset) }
            .map(\.element)
        return columns
    }

    /// The JSON key that feeds `field` in one object, if any.
    func key(for field: TicketField, in object: [String: Any]) -> String? {
        if let wanted = overrides[field] { return object[wanted] != nil ? wanted : nil }
        return field.aliases.first { object[$0] != nil }
    }
}
