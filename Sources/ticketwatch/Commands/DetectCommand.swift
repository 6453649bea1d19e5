import ArgumentParser
import Foundation
import TicketWatchCore

struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Run a detector over the daily figures and store its alerts.",
        discussion: """
        Alerts are stored idempotently, one row per detector, date, signal and level: running detect again \
        changes nothing unless the figures changed. Days loaded since the last `aggregate` are aggregated first.

        --detector default (the default) judges each complete day once, up to --through, from that day and the \
        days before it only: total volume against a weekly profile with negative-binomial spread; the share of \
        high-priority tickets, of every queue and of every tag with enough support against its recent share \
        (exact binomial, quasi-binomial when the history is overdispersed); new queues and tags (new_term). \
        Benjamini-Hochberg keeps each day's false discoveries in check; related findings share an `incident`, \
        and an ongoing incident is alerted again only when it grows. z is the normal score of the p-value.

        --detector seed is the notebook's rolling z-score, reproduced exactly (window 14 rows including the day \
        judged, population std, thresholds 3.0 for total volume and high-priority rate, 3.5 for the 6 busiest \
        queues and 8 most frequent tags). It re-judges the whole history on every run.

        The detector and its parameters come from the options, then the config file's [detect], [detect.default] \
        and [detect.seed], as for `ticketwatch run`: a day is judged once, so a detect by hand judges it as the \
        daily job would. `ticketwatch config show` prints what is in force.
        """)

    @OptionGroup var warehouse: WarehouseOptions

    @Option(help: ArgumentHelp("Judge days up to this one (complete days only). Default: the newest day with tickets.",
                               valueName: "YYYY-MM-DD"))
    var through: String?

    @OptionGroup(title: "The detector and the default detector's parameters")
    var detect: DetectSettingsOptions

    @OptionGroup(title: "The notebook's constants (seed detector)")
    var seed: SeedSettingsOptions

    func validate() throws {
        if let through, CivilDate(through) == nil {
            throw ValidationError("--through \(through): expected a date as YYYY-MM-DD")
        }
    }

    func run() throws {
        try reportingErrors {
            let logger = warehouse.makeLogger()
            let settings = try warehouse.settings(detect, seed)
            let detector = settings.detect.detector
            let store = try warehouse.open(settings, logger: logger)
            try Aggregator(warehouse: store, logger: logger).run()
            if detector == DefaultDetector.name {
                let outcome = try DefaultDetector(options: settings.detect.defaultDetector)
                    .run(in: store.db, through: through, now: Clock.nowUTC())
                let result = outcome.stored
                let span = outcome.days.first.map { first in " (\(first) to \(outcome.days.last!))" } ?? ""
                print("""
                    detect (default): \(outcome.days.count) new days\(span) — \(outcome.judged) judged, \
                    \(outcome.warmup) warm-up, \(outcome.quiet) quiet, \(outcome.gaps) gaps; \(outcome.alerts.count) alerts \
                    in \(Set(outcome.alerts.compactMap(\.incident)).count) incidents — \(result.inserted) new, \
                    \(result.updated) updated, \(result.unchanged) unchanged, \(result.withdrawn) withdrawn
                    """)
                if let first = outcome.rejudged.first {
                    print("late tickets changed \(first): judged \(first) to \(outcome.rejudged.last!) again (\(outcome.late.count) late alerts)")
                }
                if !outcome.alerts.isEmpty {
                    print("list them: ticketwatch alerts --db \(shellQuoted(settings.warehouse.db)) --detector \(detector)")
                }
                return
            }
            let alerts = try SeedDetector(options: settings.detect.seedDetector).detect(in: store.db)
            let result = try AlertStore(db: store.db).replace(detector: SeedDetector.name, with: alerts, now: Clock.nowUTC())
            print("""
                detect (\(detector)): \(alerts.count) alerts — \(result.inserted) new, \(result.updated) updated, \
                \(result.unchanged) unchanged, \(result.withdrawn) withdrawn
                """)
            if !alerts.isEmpty {
                print("list them: ticketwatch alerts --db \(shellQuoted(settings.warehouse.db)) --detector \(detector)")
            }
        }
    }
}
