/// `--tag-column`: each non-empty value of the named columns is one tag, named `column:value` with `--tag-prefix`
/// (written into a scratch arena, since the record's bytes hold the value alone). Missing-value markers are left
/// out here, before a prefix would hide them from the validator.
final class TagColumnReader {
    private let columns: [(index: Int, prefix: [UInt8])]
    private let nulls: NullMarkers?
    private let scratch = ByteArena(capacity: 1024)
    private var kept: [(Int, Int)] = []

    init(columns: [(index: Int, prefix: [UInt8])], nulls: NullMarkers?) {
        self.columns = columns
        self.nulls = nulls
    }

    /// Adds the record's tag-column values to `fields.tagValues`; valid until the next call.
    func append(_ record: CSVRecord, to fields: inout TicketFields) {
        scratch.removeAll()
        kept.removeAll(keepingCapacity: true)
        for (index, prefix) in columns {
            let value = Whitespace.trimmed(record.field(index))
            guard !value.isEmpty, nulls?.marker(value) == nil else { continue }
            let start = prefix.withUnsafeBufferPointer { scratch.append($0) }
            scratch.append(value)
            kept.append((start, scratch.count - start))
        }
        // Spans only now: appending may have moved the arena.
        for (start, count) in kept { fields.tagValues.append(scratch.span(start, count)) }
    }
}

@available(*, unavailable, message: "its arena belongs to one loader on one thread")
extension TagColumnReader: Sendable {}
