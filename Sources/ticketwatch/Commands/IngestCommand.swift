import ArgumentParser
import TicketWatchCore

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load ticket files (CSV, JSON Lines, or Zendesk, Freshdesk and Jira exports) into the warehouse.",
        discussion: """
        Sources (--source, else detected from each file's content and recorded per file): zendesk (ticket JSON \
        from the Tickets API or the incremental export: pages {"tickets":[…]} or one ticket per line), freshdesk \
        (ticket JSON from its API), jira (Jira Service Management's CSV export), generic (the columns below). \
        A --source the content contradicts is refused, naming the likely one. Priorities are translated into \
        urgent, high, medium, low (the priority_names table shows how); Zendesk and Freshdesk groups become \
        queues through --map-group or --groups, else stay group ids.

        Generic columns are found by name: ticket_id or id; created_at, created or created_date; queue; priority \
        or priority_norm; tags or tags_str ('a | b'), or tag_1 … tag_N; subject or text; updated_at (in a file \
        with several rows per ticket, the newest row wins). Other columns are ignored; --column maps a \
        differently named one. The separator (, ; tab |) is detected from the header; unnamed trailing columns \
        and rows of only separators are skipped. Dates are ISO 8601, or day/month dates whose values settle the \
        order (a first number above 12 is a day); when no value settles it the file is refused with both \
        readings, and --date-format says which.

        Each file is loaded in one transaction. Bad rows do not stop the load: each is recorded in the \
        ingest_rejects table with its file, line and reason (see them with `ticketwatch rejects`). A ticket \
        exported again with changes replaces the stored one when it is newer (by the helpdesk's update time, \
        else by being loaded later), and the days it touches are aggregated again; an unchanged repeat is \
        skipped and counted; a file whose content was loaded before adds nothing.

        Examples:
          ticketwatch ingest --db tw.db tickets.csv
          ticketwatch ingest --db tw.db --source zendesk --map-group 360001234567=Billing export-2025-11-28.json
          ticketwatch ingest --db tw.db --date-format "yyyy-MM-dd HH:mm" jira-export.csv
          ticketwatch ingest --db tw.db --null '#N/B' --priority-map '1=urgent,2=high,3=medium,4=low,5=low' \\
            --column ticket_id="Incident ID" --column created_at="Open Time" export.csv
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

    @OptionGroup(title: "How the helpdesk's exports are read")
    var reading: IngestSettingsOptions

    @Option(help: ArgumentHelp(
        "Where days come from: timestamps (the date column), synthetic (seeded days over 120 days from 2025-01-01), or batch:N (every N tickets one day).",
        valueName: "timestamps|synthetic|batch:N"))
    var timeline = "timestamps"

    @OptionGroup var zone: TimezoneOption

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
            let settings = try warehouse.settings(reading, zone)
            let options = IngestOptions(format: format, mapping: mapping, timeline: try Timeline(parsing: timeline),
                                        sources: try settings.ingest.sourceOptions(), dialect: try settings.ingest.dialect())
            let logger = warehouse.makeLogger()
            let store = try warehouse.open(settings, logger: logger)
            let line = ProgressLine()
            let ingestor = Ingestor(warehouse: store, options: options, logger: logger, progress: line.update)
            _ = try ingestor.ingest(files) { summary in
                line.clear()
                print(describe(summary))
            }
            // Days that already had figures (a late file, an updated ticket) are recounted now, so the daily
            // tables people query agree with the tickets as soon as ingest returns. Cheap: those days only.
            let recounted = try Aggregator(warehouse: store, logger: logger).run()
            if recounted > 0 { print("daily figures recounted for \(recounted) day\(recounted == 1 ? "" : "s") that already had some") }
        }
    }

    private func describe(_ s: FileSummary) -> String {
        if let earlier = s.alreadyLoadedAs {
            return "\(s.source): already loaded (as \(earlier), \(s.alreadyLoadedAt ?? "earlier")); nothing added"
        }
        var line = "\(s.source)\(s.helpdesk == .generic ? "" : " (\(s.helpdesk.rawValue))"): \(s.loaded) loaded, \(s.duplicates) duplicates, \(s.rejected) rejected"
        if s.updated > 0 { line += ", \(s.updated) updated" }
        if s.outdated > 0 { line += ", \(s.outdated) older versions not applied" }
        if s.emptyRows > 0 { line += ", \(s.emptyRows) empty row\(s.emptyRows == 1 ? "" : "s") skipped" }
        if s.earlierVersions > 0 {
            let rows = s.earlierVersions == 1 ? "1 row was an earlier version" : "\(s.earlierVersions) rows were earlier versions"
            line += "; \(rows) of tickets in the file (the newest of each is stored)"
        }
        if let pattern = s.inferredDateFormat { line += "; dates read as \(pattern)" }
        if !s.ignoredColumns.isEmpty {
            // Named, so that a misspelt column (say "queu") is noticed rather than silently dropped.
            // Header names are the file's data, shown the way the terminal cannot take as control sequences.
            line += "; ignored columns: \(s.ignoredColumns.map(AlertFormatter.printable).joined(separator: ", "))"
        }
        if s.rejected > 0 {
            line += " — see them: ticketwatch rejects --db \(shellQuoted(warehouse.resolvedPath)) --source \(shellQuoted(s.source))"
        }
        return line
    }
}
