/// A date pattern (`dd/MM/yyyy HH:mm:ss`, `d/M/yyyy H:mm`, `M/d/yyyy h:mm a`, `dd-MMM-yy`) compiled once and
/// read on bytes, writing the ISO form `TimestampParser` reads. Foundation's `DateFormatter` would cost a few
/// microseconds a row and parses through the process's ICU; a day-first export of a year is a million rows.
///
/// Numeric fields take one or two digits whatever the letter count (`dd` reads `5`, as spreadsheets drop the
/// zero); `yy` is 2000–2069 or 1970–1999. Month names are English. A zone (`X`, `Z`) gives an instant; without
/// one the time is local to the warehouse's zone, as for ISO text.
struct DatePattern: Sendable {
    let pattern: String

    private enum Token: Sendable {
        case year(digits: Int)
        case month, monthName, day, hour24, hour12, minute, second, fraction, amPM, zone
        case literal(UInt8)
    }

    private let tokens: [Token]

    init(_ pattern: String) throws {
        self.pattern = pattern
        var tokens: [Token] = []
        let chars = Array(pattern.utf8)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == UInt8(ascii: "'") {
                i += 1
                while i < chars.count, chars[i] != UInt8(ascii: "'") { tokens.append(.literal(chars[i])); i += 1 }
                i += 1
                continue
            }
            guard (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) else {
                tokens.append(.literal(c))
                i += 1
                continue
            }
            var run = 1
            while i + run < chars.count, chars[i + run] == c { run += 1 }
            i += run
            switch Character(Unicode.Scalar(c)) {
            case "y", "u": tokens.append(.year(digits: run == 2 ? 2 : 4))
            case "M", "L": tokens.append(run >= 3 ? .monthName : .month)
            case "d": tokens.append(.day)
            case "H": tokens.append(.hour24)
            case "h": tokens.append(.hour12)
            case "m": tokens.append(.minute)
            case "s": tokens.append(.second)
            case "S": tokens.append(.fraction)
            case "a": tokens.append(.amPM)
            case "X", "x", "Z": tokens.append(.zone)
            default: throw IngestError.badDateFormat(pattern)
            }
        }
        let has = { (match: (Token) -> Bool) in tokens.contains(where: match) }
        let hasYear = has { if case .year = $0 { true } else { false } }
        let hasMonth = has { if case .month = $0 { true } else if case .monthName = $0 { true } else { false } }
        let hasDay = has { if case .day = $0 { true } else { false } }
        let hour12 = has { if case .hour12 = $0 { true } else { false } }
        let amPM = has { if case .amPM = $0 { true } else { false } }
        guard hasYear, hasMonth, hasDay, hour12 == amPM else { throw IngestError.badDateFormat(pattern) }
        self.tokens = tokens
    }

    private static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Appends `text` as ISO 8601 (`2012-02-05T13:32:57`, with `Z`/`±hh:mm` when the pattern has a zone) to
    /// `out`; false (and `out` as it was) when the text does not fit the pattern.
    func writeISO(_ raw: UnsafeBufferPointer<UInt8>, to out: ByteArena) -> Bool {
        let text = Whitespace.trimmed(raw)
        var i = 0
        let n = text.count
        var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0
        var pm: Bool?
        var zone: [UInt8] = []
        func number(max digits: Int) -> Int? {
            var v = 0, k = 0
            while k < digits, i < n, text[i] >= 0x30, text[i] <= 0x39 {
                v = v * 10 + Int(text[i] - 0x30)
                i += 1
                k += 1
            }
            return k > 0 ? v : nil
        }
        for token in tokens {
            switch token {
            case .literal(let c):
                guard i < n, text[i] == c else { return false }
                i += 1
            case .year(let digits):
                let start = i
                guard let v = number(max: digits), i - start == digits else { return false }
                year = digits == 2 ? (v < 70 ? 2000 + v : 1900 + v) : v
            case .month: guard let v = number(max: 2) else { return false }; month = v
            case .day: guard let v = number(max: 2) else { return false }; day = v
            case .hour24, .hour12: guard let v = number(max: 2) else { return false }; hour = v
            case .minute: guard let v = number(max: 2), v < 60 else { return false }; minute = v
            case .second: guard let v = number(max: 2), v <= 60 else { return false }; second = min(v, 59)
            case .fraction: guard number(max: 9) != nil else { return false }
            case .monthName:
                var name: [UInt8] = []
                while i < n, (text[i] | 0x20) >= 0x61, (text[i] | 0x20) <= 0x7a { name.append(text[i] | 0x20); i += 1 }
                guard name.count >= 3, let index = Self.monthNames.firstIndex(where: {
                    Array($0.utf8) == Array(name.prefix(3)) }) else { return false }
                month = index + 1
            case .amPM:
                guard i + 1 < n, (text[i + 1] | 0x20) == UInt8(ascii: "m") else { return false }
                switch text[i] | 0x20 {
                case UInt8(ascii: "a"): pm = false
                case UInt8(ascii: "p"): pm = true
                default: return false
                }
                i += 2
            case .zone:
                let start = i
                if i < n, text[i] == UInt8(ascii: "Z") { i += 1 } else {
                    guard i < n, text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") else { return false }
                    i += 1
                    while i < n, (text[i] >= 0x30 && text[i] <= 0x39) || text[i] == UInt8(ascii: ":") { i += 1 }
                }
                zone = Array(text[start..<i])
            }
        }
        guard i == n else { return false }
        if let pm {
            guard (1...12).contains(hour) else { return false }
            hour = hour % 12 + (pm ? 12 : 0)
        }
        guard hour < 24, CivilDate(year: year, month: month, day: day) != nil else { return false }
        out.append(count: 19) { p in
            CivilDate.writeDigits(year, width: 4, to: p)
            p[4] = UInt8(ascii: "-")
            CivilDate.writeDigits(month, width: 2, to: p + 5)
            p[7] = UInt8(ascii: "-")
            CivilDate.writeDigits(day, width: 2, to: p + 8)
            p[10] = UInt8(ascii: "T")
            CivilDate.writeDigits(hour, width: 2, to: p + 11)
            p[13] = UInt8(ascii: ":")
            CivilDate.writeDigits(minute, width: 2, to: p + 14)
            p[16] = UInt8(ascii: ":")
            CivilDate.writeDigits(second, width: 2, to: p + 17)
        }
        if !zone.isEmpty { zone.withUnsafeBufferPointer { _ = out.append($0) } }
        return true
    }

    /// `2025-…`: four digits and a dash, read as ISO whatever the pattern says.
    static func looksISO(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let t = Whitespace.trimmed(text)
        guard t.count >= 5, t[4] == UInt8(ascii: "-") else { return false }
        return (0..<4).allSatisfy { t[$0] >= 0x30 && t[$0] <= 0x39 }
    }
}
