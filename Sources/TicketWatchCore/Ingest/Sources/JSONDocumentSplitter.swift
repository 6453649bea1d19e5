/// Cuts a JSON document into its ticket values without parsing them, so each can be parsed on its own: a
/// broken ticket is one reject instead of a lost page, and each value keeps the line it starts on (a parser of
/// the whole document would give neither).
///
/// It only tracks strings and nesting; whether a value is valid JSON is for the parser to say afterwards.
struct JSONDocumentSplitter {
    enum Item {
        /// One ticket's bytes, its first line, and the wrapper key it was listed under (nil in a bare array).
        case value(ArraySlice<UInt8>, line: Int, wrapper: String?)
        /// A part of the document that holds no readable ticket (truncated, or not JSON), from `line` on.
        case problem(line: Int, reason: String)
    }

    private let bytes: [UInt8]
    private var i = 0
    private var line = 1

    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xef, 0xbb, 0xbf]) { i = 3 }
    }

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), newline = UInt8(ascii: "\n")
    private static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    private static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
    private static let comma = UInt8(ascii: ","), colon = UInt8(ascii: ":")

    /// Hands every ticket value (or problem) to `body`, in document order. Several documents one after another
    /// (pages appended to one file) are read in turn.
    mutating func split(_ body: (Item) throws -> Void) throws {
        while true {
            skipSpace()
            guard i < bytes.count else { return }
            let c = bytes[i]
            if c == Self.openBracket {
                i += 1
                guard try elements(wrapper: nil, body) else { return }
            } else if c == Self.openBrace {
                guard try object(body) else { return }
            } else {
                try body(.problem(line: line, reason: "not JSON: expected a ticket object, a list of tickets or a page {\"tickets\":[…]}"))
                return
            }
        }
    }

    /// A top-level object: a page (its ticket list is split), `{"ticket":{…}}`, or itself a ticket.
    private mutating func object(_ body: (Item) throws -> Void) throws -> Bool {
        let start = i, startLine = line
        i += 1
        var listed = false
        while true {
            skipSpace()
            guard i < bytes.count else { return try truncated(startLine, body) }
            if bytes[i] == Self.closeBrace { i += 1; break }
            guard bytes[i] == Self.quote, let key = readKey() else {
                try body(.problem(line: line, reason: "not JSON: expected a key in quotes"))
                return false
            }
            skipSpace()
            guard i < bytes.count, bytes[i] == Self.colon else {
                try body(.problem(line: line, reason: "not JSON: expected ':' after \"\(key)\""))
                return false
            }
            i += 1
            skipSpace()
            guard i < bytes.count else { return try truncated(startLine, body) }
            if JSONTicketRecords.listKeys.contains(key), bytes[i] == Self.openBracket {
                i += 1
                listed = true
                guard try elements(wrapper: key, body) else { return false }
            } else if key == JSONTicketRecords.singleKey, bytes[i] == Self.openBrace {
                let valueStart = i, valueLine = line
                guard skipValue() else { return try truncated(valueLine, body) }
                listed = true
                try body(.value(bytes[valueStart..<i], line: valueLine, wrapper: key))
            } else {
                guard skipValue() else { return try truncated(startLine, body) }
            }
            skipSpace()
            guard i < bytes.count else { return try truncated(startLine, body) }
            if bytes[i] == Self.comma { i += 1; continue }
            if bytes[i] == Self.closeBrace { i += 1; break }
            try body(.problem(line: line, reason: "not JSON: expected ',' or '}'"))
            return false
        }
        if !listed { try body(.value(bytes[start..<i], line: startLine, wrapper: nil)) }
        return true
    }

    /// The values of a list whose '[' was just read, up to its ']'.
    private mutating func elements(wrapper: String?, _ body: (Item) throws -> Void) throws -> Bool {
        while true {
            skipSpace()
            guard i < bytes.count else {
                try body(.problem(line: line, reason: "the document ends inside the list of tickets (truncated download?)"))
                return false
            }
            if bytes[i] == Self.closeBracket { i += 1; return true }
            let start = i, startLine = line
            guard skipValue() else {
                try body(.problem(line: startLine, reason: "the document ends inside this ticket (truncated download?)"))
                return false
            }
            try body(.value(bytes[start..<i], line: startLine, wrapper: wrapper))
            skipSpace()
            guard i < bytes.count else { continue }
            if bytes[i] == Self.comma { i += 1; continue }
            if bytes[i] == Self.closeBracket { i += 1; return true }
            try body(.problem(line: line, reason: "not JSON: expected ',' or ']' after the ticket on line \(startLine)"))
            return false
        }
    }

    private func truncated(_ from: Int, _ body: (Item) throws -> Void) throws -> Bool {
        try body(.problem(line: from, reason: "the document ends inside this object (truncated download?)"))
        return false
    }

    private mutating func skipSpace() {
        while i < bytes.count {
            let c = bytes[i]
            if c == Self.newline { line += 1 } else if c != 0x20, c != 0x09, c != 0x0d { return }
            i += 1
        }
    }

    /// Past one string (at its opening quote); false when it never closes.
    private mutating func skipString() -> Bool {
        i += 1
        while i < bytes.count {
            let c = bytes[i]
            i += 1
            if c == Self.backslash { i += 1; continue }
            if c == Self.newline { line += 1 }
            if c == Self.quote { return true }
        }
        return false
    }

    private mutating func readKey() -> String? {
        let start = i
        guard skipString() else { return nil }
        return String(decoding: bytes[(start + 1)..<(i - 1)], as: UTF8.self)
    }

    /// Past one value of any kind; false when the document ends first.
    private mutating func skipValue() -> Bool {
        guard i < bytes.count else { return false }
        let c = bytes[i]
        if c == Self.quote { return skipString() }
        if c == Self.openBrace || c == Self.openBracket {
            var depth = 0
            while i < bytes.count {
                let b = bytes[i]
                if b == Self.quote {
                    guard skipString() else { return false }
                    continue
                }
                if b == Self.openBrace || b == Self.openBracket { depth += 1 }
                if b == Self.closeBrace || b == Self.closeBracket { depth -= 1 }
                if b == Self.newline { line += 1 }
                i += 1
                if depth == 0 { return true }
            }
            return false
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == Self.comma || b == Self.closeBrace || b == Self.closeBracket || b == 0x20 || b == 0x09
                || b == 0x0a || b == 0x0d { break }
            i += 1
        }
        return true
    }
}
