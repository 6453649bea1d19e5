import ArgumentParser
import TicketWatchCore

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load ticket files (CSV or JSON Lines) into the warehouse.",
        discussion: """
        Columns are found by name: ticket_id or id; created_at, created or created_date; queue; priority or \
        priority_norm; tags or tags_str ('a | b'), or tag_1 … tag_N; subject or text. Other columns are ignored; \
        --column maps a differently named one.

        Each file is loaded in one transaction. Bad rows do not stop the load: each is recorded in the \
        ingest_rejects table with its file, line and reason (see them with `ticketwatch rejects`). A ticket id \
        seen before is skipped and counted; a file whose content was loaded before adds nothing.
        """)

    @OptionGroup var warehouse: WarehouseOptions

    @Argument(help: ArgumentHelp("Ticket files to load; '-' reads standard input.", valueName: "file"))
    var files: [String]

    @Option(help: "The input format, when the file name does not tell (.csv, .jsonl).")
    var format: TicketFormat?

    @Option(name: .customLong("column"), help: ArgumentHelp(
        "Map a ticket field to a differently named column, e.g. created_at=\"Created Date\". Repeatable.",
        valueName: "name=header"))
    var columns: [String] = []

    @Option(help: ArgumentHelp(
        "Where days come from: timestamps (the date column), synthetic (seeded days over 120 days from 2025-01-01), or batch:N (every N tickets one day).",
        valueName: "timestamps|synthetic|batch:N"))
    var timeline = "timestamps"

    @Option(help: ArgumentHelp(
        "The warehouse's time zone, fixed when it is created (default UTC). Days are taken in it.",
        valueName: "zone"))
    var timezone: String?

    func validate() throws {
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("'-' (standard input) can be given once") }
        if files.isEmpty { throw ValidationError("name at least one file to load") }
    }

    func run() throws {
        try reportingErrors {
            var mapping = ColumnMapping()
            for text in columns {
                let (field, header) = try ColumnMapping.parseOverride(text)
                mapping.overrides[field] = header
            }
            let options = IngestOptions(format: format, mapping: mapping, timeline: try Timeline(parsing: timeline))
            let logger = warehouse.makeLogger()
            let store = try warehouse.open(timeZone: timezone, logger: logger)
            let line = ProgressLine()
            let ingestor = Ingestor(warehouse: store, options: options, logger: logger, progress: line.update)
            _ = try ingestor.ingest(files) { summary in
                line.clear()
                print(describe(summary))
            }
        }
    }

    private func describe(_ s: FileSummary) -> String {
        if let earlier = s.alreadyLoadedAs {
            return "\(s.source): already loaded (as \(earlier), \(s.alreadyLoadedAt ?? "earlier")); nothing added"
        }
        var line = "\(s.source): \(s.loaded) loaded, \(s.duplicates) duplicates, \(s.rejected) rejected"
        if s.changed > 0 { line += ", \(s.changed) changed repeats kept as first loaded" }
        if !s.ignoredColumns.isEmpty {
            // Named, so that a misspelt column (say "queu") is noticed rather than silently dropped.
            line += "; ignored columns: \(s.ignoredColumns.joined(separator: ", "))"
        }
        if s.rejected > 0 {
            line += " — see them: ticketwatch rejects --db \(shellQuoted(warehouse.resolvedPath)) --source \(shellQuoted(s.source))"
        }
        return line
    }
}
