import ArgumentParser
import TicketWatchCore

struct RejectsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejects",
        abstract: "List the rows ingest could not load, with file, line and reason.")

    @OptionGroup var warehouse: WarehouseOptions

    @Option(help: ArgumentHelp("Only rows from this file (as it was given to ingest).", valueName: "path"))
    var source: String?

    @Option(help: "At most this many rows (newest files first).")
    var limit = 100

    func run() throws {
        try reportingErrors {
            let store = try warehouse.open(logger: warehouse.makeLogger())
            var sql = "SELECT source, line, reason, coalesce(raw, '') FROM ingest_rejects"
            var bindings: [SQLValue] = []
            if let source {
                sql += " WHERE source = ?"
                bindings.append(.text(source))
            }
            sql += " ORDER BY file_id DESC, line LIMIT ?"
            bindings.append(SQLValue(limit))
            let rows = try store.db.query(sql, bindings)
            if rows.isEmpty { print("no rejected rows"); return }
            for row in rows {
                // Reasons quote the bad field and raw is the row as read: ticket data, kept from reaching the terminal
                // as control sequences.
                print("\(AlertFormatter.printable(row[0].string ?? "")):\(row[1].int ?? 0): \(AlertFormatter.printable(row[2].string ?? ""))")
                let raw = row[3].string ?? ""
                if !raw.isEmpty {
                    print("    \(AlertFormatter.printable(String(raw.prefix(160)).replacingOccurrences(of: "\n", with: "⏎")))")
                }
            }
        }
    }
}
