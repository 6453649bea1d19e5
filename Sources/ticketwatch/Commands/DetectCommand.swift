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
        """)

    @OptionGroup var warehouse: WarehouseOptions

    @Option(help: ArgumentHelp("The detector to run.", valueName: "default|seed"))
    var detector = DefaultDetector.name

    @OptionGroup(title: "The default detector")
    var options: DefaultDetectorArguments

    @OptionGroup(title: "The notebook's constants (seed detector)")
    var seed: SeedOptions

    func validate() throws {
        guard [DefaultDetector.name, SeedDetector.name].contains(detector) else {
            throw ValidationError("unknown detector '\(detector)'; available: \(DefaultDetector.name), \(SeedDetector.name)")
        }
        try options.validate()
        try seed.validate()
    }

    func run() throws {
        try reportingErrors {
            let logger = warehouse.makeLogger()
            let store = try warehouse.open(logger: logger)
            try Aggregator(warehouse: store, logger: logger).run()
            if detector == DefaultDetector.name {
                let outcome = try DefaultDetector(options: options.options)
                    .run(in: store.db, through: options.through, now: Clock.nowUTC())
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
                    print("list them: ticketwatch alerts --db \(shellQuoted(warehouse.resolvedPath)) --detector \(detector)")
                }
                return
            }
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

struct DefaultDetectorArguments: ParsableArguments {
    private static let defaults = DefaultDetectorOptions()

    @Option(help: ArgumentHelp("Judge days up to this one (complete days only). Default: the newest day with tickets.",
                               valueName: "YYYY-MM-DD"))
    var through: String?
    @Option(help: "Daily false-discovery rate (Benjamini-Hochberg, split between total volume, high-priority share, queues and tags by the weights below): about the chance of a false alert on a quiet day.")
    var fdr = defaults.falseDiscoveryRate
    @Option(help: "Weight of the total-volume test in the split of the rate (only ratios between the four weights matter).")
    var totalWeight = defaults.weights.total
    @Option(help: "Weight of the high-priority share test in the split of the rate.")
    var highRateWeight = defaults.weights.highRate
    @Option(help: "Weight of all queue tests together in the split of the rate.")
    var queueWeight = defaults.weights.queues
    @Option(help: "Weight of all tag tests together in the split of the rate.")
    var tagWeight = defaults.weights.tags
    @Option(help: "Within the queue and tag families, each series' share of the rate grows with its support (occurrences in the season window) to this power (0: even shares).")
    var supportExponent = defaults.supportExponent
    @Option(help: "Days of history for the weekday profile, the volume spread and new-term memory.")
    var seasonWindow = defaults.seasonWindow
    @Option(help: "Days over which the recent level of the total volume is taken.")
    var levelWindow = defaults.levelWindow
    @Option(help: "Days over which a queue's, tag's or the high-priority share is taken.")
    var shareWindow = defaults.shareWindow
    @Option(help: "Days whose counts are also tested together (the day judged and the days before it; 1: single days only).")
    var spanDays = defaults.spanDays
    @Option(help: "Share of each series' test given to the span test (the day's test gets the rest).")
    var spanWeight = defaults.spanWeight
    @Option(help: "Usable days needed before a day is judged.")
    var minHistory = defaults.minHistory
    @Option(help: "Occurrences in the season window that make a queue or tag watched.")
    var minSupport = defaults.minSupport
    @Option(help: "Tickets a queue or tag needs on the day to be alerted.")
    var minCount = defaults.minCount
    @Option(help: "A queue or tag seen at most this often in the season window counts as new.")
    var newTermMaxHistory = defaults.newTermMaxHistory
    @Option(help: "Tickets a new queue or tag needs on the day for new_term.")
    var newTermMinCount = defaults.newTermMinCount
    @Option(help: ArgumentHelp("Priorities counted as high for high_rate, comma-separated.", valueName: "list"))
    var highPriorities = defaults.highPriorities.joined(separator: ",")
    @Option(help: "An empty day is a gap in the feed (not a zero) when the baseline gives it less than this probability.")
    var gapProbability = defaults.gapProbability
    @Option(help: "An ongoing incident is alerted again only when its excess grows by this fraction.")
    var growth = defaults.growth
    @Option(help: "How many of the newest judged days are judged again when late tickets change them (0: never).")
    var lateDays = defaults.lateDays

    func validate() throws {
        if let through, CivilDate(through) == nil {
            throw ValidationError("--through \(through): expected a date as YYYY-MM-DD")
        }
        if let problem = options.problem { throw ValidationError(problem) }
    }

    var options: DefaultDetectorOptions {
        var options = DefaultDetectorOptions(
            falseDiscoveryRate: fdr,
            weights: FamilyWeights(total: totalWeight, highRate: highRateWeight, queues: queueWeight, tags: tagWeight),
            seasonWindow: seasonWindow, levelWindow: levelWindow,
            shareWindow: shareWindow, spanDays: spanDays, spanWeight: spanWeight, minHistory: minHistory, minSupport: minSupport, minCount: minCount,
            newTermMaxHistory: newTermMaxHistory, newTermMinCount: newTermMinCount,
            highPriorities: HighPriorities.parse(highPriorities),
            gapProbability: gapProbability, growth: growth)
        options.lateDays = lateDays
        options.supportExponent = supportExponent
        return options
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
