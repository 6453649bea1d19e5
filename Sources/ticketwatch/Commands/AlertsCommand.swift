import ArgumentParser
import TicketWatchCore

struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "List stored alerts.",
        discussion: """
        --format csv starts with exactly the notebook's t6_alerts.csv columns (date,signal,value,z,level), then \
        detector, id, threshold, baseline_mean, baseline_std, incident. The same rows are in the alerts table: \
        sqlite3 ticketwatch.db "SELECT date, signal, level, value, z FROM alerts ORDER BY date".
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
            switch format {
            case .table: print(AlertFormatter.table(alerts), terminator: "")
            case .csv: print(AlertFormatter.csv(alerts), terminator: "")
            case .json: print(AlertFormatter.json(alerts))
            }
        }
    }
}
