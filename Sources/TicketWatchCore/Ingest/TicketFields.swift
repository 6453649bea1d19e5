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
    /// Splits an `a | b` tag list on '|', trims each part and skips empty ones (the notebook's rule).
    static func forEachTag(in list: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard let p = list.baseAddress else { return }
        var start = 0
        for i in 0...list.count where i == list.count || p[i] == UInt8(ascii: "|") {
            let tag = Whitespace.trimmed(UnsafeBufferPointer(start: p + start, count: i - start))
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
}
