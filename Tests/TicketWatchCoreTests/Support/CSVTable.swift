import Foundation

/// Reads the small, well-formed CSV files that pandas writes (fixtures and oracle output), by header name.
/// Deliberately independent of the product's own CSV scanner, so a scanner bug cannot hide a parity bug.
struct CSVTable {
    let header: [String]
    let rows: [[String]]

    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var records: [[String]] = []
        var field = "", record: [String] = [], quoted = false
        var iterator = text.makeIterator()
        while let c = iterator.next() {
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else {
                            quoted = false
                            if next == "," { record.append(field); field = "" }
                            else if next == "\n" || next == "\r\n" { record.append(field); field = ""; records.append(record); record = [] }
                        }
                    } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { record.append(field); field = "" }
            else if c == "\n" || c == "\r\n" { record.append(field); field = ""; records.append(record); record = [] }
            else { field.append(c) }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        header = records.first ?? []
        rows = Array(records.dropFirst())
    }

    func column(_ name: String) -> [String] {
        guard let i = header.firstIndex(of: name) else { return [] }
        return rows.map { $0[i] }
    }
}
