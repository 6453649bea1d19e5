import Foundation

/// Which of `,` `;` tab `|` separates a CSV file's fields, from its header and first rows: Excel in much of
/// Europe, HP Service Manager and many BI tools write `;`, and a header read with the wrong one becomes a single
/// column name. A separator counted outside quotes the same number of times on the header and on the first rows
/// wins; among those, the one that splits the header most (`,` first on a tie, so a comma file is read as ever).
enum DelimiterSniffer {
    static let sampleBytes = 64 * 1024
    static let sampleRecords = 20

    static func detect(path: String) -> UInt8 {
        guard let handle = FileHandle(forReadingAtPath: path) else { return UInt8(ascii: ",") }
        defer { try? handle.close() }
        let sample = Array((try? handle.read(upToCount: sampleBytes)) ?? Data())
        return detect(sample: sample)
    }

    static func detect(sample: [UInt8]) -> UInt8 {
        let candidates = ImportDialect.candidateDelimiters
        // Per record (quotes respected), how often each candidate occurs; the last record may be cut short.
        var counts: [[Int]] = []
        var current = [Int](repeating: 0, count: candidates.count)
        var quoted = false, any = false
        for byte in sample {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if quoted { any = true; continue }
            if byte == UInt8(ascii: "\n") {
                if any { counts.append(current) }
                current = [Int](repeating: 0, count: candidates.count)
                any = false
                if counts.count > sampleRecords { break }
                continue
            }
            if byte != UInt8(ascii: "\r") { any = true }
            if let k = candidates.firstIndex(of: byte) { current[k] += 1 }
        }
        if counts.isEmpty, any { counts.append(current) }
        guard let header = counts.first else { return UInt8(ascii: ",") }
        let rows = counts.dropFirst()
        var best: (index: Int, consistent: Bool, count: Int)?
        for k in candidates.indices where header[k] > 0 {
            let consistent = rows.allSatisfy { $0[k] == header[k] }
            let better: Bool
            if let b = best {
                better = (consistent && !b.consistent) || (consistent == b.consistent && header[k] > b.count)
            } else {
                better = true
            }
            if better { best = (k, consistent, header[k]) }
        }
        return best.map { candidates[$0.index] } ?? UInt8(ascii: ",")
    }
}
