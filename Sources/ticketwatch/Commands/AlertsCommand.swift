import ArgumentParser
import TicketWatchCore

/// `alerts` lists (its default) and `alerts mark` records feedback: one noun, the verbs people reach for.
struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "List stored alerts, or mark one as useful or noise.",
        discussion: """
        Without a subcommand it lists, and takes the options of `list` (`ticketwatch alerts list --help` \
        explains each): --detector NAME, --since YYYY-MM-DD, --signal NAME, --format table|csv|json, and \
        --withdrawn to include the alerts a later detection withdrew (a destination that had one got a correction).

        Example:
          ticketwatch alerts --since 2025-03-01
          ticketwatch alerts --withdrawn --since 2025-03-01
          ticketwatch alerts mark 3f9a1c2b7d4e5f60 --noise --note "monthly invoice run"
        """,
        subcommands: [AlertsListCommand.self, AlertsMarkCommand.self],
        defaultSubcommand: AlertsListCommand.self)
}

struct AlertsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List stored alerts (what `ticketwatch alerts` does).",
        discussion: """
        --format csv starts with exactly the notebook's t6_alerts.csv columns (date,signal,value,z,level), then \
        detector, id, threshold, baseline_mean, baseline_std, incident, and what happened since: withdrawn_at, \
        late, silence_id, feedback, feedback_note. The same rows are in the alerts table: \
        sqlite3 ticketwatch.db "SELECT date, signal, level, value, z FROM alerts ORDER BY date".

        Example:
          ticketwatch alerts --since 2025-03-01 --format csv
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json
    }

    @OptionGroup var warehouse: WarehouseOptions

    @Option(help: "Only this detector's alerts.")
    var detector: String?

    @Option(help: ArgumentHelp("Only alerts on or after this day.", valueName: "YYYY-MM-DD"))
    var since: String?

    @Option(help: ArgumentHelp("Only this signal.", valueName: "tickets_total|high_rate|queue_volume|tag_volume"))
    var signal: String?

    @Flag(help: "Include alerts a later detection withdrew.")
    var withdrawn = false

    @Option(help: "Output format.")
    var format: Format = .table

    func validate() throws {
        if let since, CivilDate(since) == nil {
            throw ValidationError("--since \(since): expected a date as YYYY-MM-DD")
        }
    }

    func run() throws {
        try reportingErrors {
            let store = try warehouse.open(logger: warehouse.makeLogger())
            let alerts = try AlertStore(db: store.db).list(
                detector: detector, since: since, signal: signal, includeWithdrawn: withdrawn)
            let states = try AlertState.all(in: store.db)
            switch format {
            case .table: print(AlertFormatter.table(alerts, states: states), terminator: "")
            case .csv: print(AlertFormatter.csv(alerts, states: states), terminator: "")
            case .json: print(AlertFormatter.json(alerts, states: states))
            }
        }
    }
}
