import Foundation

/// Jira writes dates in the instance's format (Settings → System → Look and feel; default `dd/MMM/yy h:mm a`,
/// as in `28/Nov/25 5:03 PM`), without a zone: the wall-clock time of whoever exported. This turns such a text
/// into the ISO form `TimestampParser` reads, so the warehouse's usual rule applies (a time without an offset is
/// local to the warehouse's zone). ISO dates, which some instances and the REST API write, pass through as they are.
///
/// Month and day names are read in English, as Jira's export writes them for an English-speaking user.
struct JiraDates {
    static let defaultFormat = SourceOptions.defaultJiraDateFormat

    let format: String
    private let formatter: DateFormatter
    /// A pattern with a zone field gives an instant (written with 'Z'); one without, a wall-clock time.
    private let hasZone: Bool

    init(format: String) throws {
        self.format = format
        formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = format
        formatter.isLenient = false
        hasZone = JiraDates.patternLetters(format).contains { "ZzXxOV".contains($0) }
        // A pattern that cannot read back what it writes (a typo such as "dd/MMM/yy h:mm" + "a" missing) would
        // reject every row; say so once, up front.
        let probe = Date(timeIntervalSince1970: 1_764_349_380)  // 2025-11-28 17:03 UTC
        guard !format.trimmedWhitespace.isEmpty, formatter.date(from: formatter.string(from: probe)) != nil else {
            throw IngestError.badDateFormat(format)
        }
    }

    /// An ISO 8601 text for `TimestampParser`, or nil when `text` is neither ISO nor in the format.
    func isoText(_ text: String) -> String? {
        let trimmed = text.trimmedWhitespace
        if JiraDates.looksISO(trimmed) { return trimmed }
        guard let date = formatter.date(from: trimmed) else { return nil }
        let epoch = Int(date.timeIntervalSince1970.rounded(.down))
        let days = Int((Double(epoch) / 86_400).rounded(.down))
        let utc = ResolvedTimestamp(epochSeconds: epoch, day: CivilDate(daysSinceEpoch: days)).utcText
        return hasZone ? utc : String(utc.dropLast())  // the formatter read it as UTC: its fields are the wall clock
    }

    /// `2025-11-28…`: four digits and a dash.
    static func looksISO(_ text: String) -> Bool {
        let bytes = Array(text.utf8.prefix(5))
        return bytes.count == 5 && bytes[4] == UInt8(ascii: "-") && bytes[0..<4].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// The pattern's field letters, leaving out quoted literals ('at').
    private static func patternLetters(_ pattern: String) -> [Character] {
        var letters: [Character] = []
        var quoted = false
        for c in pattern {
            if c == "'" { quoted.toggle(); continue }
            if !quoted, c.isLetter { letters.append(c) }
        }
        return letters
    }
}
