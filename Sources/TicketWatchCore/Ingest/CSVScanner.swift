import Foundation

enum CSVScannerError: Error, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case readFailed(path: String, reason: String)

    var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open \(path): \(reason)"
        case .readFailed(let path, let reason): "cannot read \(path): \(reason)"
        }
    }
}

enum CSVItem {
    /// A well-formed record. Its fields are valid only until the next call to `next()`.
    case record(CSVRecord)
    /// A record that could not be split into fields; the scanner has already resynchronised.
    case malformed(line: Int, reason: String, raw: String)
}

/// One record's fields, borrowed from the scanner's reusable buffer so a million-row load allocates nothing per
/// field. Valid only until the scanner's next `next()`; a later use traps instead of reading another record's bytes.
struct CSVRecord {
    /// 1-based physical line on which the record starts.
    let line: Int
    /// Number of fields.
    var count: Int

    private let owner: CSVScanner
    private let generation: Int
    private let fieldCount: Int
    private let bytes: UnsafePointer<UInt8>
    private let ends: UnsafePointer<Int>

    fileprivate init(line: Int, owner: CSVScanner, generation: Int, fieldCount: Int,
                     bytes: UnsafePointer<UInt8>, ends: UnsafePointer<Int>) {
        self.line = line
        self.count = fieldCount
        self.owner = owner
        self.generation = generation
        self.fieldCount = fieldCount
        self.bytes = bytes
        self.ends = ends
    }

    /// The unescaped bytes of field `i` (enclosing quotes removed, `""` turned into `"`).
    func withField<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        precondition(owner.generation == generation, "CSVRecord used after CSVScanner.next() was called again")
        precondition(i >= 0 && i < fieldCount, "CSV field index \(i) out of range 0..<\(fieldCount)")
        let start = i == 0 ? 0 : ends[i - 1]
        return try body(UnsafeBufferPointer(start: bytes + start, count: ends[i] - start))
    }

    /// The unescaped bytes of field `i`, borrowed from the scanner until its next `next()`.
    func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        withField(i) { $0 }
    }

    /// Field `i` decoded leniently (invalid bytes become U+FFFD); check `isValidUTF8` first where that matters.
    func string(_ i: Int) -> String {
        withField(i) { String(decoding: $0, as: UTF8.self) }
    }

    /// Every field is empty: a row of only separators, as spreadsheets pad an export. One comparison, since the
    /// fields' bytes lie back to back.
    var isBlank: Bool {
        precondition(owner.generation == generation, "CSVRecord used after CSVScanner.next() was called again")
        return fieldCount == 0 || ends[fieldCount - 1] == 0
    }

    func isValidUTF8(_ i: Int) -> Bool {
        withField(i) { UTF8Validation.isValid($0) }
    }

    /// The record re-joined as CSV, at most 1000 characters, for error reports.
    var rawText: String {
        let limit = 1000
        var out: [UInt8] = []
        for i in 0..<fieldCount {
            if i > 0 { out.append(owner.delimiter) }
            withField(i) { field in
                let needsQuotes = field.contains { $0 == owner.delimiter || $0 == CSVScanner.quote
                    || $0 == CSVScanner.lineFeed || $0 == CSVScanner.carriageReturn }
                guard needsQuotes else { return out.append(contentsOf: field) }
                out.append(CSVScanner.quote)
                for byte in field {
                    out.append(byte)
                    if byte == CSVScanner.quote { out.append(byte) }
                }
                out.append(CSVScanner.quote)
            }
            if out.count > limit * 4 { break }  // no character is longer than four bytes
        }
        return String(String(decoding: out, as: UTF8.self).prefix(limit))
    }
}

/// Streaming RFC 4180 reader over a regular file: reads 1 MiB chunks, copies each record's unescaped field bytes
/// into one reusable buffer, and never holds more than a chunk plus one record, whatever the file size.
///
/// Recovery: a broken record becomes `.malformed` and scanning goes on with exact line numbers. After an
/// unterminated quote the scanner seeks back to the line after the record's first line, so good rows that the
/// open quote swallowed still load. A quote that closes on a later line than it opened and is followed by garbage
/// (`"abc` … `,"x"y`) is treated the same way: the open quote, not the later one, is almost always the mistake.
final class CSVScanner {
    static let comma = UInt8(ascii: ",")
    fileprivate static let quote = UInt8(ascii: "\"")
    fileprivate static let lineFeed = UInt8(ascii: "\n")
    fileprivate static let carriageReturn = UInt8(ascii: "\r")

    let path: String
    let maxRecordBytes: Int
    /// The field separator: `,` unless the file says otherwise (`DelimiterSniffer`, `--delimiter`).
    let delimiter: UInt8

    /// Bytes consumed so far (never decreases, even when the scanner seeks back).
    var bytesRead: Int { max(highWater, reader.offset) }
    var fileSize: Int { reader.fileSize }

    /// Bumped by every `next()`, so a `CSVRecord` can tell that its borrowed bytes are gone.
    fileprivate private(set) var generation = 0

    private let reader: ChunkedFileReader
    /// Physical line of the next unconsumed byte.
    private var line = 1
    private var highWater = 0

    // The current record: unescaped field bytes back to back, and where each field ends.
    private var bytes: UnsafeMutablePointer<UInt8>
    private var bytesCapacity: Int
    private var bytesCount = 0
    private var ends: UnsafeMutablePointer<Int>
    private var endsCapacity: Int
    private var fieldCount = 0

    private enum State {
        case fieldStart, unquoted, quoted
        /// Just read a `"` inside a quoted field: it either escapes another `"` or closes the field.
        case quoteSeen
        /// Read `"` then CR: only LF or end of file may follow.
        case carriageReturnAfterQuote
    }

    /// `chunkSize` exists for tests that put chunk boundaries everywhere; production uses the 1 MiB default.
    init(path: String, delimiter: UInt8 = CSVScanner.comma, maxRecordBytes: Int = 1 << 20,
         chunkSize: Int = ChunkedFileReader.defaultChunkSize) throws {
        self.path = path
        self.delimiter = delimiter
        self.maxRecordBytes = max(1, maxRecordBytes)
        self.reader = try ChunkedFileReader(path: path, chunkSize: chunkSize)
        try reader.skipByteOrderMark()
        bytesCapacity = 64 * 1024
        bytes = .allocate(capacity: bytesCapacity)
        endsCapacity = 256
        ends = .allocate(capacity: endsCapacity)
    }

    deinit {
        bytes.deallocate()
        ends.deallocate()
    }

    /// Next item, or nil at end of file.
    func next() throws -> CSVItem? {
        generation &+= 1
        let item = try scanRecord()
        highWater = max(highWater, reader.offset)
        return item
    }

    // MARK: - Scanning

    private func scanRecord() throws -> CSVItem? {
        let p = reader.base
        let delimiter = self.delimiter
        var i = reader.position
        var n = reader.count

        var state = State.fieldStart
        var recordStart = reader.chunkOffset + i
        var recordLine = line
        var anyQuoted = false
        var fieldOpenLine = 0
        /// File offset just past the first LF inside this record: where to resume after an unterminated quote.
        var resumeOffset = -1
        bytesCount = 0
        fieldCount = 0

        while true {
            // Checked once per field or span, never per byte, and before end of file so that where the chunks
            // happen to end never changes the verdict. The +1 leaves room for the CR of a CRLF, which does
            // not count; `finishRecord` makes the exact check once the record's end is known.
            if reader.chunkOffset + i - recordStart > maxRecordBytes + 1 {
                reader.position = i
                switch state {
                case .quoted, .quoteSeen:
                    return try unterminated(start: recordStart, line: recordLine, openLine: fieldOpenLine,
                                            resumeOffset: resumeOffset)
                case .fieldStart, .unquoted, .carriageReturnAfterQuote:
                    return try tooLong(start: recordStart, line: recordLine)
                }
            }

            if i == n {
                reader.position = i
                if try !reader.advance() {
                    switch state {
                    case .fieldStart:
                        if reader.offset == recordStart { return nil }
                        endField()
                        return try finishRecord(start: recordStart, line: recordLine, contentEnd: reader.offset)
                    case .unquoted:
                        let stripped = stripTrailingCarriageReturn()
                        endField()
                        if fieldCount == 1 && bytesCount == 0 && !anyQuoted { return nil }  // a lone CR
                        return try finishRecord(start: recordStart, line: recordLine,
                                                contentEnd: reader.offset - stripped)
                    case .quoted:
                        return try unterminated(start: recordStart, line: recordLine, openLine: fieldOpenLine,
                                                resumeOffset: resumeOffset)
                    case .quoteSeen:
                        endField()
                        return try finishRecord(start: recordStart, line: recordLine, contentEnd: reader.offset)
                    case .carriageReturnAfterQuote:
                        endField()
                        return try finishRecord(start: recordStart, line: recordLine, contentEnd: reader.offset - 1)
                    }
                }
                i = 0
                n = reader.count
            }

            /// Set when the record's LF has been consumed: file offset where its content ends (before CR LF).
            var contentEnd = -1
            switch state {
            case .fieldStart:
                let b = p[i]
                if b == Self.quote {
                    i += 1
                    state = .quoted
                    anyQuoted = true
                    fieldOpenLine = line
                } else if b == delimiter {
                    i += 1
                    endField()
                } else if b == Self.lineFeed {
                    contentEnd = reader.chunkOffset + i
                    i += 1
                    line += 1
                    endField()
                } else {
                    state = .unquoted
                }

            case .unquoted:
                // Hot loop: a quote here is literal, so only the delimiter and LF matter.
                let start = i
                while i < n {
                    let b = p[i]
                    if b == delimiter || b == Self.lineFeed { break }
                    i += 1
                }
                append(p + start, i - start)
                if i == n { continue }
                if p[i] == delimiter {
                    i += 1
                    endField()
                    state = .fieldStart
                } else {
                    contentEnd = reader.chunkOffset + i - stripTrailingCarriageReturn()
                    i += 1
                    line += 1
                    endField()
                }

            case .quoted:
                let start = i
                while i < n {
                    let b = p[i]
                    if b == Self.quote { break }
                    if b == Self.lineFeed {
                        line += 1
                        if resumeOffset < 0 { resumeOffset = reader.chunkOffset + i + 1 }
                    }
                    i += 1
                }
                append(p + start, i - start)
                if i < n {
                    i += 1
                    state = .quoteSeen
                }

            case .quoteSeen:
                let b = p[i]
                if b == Self.quote {
                    i += 1
                    append(p + i - 1, 1)
                    state = .quoted
                } else if b == delimiter {
                    i += 1
                    endField()
                    state = .fieldStart
                } else if b == Self.lineFeed {
                    contentEnd = reader.chunkOffset + i
                    i += 1
                    line += 1
                    endField()
                } else if b == Self.carriageReturn {
                    i += 1
                    state = .carriageReturnAfterQuote
                } else {
                    reader.position = i
                    return try garbageAfterQuote(start: recordStart, line: recordLine, openLine: fieldOpenLine,
                                                 resumeOffset: resumeOffset)
                }

            case .carriageReturnAfterQuote:
                if p[i] == Self.lineFeed {
                    contentEnd = reader.chunkOffset + i - 1
                    i += 1
                    line += 1
                    endField()
                } else {
                    reader.position = i
                    return try garbageAfterQuote(start: recordStart, line: recordLine, openLine: fieldOpenLine,
                                                 resumeOffset: resumeOffset)
                }
            }

            if contentEnd >= 0 {
                if fieldCount == 1 && bytesCount == 0 && !anyQuoted {
                    // Empty line (or a lone CR before LF): skipped, but `line` has counted it.
                    state = .fieldStart
                    recordStart = reader.chunkOffset + i
                    recordLine = line
                    resumeOffset = -1
                    bytesCount = 0
                    fieldCount = 0
                    continue
                }
                reader.position = i
                return try finishRecord(start: recordStart, line: recordLine, contentEnd: contentEnd)
            }
        }
    }

    /// The record just ended (its LF consumed): hand it out, or report it if its content is over the limit.
    private func finishRecord(start: Int, line recordLine: Int, contentEnd: Int) throws -> CSVItem {
        guard contentEnd - start > maxRecordBytes else { return makeRecord(line: recordLine) }
        let raw = try rawBytes(from: start, upTo: min(contentEnd, start + 200))
        return .malformed(line: recordLine, reason: "record longer than \(maxRecordBytes) bytes", raw: raw)
    }

    private func makeRecord(line recordLine: Int) -> CSVItem {
        .record(CSVRecord(line: recordLine, owner: self, generation: generation, fieldCount: fieldCount,
                          bytes: bytes, ends: ends))
    }

    @inline(__always)
    private func append(_ source: UnsafePointer<UInt8>, _ count: Int) {
        guard count > 0 else { return }
        if bytesCount + count > bytesCapacity {
            var capacity = bytesCapacity * 2
            while capacity < bytesCount + count { capacity *= 2 }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            grown.update(from: bytes, count: bytesCount)
            bytes.deallocate()
            bytes = grown
            bytesCapacity = capacity
        }
        (bytes + bytesCount).update(from: source, count: count)
        bytesCount += count
    }

    @inline(__always)
    private func endField() {
        if fieldCount == endsCapacity {
            let grown = UnsafeMutablePointer<Int>.allocate(capacity: endsCapacity * 2)
            grown.update(from: ends, count: fieldCount)
            ends.deallocate()
            ends = grown
            endsCapacity *= 2
        }
        ends[fieldCount] = bytesCount
        fieldCount += 1
    }

    /// Drops the CR of a CRLF from the unquoted field being ended (a CR elsewhere is data); returns bytes dropped.
    private func stripTrailingCarriageReturn() -> Int {
        let fieldStart = fieldCount == 0 ? 0 : ends[fieldCount - 1]
        guard bytesCount > fieldStart && bytes[bytesCount - 1] == Self.carriageReturn else { return 0 }
        bytesCount -= 1
        return 1
    }

    // MARK: - Recovery

    private func unterminated(start: Int, line recordLine: Int, openLine: Int, resumeOffset: Int) throws -> CSVItem {
        let raw = try rawBytes(from: start, upTo: start + 200)
        highWater = max(highWater, reader.offset)
        if resumeOffset >= 0 {
            reader.seek(to: resumeOffset)
            line = recordLine + 1
        } else {
            // No LF since the record began (end of file, or one enormous line): resume after the next LF.
            try skipPastLineFeed()
        }
        return .malformed(line: recordLine, reason: "unterminated quoted field (opened on line \(openLine))", raw: raw)
    }

    private func garbageAfterQuote(start: Int, line recordLine: Int, openLine: Int, resumeOffset: Int) throws
        -> CSVItem
    {
        if openLine != line {
            return try unterminated(start: start, line: recordLine, openLine: openLine, resumeOffset: resumeOffset)
        }
        let field = fieldCount + 1
        try skipPastLineFeed()
        let raw = try rawBytes(from: start, upTo: min(reader.offset, start + 1000))
        return .malformed(line: recordLine, reason: "unexpected character after closing quote in field \(field)",
                          raw: raw)
    }

    private func tooLong(start: Int, line recordLine: Int) throws -> CSVItem {
        try skipPastLineFeed()
        let raw = try rawBytes(from: start, upTo: min(reader.offset, start + 200))
        return .malformed(line: recordLine, reason: "record longer than \(maxRecordBytes) bytes", raw: raw)
    }

    /// Consumes bytes through the next LF (counting it), or to end of file.
    private func skipPastLineFeed() throws {
        while true {
            if reader.position == reader.count {
                if try !reader.advance() { return }
            }
            let start = reader.base + reader.position
            let remaining = reader.count - reader.position
            if let hit = memchr(start, Int32(Self.lineFeed), remaining) {
                reader.position += UnsafeRawPointer(start).distance(to: UnsafeRawPointer(hit)) + 1
                line += 1
                return
            }
            reader.position = reader.count
        }
    }

    /// The file's bytes in `start..<end` as text for a report: trailing line break dropped, not cut inside a character.
    private func rawBytes(from start: Int, upTo end: Int) throws -> String {
        let wanted = end - start
        // One byte more than wanted shows whether the cut falls inside a multi-byte character.
        var raw = try reader.bytes(at: start, maxCount: wanted + 1)
        if raw.count > wanted {
            var cut = wanted
            if raw[wanted] & 0xC0 == 0x80 {
                while cut > 0 && raw[cut - 1] & 0xC0 == 0x80 { cut -= 1 }
                if cut > 0 && raw[cut - 1] >= 0xC0 { cut -= 1 }
            }
            raw.removeLast(raw.count - cut)
        }
        while let last = raw.last, last == Self.lineFeed || last == Self.carriageReturn { raw.removeLast() }
        return String(decoding: raw, as: UTF8.self)
    }
}
