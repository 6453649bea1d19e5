import ArgumentParser
import TicketWatchCore

struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Run a detector over the daily figures and store its alerts.",
        discussion: """
        Alerts are stored idempotently, one row per detector, date, signal and level: running detect again \
        changes nothing unless the figures changed. Days loaded since the last `aggregate` are aggregated first.

        --detector seed is the notebook's rolling z-score, reproduced exactly (window 14 rows including the day \
        judged, population std, thresholds 3.0 for total volume and high-priority rate, 3.5 for the 6 busiest \
        queues and 8 most frequent tags). It is the only detector until the default one lands, so it is also \
        the default for now.
        """)

    @OptionGroup var warehouse: WarehouseOptions

    @Option(help: "The detector to run.")
    var detector = SeedDetector.name

    @OptionGroup(title: "The notebook's constants (seed detector)")
    var seed: SeedOptions

    func validate() throws {
        guard detector == SeedDetector.name else {
            throw ValidationError("unknown detector '\(detector)'; available: \(SeedDetector.name)")
        }
        try seed.validate()
    }

    func run() throws {
        try reportingErrors {
            let logger = warehouse.makeLogger()
            let store = try warehouse.open(logger: logger)
            try Aggregator(warehouse: store, logger: logger).run()
            let alerts = try SeedDetector(options: seed.options).detect(in: store.db)
            let result = try AlertStore(db: store.db).replace(detector: SeedDetector.name, with: alerts, now: Clock.nowUTC())
            print("""
                detect (\(detector)): \(alerts.count) alerts — \(result.inserted) new, \(result.updated) updated, \
                \(result.unchanged) unchanged, \(result.withdrawn) withdrawn
                """)
            if !alerts.isEmpty {
                print("list them: ticketwatch alerts --db \(shellQuoted(warehouse.resolvedPath)) --detector \(detector)")
            }
        }
    }
}

struct SeedOptions: ParsableArguments {
    @Option(help: "z the day's total volume must reach.")
    var totalThreshold = 3.0
    @Option(help: "z the day's high-priority rate must reach.")
    var highRateThreshold = 3.0
    @Option(help: "z a queue's daily volume must reach.")
    var queueThreshold = 3.5
    @Option(help: "z a tag's daily volume must reach.")
    var tagThreshold = 3.5
    @Option(help: "Rolling window, in rows (days with tickets).")
    var window = 14
    @Option(help: "How many of the busiest queues are watched.")
    var topQueues = 6
    @Option(help: "How many of the most frequent tags are watched.")
    var topTags = 8

    func validate() throws {
        guard window >= 2 else { throw ValidationError("--window must be at least 2") }
        guard topQueues >= 0, topTags >= 0 else { throw ValidationError("--top-queues and --top-tags cannot be negative") }
    }

    var options: SeedDetector.Options {
        SeedDetector.Options(
            totalThreshold: totalThreshold, highRateThreshold: highRateThreshold, queueThreshold: queueThreshold,
            tagThreshold: tagThreshold, window: window, topQueues: topQueues, topTags: topTags)
    }
}
