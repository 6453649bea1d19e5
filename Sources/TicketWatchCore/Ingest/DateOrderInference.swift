/// Reads the day/month order of `05/02/2012`-style dates from the values themselves, as a person would: a first
/// number above 12 can only be a day, a second one above 12 only a day. Fed every date of a file before it is
/// loaded; never guesses — when no value decides, the load is refused with both readings (pandas' `dayfirst` and
/// DuckDB's sniffer pick one silently, and a month of tickets lands on the wrong days).
struct DateOrderInference {
    enum Verdict: Equatable {
        /// The order is settled: read the file with this pattern.
        case settled(pattern: String)
        /// Every value reads both ways.
        case ambiguous(example: String, dayFirst: String, monthFirst: String)
        /// Some values only read day first and others only month first.
        case mixed(dayFirstExample: String, monthFirstExample: String)
        /// Not a day/month form (or no value at all): nothing to infer.
        case notApplicable
    }

    private struct Shape {
        let first: Int, second: Int
        let separator: Character
        let yearDigits: Int
        let padded: Bool
        /// The pattern of what follows the year: `' HH:mm:ss'`, `' h:mm a'`, `"'T'HH:mm"`, empty.
        let timePattern: String
    }

    private var example: Shape?
    private var exampleText = ""
    private var dayFirstOnly: String?
    private var monthFirstOnly: String?

    /// Adds one date as written. Values of another shape are left to the loader, which rejects them.
    mutating func add(_ text: String) {
        let trimmed = text.trimmedWhitespace
        guard !trimmed.isEmpty, let shape = Self.shape(trimmed) else { return }
        if example == nil { example = shape; exampleText = trimmed }
        if shape.first > 12, shape.second <= 12, dayFirstOnly == nil { dayFirstOnly = trimmed }
        if shape.second > 12, shape.first <= 12, monthFirstOnly == nil { monthFirstOnly = trimmed }
    }

    var verdict: Verdict {
        guard let example else { return .notApplicable }
        let dayFirst = Self.pattern(example, dayFirst: true), monthFirst = Self.pattern(example, dayFirst: false)
        switch (dayFirstOnly, monthFirstOnly) {
        case let (day?, month?): return .mixed(dayFirstExample: day, monthFirstExample: month)
        case (.some, nil): return .settled(pattern: dayFirst)
        case (nil, .some): return .settled(pattern: monthFirst)
        case (nil, nil): return .ambiguous(example: exampleText, dayFirst: dayFirst, monthFirst: monthFirst)
        }
    }

    /// The calendar date `text` is under `pattern`, for messages that show both readings.
    static func reading(_ text: String, pattern: String) -> String {
        guard let compiled = try? DatePattern(pattern) else { return "unreadable" }
        let arena = ByteArena(capacity: 32)
        var text = text
        let read = text.withUTF8 { compiled.writeISO($0, to: arena) }
        return read ? String(decoding: arena.span(0, 10), as: UTF8.self) : "not a date"
    }

    /// Whether a text is worth a pre-pass: a day/month form, not ISO.
    static func isDayMonthForm(_ text: String) -> Bool { shape(text.trimmedWhitespace) != nil }

    private static func pattern(_ s: Shape, dayFirst: Bool) -> String {
        let d = s.padded ? "dd" : "d", m = s.padded ? "MM" : "M", sep = String(s.separator)
        let y = s.yearDigits == 2 ? "yy" : "yyyy"
        return (dayFirst ? d + sep + m : m + sep + d) + sep + y + s.timePattern
    }

    /// `N/N/YYYY` (or `-` `.`) and an optional time `H:mm[:ss[.f]]` with an optional AM/PM.
    private static func shape(_ text: String) -> Shape? {
        let chars = Array(text.utf8)
        var i = 0
        func digits() -> (Int, Int)? {
            var v = 0, k = 0
            while i < chars.count, chars[i] >= 0x30, chars[i] <= 0x39, k < 4 {
                v = v * 10 + Int(chars[i] - 0x30)
                i += 1
                k += 1
            }
            return k > 0 ? (v, k) : nil
        }
        guard let (a, aDigits) = digits(), aDigits <= 2, i < chars.count else { return nil }
        let sep = chars[i]
        guard sep == UInt8(ascii: "/") || sep == UInt8(ascii: "-") || sep == UInt8(ascii: ".") else { return nil }
        i += 1
        guard let (b, bDigits) = digits(), bDigits <= 2, i < chars.count, chars[i] == sep else { return nil }
        i += 1
        guard let (_, yearDigits) = digits(), yearDigits == 2 || yearDigits == 4, a >= 1, b >= 1, a <= 31, b <= 31
        else { return nil }
        var time = ""
        if i < chars.count {
            let joiner = chars[i]
            guard joiner == 0x20 || joiner == UInt8(ascii: "T") else { return nil }
            i += 1
            guard let (_, hourDigits) = digits(), hourDigits <= 2 else { return nil }
            var parts = 1
            while i < chars.count, chars[i] == UInt8(ascii: ":") {
                i += 1
                guard let (_, k) = digits(), k == 2 else { return nil }
                parts += 1
            }
            guard parts >= 2, parts <= 3 else { return nil }
            var fraction = ""
            if parts == 3, i < chars.count, chars[i] == UInt8(ascii: ".") || chars[i] == UInt8(ascii: ",") {
                fraction = String(Character(Unicode.Scalar(chars[i]))) + "S"
                i += 1
                guard digits() != nil else { return nil }
                while i < chars.count, chars[i] >= 0x30, chars[i] <= 0x39 { i += 1 }
            }
            let spaced = i < chars.count && chars[i] == 0x20
            let rest = String(decoding: chars[i...], as: UTF8.self).trimmedWhitespace.lowercased()
            let amPM = rest == "am" || rest == "pm"
            guard amPM || rest.isEmpty else { return nil }
            let hour = amPM ? "h" : (hourDigits == 2 ? "HH" : "H")
            time = (joiner == 0x20 ? " " : "'T'") + hour + ":mm" + (parts == 3 ? ":ss" : "") + fraction
                + (amPM ? (spaced ? " a" : "a") : "")
        }
        return Shape(first: a, second: b, separator: Character(Unicode.Scalar(sep)), yearDigits: yearDigits,
                     padded: aDigits == 2 && bDigits == 2, timePattern: time)
    }
}
