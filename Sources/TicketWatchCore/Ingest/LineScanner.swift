import Foundation

/// One physical line of a JSONL file, borrowed from the scanner: a line inside one chunk is handed out in place,
/// only a line crossing a chunk boundary is copied. Valid only until the scanner's next `next()`; a later use
/// traps instead of reading another line's bytes.
struct LineItem {
    /// 1-based physical line number.
    let line: Int
    /// The line was longer than `maxRecordBytes`: the bytes are its first `maxRecordBytes` and the rest was skipped.
    let tooLong: Bool

    private let owner: LineScanner
    private let generation: Int
    private let base: UnsafePointer<UInt8>
    private let count: Int

    fileprivate init(line: Int, tooLong: Bool, owner: LineScanner, generation: Int, base: UnsafePointer<UInt8>,
                     count: Int) {
        self.line = line
        self.tooLong = tooLong
        self.owner = owner
        self.generation = generation
        self.base = base
        self.count = count
    }

    /// The line's bytes, without its CR/LF.
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        precondition(owner.generation == generation, "LineItem used after LineScanner.next() was called again")
        return try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// Decoded leniently (invalid bytes become U+FFFD); check `isValidUTF8` first where that matters.
    var string: String {
        withBytes { String(decoding: $0, as: UTF8.self) }
    }

    var isValidUTF8: Bool {
        withBytes { UTF8Validation.isValid($0) }
    }
}

/// Streaming line reader for JSONL over a regular file, in the same 1 MiB chunks as `CSVScanner` (constant memory).
/// Skips a UTF-8 BOM at the start and blank or whitespace-only lines (still counted), strips CRLF, and cuts lines
/// longer than `maxRecordBytes` short instead of buffering them whole. Errors are `CSVScannerError`.
final class LineScanner {
    let path: String
    let maxRecordBytes: Int

    /// Bytes consumed so far, and the file's size when opened.
    var bytesRead: Int { reader.offset }
    var fileSize: Int { reader.fileSize }

    /// Bumped by every `next()`, so a `LineItem` can tell that its borrowed bytes are gone.
    fileprivate private(set) var generation = 0

    private let reader: ChunkedFileReader
    private var line = 1
    /// Holds a line that crosses a chunk boundary; at most `maxRecordBytes + 1` bytes (room for a trailing CR).
    private var spill: UnsafeMutablePointer<UInt8>?
    private var spillCapacity = 0

    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    /// `chunkSize` exists for tests that put chunk boundaries everywhere; production uses the 1 MiB default.
    init(path: String, maxRecordBytes: Int = 1 << 20, chunkSize: Int = ChunkedFileReader.defaultChunkSize) throws {
        self.path = path
        self.maxRecordBytes = max(1, maxRecordBytes)
        self.reader = try ChunkedFileReader(path: path, chunkSize: chunkSize)
        try reader.skipByteOrderMark()
    }

    deinit {
        spill?.deallocate()
    }

    /// Next non-blank line, or nil at end of file.
    func next() throws -> LineItem? {
        generation &+= 1
        while let current = try readLine() {
            if !current.tooLong && Self.isBlank(current.base, current.count) { continue }
            return LineItem(line: current.line, tooLong: current.tooLong, owner: self, generation: generation,
                            base: current.base, count: current.count)
        }
        return nil
    }

    private typealias RawLine = (line: Int, base: UnsafePointer<UInt8>, count: Int, tooLong: Bool)

    /// The next physical line, CR/LF removed and cut to `maxRecordBytes`; nil at end of file.
    private func readLine() throws -> RawLine? {
        if reader.position == reader.count {
            guard try reader.advance() else { return nil }
        }
        let lineNumber = line
        let base = reader.base
        let start = reader.position

        // Common case: the whole line is inside this chunk; hand it out in place.
        if let end = Self.findLineFeed(base, from: start, to: reader.count) {
            reader.position = end + 1
            line += 1
            var length = end - start
            if length > 0 && base[end - 1] == Self.carriageReturn { length -= 1 }
            return (lineNumber, UnsafePointer(base + start), min(length, maxRecordBytes), length > maxRecordBytes)
        }

        // The line runs past the chunk: gather it into `spill`, keeping at most `maxRecordBytes + 1` bytes.
        let keepLimit = maxRecordBytes + 1
        var kept = 0
        var total = 0
        var last: UInt8 = 0
        while true {
            let segmentStart = reader.position
            let found = Self.findLineFeed(base, from: segmentStart, to: reader.count)
            let segmentEnd = found ?? reader.count
            let length = segmentEnd - segmentStart
            let keep = min(length, keepLimit - kept)
            if keep > 0 {
                let destination = reserveSpill(kept + keep, preserving: kept)
                (destination + kept).update(from: base + segmentStart, count: keep)
                kept += keep
            }
            if length > 0 { last = base[segmentEnd - 1] }
            total += length
            if let found {
                reader.position = found + 1
                line += 1
                break
            }
            reader.position = reader.count
            if try !reader.advance() { break }  // the last line has no LF
        }
        let length = last == Self.carriageReturn ? total - 1 : total
        let destination = reserveSpill(max(kept, 1), preserving: kept)
        return (lineNumber, UnsafePointer(destination), min(length, maxRecordBytes), length > maxRecordBytes)
    }

    private func reserveSpill(_ needed: Int, preserving used: Int) -> UnsafeMutablePointer<UInt8> {
        if let spill, spillCapacity >= needed { return spill }
        var capacity = max(spillCapacity * 2, 64 * 1024)
        while capacity < needed { capacity *= 2 }
        capacity = min(capacity, max(needed, maxRecordBytes + 1))
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        if let spill {
            grown.update(from: spill, count: used)
            spill.deallocate()
        }
        spill = grown
        spillCapacity = capacity
        return grown
    }

    private static func findLineFeed(_ base: UnsafeMutablePointer<UInt8>, from start: Int, to end: Int) -> Int? {
        guard start < end, let hit = memchr(base + start, Int32(lineFeed), end - start) else { return nil }
        return start + UnsafeRawPointer(base + start).distance(to: UnsafeRawPointer(hit))
    }

    /// JSON whitespace only (space, tab, CR); the first byte settles almost every line.
    private static func isBlank(_ base: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        for i in 0..<count {
            let b = base[i]
            if b != 0x20 && b != 0x09 && b != 0x0D { return false }
        }
        return true
    }
}
