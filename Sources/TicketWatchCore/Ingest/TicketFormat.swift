/// The two input formats. Chosen by `--format`, else by extension, else by the first byte of the file.
public enum TicketFormat: String, CaseIterable, Sendable {
    case csv
    case jsonl

    static func fromExtension(_ path: String) -> TicketFormat? {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") { return .csv }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".json") { return .jsonl }
        return nil
    }

    /// A JSON Lines file starts with '{' (after a BOM and blank space); anything else is taken as CSV.
    static func sniff(_ prefix: [UInt8]) -> TicketFormat? {
        var bytes = prefix[...]
        if bytes.starts(with: [0xef, 0xbb, 0xbf]) { bytes = bytes.dropFirst(3) }
        guard let first = bytes.first(where: { ![0x20, 0x09, 0x0a, 0x0d].contains($0) }) else { return nil }
        return first == UInt8(ascii: "{") ? .jsonl : .csv
    }
}
