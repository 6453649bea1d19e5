import ArgumentParser
import TicketWatchCore

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the plots and the alert table as one self-contained page.",
        discussion: """
        Writes DIR/index.html — inline SVG and CSS, nothing fetched from the network, readable offline and as an \
        e-mail attachment — and DIR/alerts.csv (the notebook's t6_alerts.csv columns first). The page shows a \
        summary, the daily volume and high-priority rate, every queue and tag that alerted and the busiest ones, \
        each with its expected band and the alert days marked, and all alerts grouped by day. The bands and the \
        number of busiest queues and tags plotted follow the config file's [detect.seed] (the notebook's rule).
        """)

    @OptionGroup var warehouse: WarehouseOptions

    @Option(help: ArgumentHelp("Where index.html and alerts.csv go (created when missing).", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("First day shown.", valueName: "YYYY-MM-DD"))
    var since: String?

    @Option(help: "Show only the last N days that have data.")
    var days: Int?

    @Option(help: "Only this detector's alerts (default: every detector's).")
    var detector: String?

    func validate() throws {
        if let since, CivilDate(since) == nil { throw ValidationError("--since \(since): expected a date as YYYY-MM-DD") }
        if let days, days < 1 { throw ValidationError("--days must be at least 1") }
    }

    func run() throws {
        try reportingErrors {
            let logger = warehouse.makeLogger()
            let settings = try warehouse.settings()
            let store = try warehouse.open(settings, logger: logger)
            try Aggregator(warehouse: store, logger: logger).run()  // days whose tickets changed: recounted first
            var options = ReportOptions(since: since.flatMap(CivilDate.init), days: days, detector: detector)
            options.seed = settings.detect.seedDetector
            let written = try ReportWriter(warehouse: store, options: options, logger: logger).write(to: out)
            print("report: \(written.pagePath) (\(written.plots) plots, \(written.alerts) alerts, \(written.pageBytes / 1024) KiB) and \(written.csvPath)")
        }
    }
}
