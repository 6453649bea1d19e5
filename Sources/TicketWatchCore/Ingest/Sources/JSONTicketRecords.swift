import Foundation

/// One ticket object found in a helpdesk's JSON file, or why a part of the file is not one.
enum JSONTicketRecord {
    case ticket([String: Any], line: Int, raw: String)
    case malformed(line: Int, reason: String, raw: String?)
}

/// Finds the ticket objects in what helpdesk APIs return, whichever way it was saved:
/// - one JSON value per line (JSON Lines: tickets, or whole API pages one per line, as `curl … >> file` leaves);
/// - one document, possibly pretty-printed: a page `{"tickets":[…], "next_page":…}` (Zendesk REST and incremental
///   export), `{"results":[…]}` (Freshdesk search), `{"ticket":{…}}` (one ticket), a bare array `[…]`
///   (Freshdesk's list API), `{"result":[…]}` (ServiceNow's Table API), or several such documents one after another.
///
/// Every ticket keeps the line it starts on, so a reject says where to look even inside a 5,000-line page. A
/// document is read whole (API pages are at most a few MB); JSON Lines stream.
enum JSONTicketRecords {
    /// Wrapper keys whose array holds the tickets, and the one whose object is a ticket.
    static let listKeys = ["tickets", "results", "result"]
    static let singleKey = "ticket"

    /// Calls `body` with each record and how many bytes of the file lie before its end (for progress).
    static func forEach(path: String, _ body: (JSONTicketRecord, Int) throws -> Void) throws {
        if try isJSONLines(path: path) {
            try forEachLine(path: path, body)
        } else {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CSVScannerError.readFailed(path: path, reason: "cannot read the file")
            }
            var splitter = JSONDocumentSplitter(bytes: Array(data))
            try splitter.split { item in
                switch item {
                case let .value(bytes, line, _):
                    func emit(_ record: JSONTicketRecord) throws { try body(record, bytes.endIndex) }
                    let raw = String(decoding: bytes, as: UTF8.self)
                    let parsed: Any
                    do {
                        parsed = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
                    } catch {
                        return try emit(.malformed(line: line, reason: "invalid JSON: \(JSONText.reason(error))", raw: raw))
                    }
                    guard let object = parsed as? [String: Any] else {
                        return try emit(.malformed(line: line, reason: "not a JSON object (a ticket is {…})", raw: raw))
                    }
                    try emit(.ticket(object, line: line, raw: raw))
                case let .problem(line, reason):
                    try body(.malformed(line: line, reason: reason, raw: nil), data.count)
                }
            }
        }
    }

    /// The first ticket object of a file, for `SourceDetection`, and the wrapper key it came in; for a file
    /// without tickets (the empty last page of an export), nil and the wrapper key of the page, if any.
    static func first(path: String) throws -> (object: [String: Any]?, wrapper: String?) {
        if try isJSONLines(path: path) {
            let scanner = try LineScanner(path: path)
            var wrapper: String?
            while let item = try scanner.next() {
                guard !item.tooLong, let parsed = try? JSONSerialization.jsonObject(with: Data(item.string.utf8)) else { continue }
                if let (object, key) = unwrap(parsed).first { return (object, key) }
                wrapper = wrapper ?? pageKey(parsed)
            }
            return (nil, wrapper)
        }
        // A document: its first megabyte holds the wrapper and the first ticket.
        guard let handle = FileHandle(forReadingAtPath: path) else { return (nil, nil) }
        defer { try? handle.close() }
        let prefix = Array((try? handle.read(upToCount: 1 << 20)) ?? Data())
        var splitter = JSONDocumentSplitter(bytes: prefix)
        var found: (object: [String: Any], wrapper: String?)?
        try splitter.split { item in
            guard found == nil, case let .value(bytes, _, wrapper) = item,
                  let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else { return }
            found = (object, wrapper)
        }
        if let found { return (found.object, found.wrapper) }
        return (nil, (try? JSONSerialization.jsonObject(with: Data(prefix))).flatMap(pageKey))
    }

    /// The list key of a page (`tickets`, `results`), whether or not the list has anything in it.
    private static func pageKey(_ value: Any) -> String? {
        guard let object = value as? [String: Any] else { return nil }
        return listKeys.first { object[$0] is [Any] }
    }

    /// JSON Lines when the first non-blank line is a whole JSON value by itself; a pretty-printed document's
    /// first line (`{` or `{"tickets": [`) never is.
    private static func isJSONLines(path: String) throws -> Bool {
        let scanner = try LineScanner(path: path)
        while let item = try scanner.next() {
            if item.tooLong { return false }
            return (try? JSONSerialization.jsonObject(with: Data(item.string.utf8), options: [.fragmentsAllowed])) != nil
        }
        return false
    }

    private static func forEachLine(path: String, _ body: (JSONTicketRecord, Int) throws -> Void) throws {
        let scanner = try LineScanner(path: path)
        while let item = try scanner.next() {
            func emit(_ record: JSONTicketRecord) throws { try body(record, scanner.bytesRead) }
            let text = item.string
            guard !item.tooLong else {
                try emit(.malformed(line: item.line, reason: "line longer than \(scanner.maxRecordBytes) bytes", raw: String(text.prefix(200))))
                continue
            }
            guard item.isValidUTF8 else {
                try emit(.malformed(line: item.line, reason: "invalid UTF-8", raw: nil))
                continue
            }
            let parsed: Any
            do {
                parsed = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            } catch {
                try emit(.malformed(line: item.line, reason: "invalid JSON: \(JSONText.reason(error))", raw: text))
                continue
            }
            let tickets = unwrap(parsed)
            if tickets.isEmpty, !isEmptyPage(parsed) {
                try emit(.malformed(line: item.line, reason: "not a JSON object (a ticket is {…})", raw: text))
            }
            for (object, _) in tickets {
                try emit(.ticket(object, line: item.line, raw: tickets.count == 1 ? text : JSONText.compact(object)))
            }
        }
    }

    /// The ticket objects in one parsed value: a page's list, a `{"ticket":…}`, an array, or the object itself.
    static func unwrap(_ value: Any) -> [([String: Any], String?)] {
        if let array = value as? [Any] {
            return array.compactMap { $0 as? [String: Any] }.map { ($0, nil) }
        }
        guard let object = value as? [String: Any] else { return [] }
        for key in listKeys {
            if let list = object[key] as? [Any] { return list.compactMap { $0 as? [String: Any] }.map { ($0, key) } }
        }
        if let single = object[singleKey] as? [String: Any] { return [(single, singleKey)] }
        return [(object, nil)]
    }

    /// A page with an empty list (the last page of an incremental export often is one) holds no ticket, rightly.
    private static func isEmptyPage(_ value: Any) -> Bool {
        if let array = value as? [Any] { return array.isEmpty }
        guard let object = value as? [String: Any] else { return false }
        return listKeys.contains { (object[$0] as? [Any])?.isEmpty == true }
    }
}

extension JSONText {
    /// One object as compact JSON, for `ingest_rejects.raw` when a line held several tickets.
    static func compact(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}
