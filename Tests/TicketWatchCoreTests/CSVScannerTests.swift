import Foundation
import Testing

@testable import TicketWatchCore

/// What a scan produced, copied out of the scanner's borrowed buffers so tests can compare whole files at once.
private enum Scanned: Equatable, CustomStringConvertible {
    case record(line: Int, fields: [String])
    case malformed(line: Int, reason: String, raw: String)

    var description: String {
        switch self {
        case .record(let line, let fields): "record(\(line), \(fields))"
        case .malformed(let line, let reason, let raw): "malformed(\(line), \(reason), \(raw.debugDescription))"
        }
    }
}

/// Writes `bytes` to a new file in the temporary directory and returns its path.
private func temporaryFile(_ bytes: [UInt8]) throws -> String {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("ticketwatch-scanner-\(UUID().uuidString).txt")
    try Data(bytes).write(to: url)
    return url.path
}

private func temporaryFile(_ text: String) throws -> String {
    try temporaryFile(Array(text.utf8))
}

/// An open scanner keeps reading an unlinked file, so tests remove their files as soon as they are open.
private func removeFile(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

private func scanCSV(path: String, maxRecordBytes: Int = 1 << 20,
                     chunkSize: Int = ChunkedFileReader.defaultChunkSize) throws -> [Scanned] {
    let scanner = try CSVScanner(path: path, maxRecordBytes: maxRecordBytes, chunkSize: chunkSize)
    var out: [Scanned] = []
    while let item = try scanner.next() {
        switch item {
        case .record(let record):
            out.append(.record(line: record.line, fields: (0..<record.count).map { record.string($0) }))
        case .malformed(let line, let reason, let raw):
            out.append(.malformed(line: line, reason: reason, raw: raw))
        }
        #expect(out.count < 10_000_000, "scanner does not terminate")
    }
    #expect(try scanner.next() == nil, "next() after the end must stay nil")
    return out
}

/// Scans with the production chunk size and with tiny chunks (boundaries at every possible byte) and checks both agree.
private func scanEverywhere(_ bytes: [UInt8], maxRecordBytes: Int = 1 << 20) throws -> [Scanned] {
    let path = try temporaryFile(bytes)
    defer { removeFile(path) }
    let reference = try scanCSV(path: path, maxRecordBytes: maxRecordBytes)
    for chunkSize in [1, 2, 3, 5, 7] {
        let chunked = try scanCSV(path: path, maxRecordBytes: maxRecordBytes, chunkSize: chunkSize)
        #expect(chunked == reference, "chunk size \(chunkSize) disagrees")
    }
    return reference
}

private func scanEverywhere(_ text: String, maxRecordBytes: Int = 1 << 20) throws -> [Scanned] {
    try scanEverywhere(Array(text.utf8), maxRecordBytes: maxRecordBytes)
}

@Suite struct CSVScannerTests {
    @Test func quotedCommasAndDoubledQuotes() throws {
        let items = try scanEverywhere("id,text\n1,\"a,b\"\n2,\"say \"\"hi\"\"\"\n3,\"\"\"\"\n4,\"\"\n")
        #expect(items == [
            .record(line: 1, fields: ["id", "text"]),
            .record(line: 2, fields: ["1", "a,b"]),
            .record(line: 3, fields: ["2", "say \"hi\""]),
            .record(line: 4, fields: ["3", "\""]),
            .record(line: 5, fields: ["4", ""]),
        ])
    }

    @Test func quoteInsideUnquotedFieldIsLiteral() throws {
        let items = try scanEverywhere("ab\"c,d\" e\n x\"y\",z\n")
        #expect(items == [
            .record(line: 1, fields: ["ab\"c", "d\" e"]),
            .record(line: 2, fields: [" x\"y\"", "z"]),
        ])
    }

    @Test func embeddedNewlinesAdvanceTheNextRecordsLine() throws {
        let items = try scanEverywhere("id,body\n1,\"first\nsecond\n\nfourth\"\n2,plain\n3,\"x\ny\",tail\n4,end")
        #expect(items == [
            .record(line: 1, fields: ["id", "body"]),
            .record(line: 2, fields: ["1", "first\nsecond\n\nfourth"]),
            .record(line: 6, fields: ["2", "plain"]),
            .record(line: 7, fields: ["3", "x\ny", "tail"]),
            .record(line: 9, fields: ["4", "end"]),
        ])
    }

    @Test func crlfIsStrippedButCarriageReturnInsideQuotesIsKept() throws {
        let items = try scanEverywhere("a,b\r\nc,\"d\"\r\n\"e\r\nf\",g\r\nh,\r\nlone\rcr,x\r\n")
        #expect(items == [
            .record(line: 1, fields: ["a", "b"]),
            .record(line: 2, fields: ["c", "d"]),
            .record(line: 3, fields: ["e\r\nf", "g"]),
            .record(line: 5, fields: ["h", ""]),
            .record(line: 6, fields: ["lone\rcr", "x"]),
        ])
    }

    @Test func byteOrderMarkIsSkippedOnlyAtTheStart() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let items = try scanEverywhere(bom + Array("id,name\n".utf8) + bom + Array("x,y\n".utf8))
        #expect(items == [
            .record(line: 1, fields: ["id", "name"]),
            .record(line: 2, fields: ["\u{FEFF}x", "y"]),
        ])
        #expect(try scanEverywhere(bom).isEmpty)
    }

    @Test func missingFinalNewline() throws {
        #expect(try scanEverywhere("a,b\nc,d") == [
            .record(line: 1, fields: ["a", "b"]), .record(line: 2, fields: ["c", "d"]),
        ])
        #expect(try scanEverywhere("a,b\nc,") == [
            .record(line: 1, fields: ["a", "b"]), .record(line: 2, fields: ["c", ""]),
        ])
        #expect(try scanEverywhere("a\n\"q,\"\"x\"\"\"") == [
            .record(line: 1, fields: ["a"]), .record(line: 2, fields: ["q,\"x\""]),
        ])
        #expect(try scanEverywhere("a\nb\r") == [
            .record(line: 1, fields: ["a"]), .record(line: 2, fields: ["b"]),
        ])
        #expect(try scanEverywhere("").isEmpty)
    }

    @Test func emptyLinesAreSkippedButCounted() throws {
        let items = try scanEverywhere("\nh\n\n\nr1\n\r\n   \n\"\"\n,\n\n")
        #expect(items == [
            .record(line: 2, fields: ["h"]),
            .record(line: 5, fields: ["r1"]),
            .record(line: 7, fields: ["   "]),
            .record(line: 8, fields: [""]),
            .record(line: 9, fields: ["", ""]),
        ])
    }

    @Test func recordsWiderOrNarrowerThanTheHeaderAreReturned() throws {
        let items = try scanEverywhere("a,b,c\n1,2\n1,2,3,4\n1,2,3\n")
        let counts = items.compactMap { item -> Int? in
            if case .record(_, let fields) = item { return fields.count }
            return nil
        }
        #expect(counts == [3, 2, 4, 3])
    }

    @Test func utf8ValidationPerField() throws {
        let bytes: [UInt8] = Array("ok,".utf8) + [0xFF] + Array(",".utf8) + [0xC0, 0xAF] + Array(",".utf8)
            + [0xED, 0xA0, 0x80] + Array(",".utf8) + [0xF0, 0x9F, 0x98, 0x80] + Array(",".utf8)
            + [0xE2, 0x82] + Array(",\"caf".utf8) + [0xC3, 0xA9] + Array("\",a".utf8) + [0x00] + Array("b\n".utf8)
        let path = try temporaryFile(bytes)
        let scanner = try CSVScanner(path: path)
        removeFile(path)
        guard case .record(let record)? = try scanner.next() else {
            Issue.record("expected a record")
            return
        }
        #expect(record.count == 8)
        let validity = (0..<record.count).map { record.isValidUTF8($0) }
        #expect(validity == [true, false, false, false, true, false, true, true])
        #expect(record.withField(1) { Array($0) } == [0xFF])
        #expect(record.withField(3) { Array($0) } == [0xED, 0xA0, 0x80])
        #expect(record.string(4) == "😀")
        #expect(record.string(6) == "café")
        #expect(record.withField(7) { Array($0) } == [0x61, 0x00, 0x62])  // NUL passes through
        #expect(try scanner.next() == nil)
    }

    @Test func utf8ValidatorEdgeCases() {
        let valid: [[UInt8]] = [
            [], Array("plain ascii longer than eight bytes".utf8), [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80],
            [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
            Array("0123456789é0123456789😀x".utf8),
        ]
        let invalid: [[UInt8]] = [
            [0x80], [0xC1, 0xBF], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80],
            [0xED, 0xBF, 0xBF], [0xF0, 0x80, 0x80, 0xAF], [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
            [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xC3, 0x41],
            Array("01234567".utf8) + [0xE2, 0x82, 0x41],
        ]
        for bytes in valid { #expect(UTF8Validation.isValid(bytes), "\(bytes) should be valid") }
        for bytes in invalid { #expect(!UTF8Validation.isValid(bytes), "\(bytes) should be invalid") }
    }

    @Test func unterminatedQuoteInTheMiddleKeepsLaterRows() throws {
        // The open quote on line 2 runs into the quoted field on line 4; lines 3-5 are still good rows.
        let text = "id,name,note\n1,alice,\"never closed\n2,bob,fine\n3,carol,\"ok\"\n4,dave,x\n"
        let items = try scanEverywhere(text)
        #expect(items.count == 5)
        #expect(items.first == .record(line: 1, fields: ["id", "name", "note"]))
        if case .malformed(let line, let reason, let raw) = items[1] {
            #expect(line == 2)
            #expect(reason == "unterminated quoted field (opened on line 2)")
            #expect(raw.hasPrefix("1,alice,\"never closed"))
        } else {
            Issue.record("expected malformed, got \(items[1])")
        }
        #expect(Array(items.dropFirst(2)) == [
            .record(line: 3, fields: ["2", "bob", "fine"]),
            .record(line: 4, fields: ["3", "carol", "ok"]),
            .record(line: 5, fields: ["4", "dave", "x"]),
        ])
    }

    @Test func unterminatedQuoteWithNoLaterQuoteRunsToEndOfFileThenResumes() throws {
        let items = try scanEverywhere("h\n1,\"abc\n\n2,x\n3,y")
        #expect(items == [
            .record(line: 1, fields: ["h"]),
            .malformed(line: 2, reason: "unterminated quoted field (opened on line 2)", raw: "1,\"abc\n\n2,x\n3,y"),
            .record(line: 4, fields: ["2", "x"]),
            .record(line: 5, fields: ["3", "y"]),
        ])
    }

    @Test func unterminatedQuoteAtEndOfFile() throws {
        #expect(try scanEverywhere("a,b\nc,\"open") == [
            .record(line: 1, fields: ["a", "b"]),
            .malformed(line: 2, reason: "unterminated quoted field (opened on line 2)", raw: "c,\"open"),
        ])
        #expect(try scanEverywhere("a\n\"x\ny\n") == [
            .record(line: 1, fields: ["a"]),
            .malformed(line: 2, reason: "unterminated quoted field (opened on line 2)", raw: "\"x\ny"),
            .record(line: 3, fields: ["y"]),
        ])
    }

    @Test func unterminatedQuoteRawIsCutToAboutTwoHundredCharacters() throws {
        let long = String(repeating: "é", count: 300)
        let items = try scanEverywhere("h\n\"\(long)")
        guard case .malformed(2, _, let raw)? = items.last else {
            Issue.record("expected malformed on line 2, got \(items)")
            return
        }
        #expect(raw.utf8.count <= 200)
        #expect(raw.utf8.count >= 190)
        #expect(!raw.contains("\u{FFFD}"), "raw must not be cut inside a character")
    }

    @Test func fileFullOfUnterminatedQuotesTerminatesWithExactLines() throws {
        let lines = 5_000
        let text = String(repeating: "1,\"abc\n", count: lines)
        let path = try temporaryFile(text)
        defer { removeFile(path) }
        let items = try scanCSV(path: path)
        #expect(items.count == lines)
        let malformedLines = items.compactMap { item -> Int? in
            if case .malformed(let line, _, _) = item { return line }
            return nil
        }
        #expect(malformedLines == Array(1...lines))

        // Only even quote runs after the opener: the opener's scan reaches end of file, the rest are plain rows.
        let evenRuns = "\"open\n" + String(repeating: "a\"\"b,c\n", count: lines)
        let evenPath = try temporaryFile(evenRuns)
        defer { removeFile(evenPath) }
        let evenItems = try scanCSV(path: evenPath)
        #expect(evenItems.count == lines + 1)
        #expect(evenItems.last == .record(line: lines + 1, fields: ["a\"\"b", "c"]))
    }

    @Test func garbageAfterClosingQuote() throws {
        let items = try scanEverywhere("a,b\n\"abc\"x,1\nc,d\n1,\"ok\"\r2\ne,f")
        #expect(items == [
            .record(line: 1, fields: ["a", "b"]),
            .malformed(line: 2, reason: "unexpected character after closing quote in field 1", raw: "\"abc\"x,1"),
            .record(line: 3, fields: ["c", "d"]),
            .malformed(line: 4, reason: "unexpected character after closing quote in field 2", raw: "1,\"ok\"\r2"),
            .record(line: 5, fields: ["e", "f"]),
        ])
    }

    @Test func recordCrossingChunkBoundaries() throws {
        let chunk = ChunkedFileReader.defaultChunkSize
        var bytes: [UInt8] = []
        var expected: [Scanned] = []
        var line = 1
        func addFillerRows(upTo limit: Int) {
            while bytes.count + 40 < limit {
                let row = "r\(line),filler \(line),x"
                expected.append(.record(line: line, fields: ["r\(line)", "filler \(line)", "x"]))
                bytes += Array((row + "\n").utf8)
                line += 1
            }
        }

        // A quoted multi-line field whose doubled quote straddles the first boundary: `"` ends chunk 1, `"` starts chunk 2.
        addFillerRows(upTo: chunk - 200)
        let head = "big,\"first line\nsecond line "
        let padding = String(repeating: "p", count: chunk - 1 - bytes.count - head.utf8.count)
        let straddling = head + padding + "\"\"quoted\"\" \nlast line\",after"
        expected.append(.record(line: line, fields: [
            "big", "first line\nsecond line " + padding + "\"quoted\" \nlast line", "after",
        ]))
        bytes += Array((straddling + "\n").utf8)
        #expect(bytes[chunk - 1] == UInt8(ascii: "\"") && bytes[chunk] == UInt8(ascii: "\""))
        line += 3

        // A CRLF whose CR ends chunk 2 and whose LF starts chunk 3.
        addFillerRows(upTo: 2 * chunk - 100)
        let row = "crlf," + String(repeating: "q", count: 2 * chunk - 1 - bytes.count - 5)
        expected.append(.record(line: line, fields: ["crlf", String(repeating: "q", count: row.utf8.count - 5)]))
        bytes += Array((row + "\r\n").utf8)
        #expect(bytes[2 * chunk - 1] == UInt8(ascii: "\r") && bytes[2 * chunk] == UInt8(ascii: "\n"))
        line += 1
        addFillerRows(upTo: 2 * chunk + 50_000)
        #expect(bytes.count > 2 * chunk)

        let path = try temporaryFile(bytes)
        let scanner = try CSVScanner(path: path)
        removeFile(path)
        #expect(scanner.fileSize == bytes.count)
        var items: [Scanned] = []
        while let item = try scanner.next() {
            if case .record(let record) = item {
                items.append(.record(line: record.line, fields: (0..<record.count).map { record.string($0) }))
            } else if case .malformed(let line, let reason, let raw) = item {
                items.append(.malformed(line: line, reason: reason, raw: raw))
            }
        }
        #expect(items.count == expected.count)
        #expect(items == expected)
        #expect(scanner.bytesRead == bytes.count)
    }

    @Test func maxRecordBytesExceededInsideQuotesResynchronises() throws {
        var text = "h\n1,\""
        for _ in 0..<20 { text += "xxxxxxxx\n" }
        text += "end\",2\nz,z\n"
        // With room to spare the quoted field is one record spanning lines 2-22.
        let whole = try scanEverywhere(text)
        #expect(whole.count == 3)
        #expect(whole.last == .record(line: 23, fields: ["z", "z"]))

        let limited = try scanEverywhere(text, maxRecordBytes: 64)
        // Header, the broken record, lines 3-21 as plain rows, the closing line, z,z.
        try #require(limited.count == 1 + 1 + 19 + 1 + 1)
        #expect(limited[1] == .malformed(line: 2, reason: "unterminated quoted field (opened on line 2)",
                                         raw: String(text.dropFirst(2).prefix(200)).trimmingCharacters(in: .newlines)))
        #expect(limited[2] == .record(line: 3, fields: ["xxxxxxxx"]))
        #expect(limited[20] == .record(line: 21, fields: ["xxxxxxxx"]))
        #expect(limited[21] == .record(line: 22, fields: ["end\"", "2"]))
        #expect(limited[22] == .record(line: 23, fields: ["z", "z"]))
    }

    @Test func maxRecordBytesExceededWithoutQuotesSkipsTheLine() throws {
        let long = String(repeating: "y", count: 40)
        let items = try scanEverywhere("a,b\n\(long)\nc,d\n,,,,,,,,,,,,,,,,,,,,,,,,\ne,f\n", maxRecordBytes: 16)
        #expect(items == [
            .record(line: 1, fields: ["a", "b"]),
            .malformed(line: 2, reason: "record longer than 16 bytes", raw: long),
            .record(line: 3, fields: ["c", "d"]),
            .malformed(line: 4, reason: "record longer than 16 bytes", raw: ",,,,,,,,,,,,,,,,,,,,,,,,"),
            .record(line: 5, fields: ["e", "f"]),
        ])
        // Exactly at the limit is fine.
        #expect(try scanEverywhere("0123456789abcdef\r\n", maxRecordBytes: 16) == [
            .record(line: 1, fields: ["0123456789abcdef"]),
        ])
    }

    @Test func rawTextRequotesFields() throws {
        let path = try temporaryFile("1,\"a,b\",\"say \"\"hi\"\"\",\"x\ny\",plain\n")
        let scanner = try CSVScanner(path: path)
        removeFile(path)
        guard case .record(let record)? = try scanner.next() else {
            Issue.record("expected a record")
            return
        }
        #expect(record.rawText == "1,\"a,b\",\"say \"\"hi\"\"\",\"x\ny\",plain")
    }

    @Test func missingFileReportsTheReason() {
        let path = "/nonexistent-\(UUID().uuidString)/tickets.csv"
        let error = #expect(throws: CSVScannerError.self) { _ = try CSVScanner(path: path) }
        guard case .cannotOpen(let failedPath, let reason)? = error else {
            Issue.record("expected cannotOpen, got \(String(describing: error))")
            return
        }
        #expect(failedPath == path)
        #expect(reason.contains("No such file"))
        #expect(throws: CSVScannerError.self) { _ = try LineScanner(path: FileManager.default.temporaryDirectory.path) }
    }
}

// MARK: - LineScanner

private func scanLines(_ bytes: [UInt8], maxRecordBytes: Int = 1 << 20,
                       chunkSize: Int = ChunkedFileReader.defaultChunkSize) throws -> [(Int, String, Bool)] {
    let path = try temporaryFile(bytes)
    let scanner = try LineScanner(path: path, maxRecordBytes: maxRecordBytes, chunkSize: chunkSize)
    removeFile(path)
    var out: [(Int, String, Bool)] = []
    while let item = try scanner.next() {
        out.append((item.line, item.string, item.tooLong))
    }
    #expect(scanner.bytesRead == bytes.count)
    return out
}

/// Same lines whatever the chunk size.
private func scanLinesEverywhere(_ bytes: [UInt8], maxRecordBytes: Int = 1 << 20) throws -> [(Int, String, Bool)] {
    let reference = try scanLines(bytes, maxRecordBytes: maxRecordBytes)
    for chunkSize in [1, 2, 3, 7] {
        let chunked = try scanLines(bytes, maxRecordBytes: maxRecordBytes, chunkSize: chunkSize)
        #expect(chunked.map { "\($0)" } == reference.map { "\($0)" }, "chunk size \(chunkSize) disagrees")
    }
    return reference
}

@Suite struct LineScannerTests {
    @Test func crlfBlankLinesAndLineNumbers() throws {
        let text = "{\"a\":1}\r\n\r\n   \n\t\r\n{\"b\":2}\n\n{\"c\": \"x\r\ny\"}\r\n{\"d\":4}"
        let lines = try scanLinesEverywhere(Array(text.utf8))
        // A CRLF inside a JSON string is still a physical line break: JSONL lines must not contain one.
        #expect(lines.map(\.0) == [1, 5, 7, 8, 9])
        #expect(lines.map(\.1) == ["{\"a\":1}", "{\"b\":2}", "{\"c\": \"x", "y\"}", "{\"d\":4}"])
        #expect(lines.allSatisfy { !$0.2 })
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let lines = try scanLinesEverywhere([0xEF, 0xBB, 0xBF] + Array("{}\n[]".utf8))
        #expect(lines.map(\.0) == [1, 2])
        #expect(lines.map(\.1) == ["{}", "[]"])
    }

    @Test func tooLongLinesAreFlaggedAndTheRestSkipped() throws {
        let long = String(repeating: "z", count: 50)
        let lines = try scanLinesEverywhere(Array("ok\n\(long)\r\nnext\n0123456789\r\n".utf8), maxRecordBytes: 10)
        #expect(lines.map(\.0) == [1, 2, 3, 4])
        #expect(lines.map(\.2) == [false, true, false, false])
        #expect(lines[1].1 == String(repeating: "z", count: 10))
        #expect(lines[3].1 == "0123456789")
    }

    @Test func lineCrossingTheChunkBoundaryAndUTF8() throws {
        let chunk = ChunkedFileReader.defaultChunkSize
        let first = "{\"pad\":\"" + String(repeating: "a", count: chunk - 100) + "\"}"
        let second = "{\"crossing\":\"" + String(repeating: "b", count: 200) + "é\"}"
        let bytes = Array("\(first)\n\(second)\r\n".utf8) + [0xC0, 0xAF] + Array("\n".utf8)
        #expect(bytes.count > chunk && first.utf8.count + 1 + second.utf8.count > chunk)
        let path = try temporaryFile(bytes)
        let scanner = try LineScanner(path: path)
        removeFile(path)
        #expect(scanner.fileSize == bytes.count)
        let one = try #require(try scanner.next())
        #expect(one.line == 1 && one.string == first && one.isValidUTF8)
        let two = try #require(try scanner.next())
        #expect(two.line == 2 && two.string == second && two.isValidUTF8 && !two.tooLong)
        let three = try #require(try scanner.next())
        #expect(three.line == 3 && !three.isValidUTF8)
        #expect(three.withBytes { Array($0) } == [0xC0, 0xAF])
        #expect(try scanner.next() == nil)
        #expect(scanner.bytesRead == bytes.count)
    }
}
