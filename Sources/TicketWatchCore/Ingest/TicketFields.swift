/// One record's ticket fields as UTF-8 bytes, borrowed from the reader (the CSV scanner's record buffer, or a
/// scratch copy of a JSON object's strings) until the record has been validated and handed to the writer.
/// Nil means the input had no such field; an empty span means it was there and empty.
struct TicketFields {
    var ticketID: UnsafeBufferPointer<UInt8>?
    var createdAt: UnsafeBufferPointer<UInt8>?
    var queue: UnsafeBufferPointer<UInt8>?
    var priority: UnsafeBufferPointer<UInt8>?
    var subject: UnsafeBufferPointer<UInt8>?
    /// The helpdesk's last update of the ticket (which of two exported versions is newer).
    var updatedAt: UnsafeBufferPointer<UInt8>?
    /// How it came in (Zendesk `via.channel`, Freshdesk `source`) and its kind (`type`, Jira's Issue Type).
    var channel: UnsafeBufferPointer<UInt8>?
    var ticketType: UnsafeBufferPointer<UInt8>?
    /// An `a | b` list (a `tags` column or a JSON string), split on '|' by the validator.
    var tagList: UnsafeBufferPointer<UInt8>?
    /// Tags given one per value (`tag_N` columns, a JSON array), after those of `tagList`.
    var tagValues: [UnsafeBufferPointer<UInt8>] = []

    /// Clears the fields for the next record, keeping `tagValues`' storage.
    mutating func reset() {
        ticketID = nil
        createdAt = nil
        queue = nil
        priority = nil
        subject = nil
        updatedAt = nil
        channel = nil
        ticketType = nil
        tagList = nil
        tagValues.removeAll(keepingCapacity: true)
    }
}

/// Byte-level forms of the text rules the notebook applies with Python string methods.
enum ByteText {
    /// `str.strip()`: drops Unicode White_Space and the ASCII separators 0x1C–0x1F at both ends (the same set
    /// as `StringProtocol.trimmedWhitespace`). Expects valid UTF-8, which the readers check first.
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let p = bytes.baseAddress else { return bytes }
        var lo = 0, hi = bytes.count
        while lo < hi {
            let b = p[lo]
            if b < 0x80 {
                guard isStrippedASCII(b) else { break }
                lo += 1
            } else {
                let (scalar, length) = decode(p + lo, hi - lo)
                guard scalar.properties.isWhitespace else { break }
                lo += length
            }
        }
        while hi > lo {
            let b = p[hi - 1]
            if b < 0x80 {
                guard isStrippedASCII(b) else { break }
                hi -= 1
            } else {
                var start = hi - 1
                while start > lo && p[start] & 0xC0 == 0x80 { start -= 1 }
                let (scalar, _) = decode(p + start, hi - start)
                guard scalar.properties.isWhitespace else { break }
                hi = start
            }
        }
        return UnsafeBufferPointer(start: p + lo, count: hi - lo)
    }

    /// Splits an `a | b` tag list on '|', trims each part and skips empty ones (the notebook's rule).
    static func forEachTag(in list: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard let p = list.baseAddress else { return }
        var start = 0
        for i in 0...list.count where i == list.count || p[i] == UInt8(ascii: "|") {
            let tag = trimmed(UnsafeBufferPointer(start: p + start, count: i - start))
            if !tag.isEmpty { body(tag) }
            start = i + 1
        }
    }

    /// Appends `name` as a JSON string: quote, backslash and control characters escaped, the rest (valid UTF-8
    /// already) copied as it is.
    static func appendJSONString(_ name: UnsafeBufferPointer<UInt8>, to arena: ByteArena) {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for b in name {
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), b]
            case 0..<0x20: out += Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
        out.withUnsafeBufferPointer { _ = arena.append($0) }
    }

    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        !bytes.contains { $0 >= 0x80 }
    }

    @inline(__always)
    private static func isStrippedASCII(_ b: UInt8) -> Bool {
        b == 0x20 || (0x09...0x0d).contains(b) || (0x1c...0x1f).contains(b)
    }

    /// The scalar starting at `p` and its length in bytes; U+FFFD for anything malformed.
    private static func decode(_ p: UnsafePointer<UInt8>, _ available: Int) -> (Unicode.Scalar, Int) {
        let b0 = UInt32(p[0])
        let length = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 1
        guard length > 1, length <= available else { return ("\u{FFFD}", 1) }
        var value = b0 & (0x7F >> UInt32(length))
        for k in 1..<length { value = value << 6 | UInt32(p[k] & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }
}
