/// How a real export writes its rows, as opposed to what its columns mean: the separator, the date form, the
/// words for "missing", the priority scale, the columns that become tags. Excel, HP Service Manager, BMC and BI
/// tools each differ here while their columns are the usual ones. One value, so the settings resolver can fill it
/// from defaults, the config file's `[ingest]` table and the options in one place.
public struct ImportDialect: Sendable, Equatable {
    /// nil: detected per file from the header and the first rows (`,` `;` tab `|`).
    public var delimiter: UInt8?
    /// A date pattern (`dd/MM/yyyy HH:mm:ss`) for a generic file's dates; nil reads ISO 8601, and a day/month
    /// form whose values settle the order (`DateOrderInference`). ISO dates are read with or without it.
    public var dateFormat: String?
    /// Values that mean "missing" (`#N/B`, `NULL`, `?`), matched exactly after trimming: NULL in an optional field,
    /// a reject in the id or the date.
    public var nullMarkers: [String]
    /// A priority scale, written lower-cased and trimmed → the stored priority (`1` → `urgent`). Also read by
    /// number: `1 - Critical` is `1` when the whole text is not in the map.
    public var priorityMap: [String: String]
    /// Columns (JSON keys) whose non-empty values are each a tag, after those of `tags` / `tag_N`.
    public var tagColumns: [String]
    /// Tags from `tagColumns` are named `column:value`, so SQL can tell a category from a CI type.
    public var tagPrefix: Bool

    public init(delimiter: UInt8? = nil, dateFormat: String? = nil, nullMarkers: [String] = [],
                priorityMap: [String: String] = [:], tagColumns: [String] = [], tagPrefix: Bool = false) {
        self.delimiter = delimiter
        self.dateFormat = dateFormat
        self.nullMarkers = nullMarkers
        self.priorityMap = priorityMap
        self.tagColumns = tagColumns
        self.tagPrefix = tagPrefix
    }

    /// The separators detection considers, in the order that breaks a tie.
    static let candidateDelimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")]

    /// `,` `;` `|`, a tab character, or the words `tab`, `\t`, `comma`, `semicolon`, `pipe`.
    public static func parseDelimiter(_ text: String) throws -> UInt8 {
        switch text.lowercased() {
        case ",", "comma": return UInt8(ascii: ",")
        case ";", "semicolon": return UInt8(ascii: ";")
        case "\t", "\\t", "tab": return 0x09
        case "|", "pipe": return UInt8(ascii: "|")
        default: throw IngestError.badDelimiter(text)
        }
    }

    /// How a delimiter is written in messages.
    static func name(ofDelimiter byte: UInt8) -> String {
        byte == 0x09 ? "tab" : "'\(Character(Unicode.Scalar(byte)))'"
    }

    /// `1=urgent,2=high,3=medium` (spaces allowed). Each target must be a name of the vocabulary or any word:
    /// a word outside `urgent, high, medium, low` is stored as written, as an unmapped name would be.
    public static func parsePriorityMap(_ text: String) throws -> [String: String] {
        var map: [String: String] = [:]
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1).map { String($0).trimmedWhitespace }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw IngestError.badPriorityMap(text, reason: "'\(entry)' is not RAW=PRIORITY")
            }
            try addPriority(raw: parts[0], priority: parts[1], to: &map, option: text)
        }
        guard !map.isEmpty else { throw IngestError.badPriorityMap(text, reason: "it maps nothing") }
        return map
    }

    /// One `RAW = PRIORITY` pair (an option's entry, or a line of `[ingest.priorities]`).
    public static func addPriority(raw: String, priority: String, to map: inout [String: String],
                                   option: String) throws {
        let key = raw.trimmedWhitespace.lowercased()
        if let earlier = map[key], earlier != priority.lowercased() {
            throw IngestError.badPriorityMap(option, reason: "'\(raw)' is mapped twice (\(earlier), \(priority))")
        }
        map[key] = priority.trimmedWhitespace.lowercased()
    }
}
