import Foundation

/// One file as the load will read it, settled before any file is loaded: its source, and for a generic file its
/// delimiter, columns and date form (so a refused date order stops the command before the first file is half-done).
struct PreparedFile {
    let input: InputFile
    var kind = PreparedSource(kind: .generic)
    var columns: ColumnMapping.CSVColumns?
    var delimiter = CSVScanner.comma
    /// `--date-format`, or the form the values settled; nil reads ISO only.
    var dates: DatePattern?
    /// The pattern inferred from the values (not given), for the summary line.
    var inferredDateFormat: String?
}

/// The date form of a generic file that gave none: read from its values when they are day/month dates.
enum DateForm {
    /// The pattern the values settle, nil when the dates are not day/month dates (ISO, or anything the loader
    /// then rejects row by row). Throws when the order is ambiguous or mixed. Reads every date only when the
    /// first one is a day/month date, so an ISO file costs one record.
    static func infer(_ file: PreparedFile, mapping: ColumnMapping) throws -> String? {
        var inference = DateOrderInference()
        let column: String
        switch file.input.format {
        case .csv:
            guard let columns = file.columns, let created = columns.index[.createdAt] else { return nil }
            let dateColumns = [created] + (columns.index[.updatedAt].map { [$0] } ?? [])
            let scanner = try CSVScanner(path: file.input.path, delimiter: file.delimiter)
            guard case .record(let header)? = try scanner.next() else { return nil }
            column = header.string(created)
            var decided = false
            while let item = try scanner.next() {
                guard case .record(let record) = item else { continue }
                for index in dateColumns where index < record.count {
                    let text = record.string(index)
                    if !decided {
                        guard !text.trimmedWhitespace.isEmpty else { continue }
                        guard DateOrderInference.isDayMonthForm(text) else { return nil }
                        decided = true
                    }
                    inference.add(text)
                }
            }
        case .jsonl:
            let scanner = try LineScanner(path: file.input.path)
            var decided = false
            var key: String?
            while let item = try scanner.next() {
                guard !item.tooLong, let object = try? JSONSerialization.jsonObject(with: Data(item.string.utf8))
                        as? [String: Any] else { continue }
                for field in [TicketField.createdAt, .updatedAt] {
                    guard let found = mapping.key(for: field, in: object), let text = JSONText.scalar(object[found])
                    else { continue }
                    if !decided {
                        guard !text.trimmedWhitespace.isEmpty else { continue }
                        guard DateOrderInference.isDayMonthForm(text) else { return nil }
                        decided = true
                    }
                    if field == .createdAt, key == nil { key = found }
                    inference.add(text)
                }
            }
            column = key ?? TicketField.createdAt.rawValue
        }
        switch inference.verdict {
        case .notApplicable: return nil
        case .settled(let pattern): return pattern
        case let .ambiguous(example, dayFirst, monthFirst):
            throw IngestError.ambiguousDayMonth(source: file.input.source, column: column, example: example,
                                                dayFirst: dayFirst, monthFirst: monthFirst)
        case let .mixed(day, month):
            throw IngestError.mixedDayMonth(source: file.input.source, column: column, dayFirstExample: day,
                                            monthFirstExample: month)
        }
    }
}
