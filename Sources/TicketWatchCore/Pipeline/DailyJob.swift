import Foundation
import Logging

/// Settings of one `ticketwatch run`.
public struct DailyJobSettings: Sendable {
    /// nil: no inbox (the tickets come from `sources` only).
    public var inbox: String?
    /// The config file's `[[sources]]`, pulled before the inbox is read.
    public var sources: [ConfiguredSource] = []
    public var pull = PullOptions()
    public var settleSeconds = 60
    public var ingest = IngestOptions()
    /// `default` (incremental) or `seed` (the notebook's; re-judges the whole history every run).
    public var detector = DefaultDetector.name
    public var defaultDetector = DefaultDetectorOptions()
    public var seedDetector = SeedDetector.Options()
    public var notify = NotifyOptions()
    public var destinations: [Destination] = []
    public var destinationProblems: [DestinationProblem] = []
    /// The clock, for the inbox's "still being written" check and for today's date.
    public var now = Date()
    /// The day treated as today, for replaying history day by day; nil: today in the warehouse's zone. Only the
    /// days before it are judged.
    public var today: CivilDate?

    public init(inbox: String?) {
        self.inbox = inbox
    }
}

/// The daily job: pull the sources → ingest the inbox's new files → aggregate the days they touched → judge the
/// complete days not judged yet → notify, recorded in `job_runs`.
///
/// Each step commits on its own and the next run starts from what is committed, so a run killed anywhere leaves a
/// consistent warehouse and the next one finishes the work: files whose load did not commit are loaded again,
/// days not aggregated or judged are still pending, and alerts not yet delivered are still in the outbox.
public struct DailyJob {
    let warehouse: Warehouse
    let settings: DailyJobSettings
    let logger: Logger

    public init(warehouse: Warehouse, settings: DailyJobSettings, logger: Logger) {
        self.warehouse = warehouse
        self.settings = settings
        self.logger = logger
    }

    public struct Summary: Sendable {
        public var runID: Int64 = 0
        public var counts = JobRunLog.Counts()
        public var files: [FileSummary] = []
        public var pulls: [SourcePullSummary] = []
        public var waiting: [String] = []
        /// The last complete day: the newest day this run could judge.
        public var through = ""
        /// Days judged again because late tickets changed them; alerts they brought (late) and withdrew.
        public var rejudged: [String] = []
        public var lateAlerts = 0
        public var withdrawn = 0
        public var notify: NotifyReport?
        /// Everything that went wrong, in words; empty when the run succeeded.
        public var problems: [String] = []

        public var succeeded: Bool { problems.isEmpty }
    }

    /// The call holds the job lock (`JobLock`) for the whole run.
    public func run() throws -> Summary {
        let log = JobRunLog(db: warehouse.db)
        var summary = Summary()
        summary.runID = try log.start(at: Clock.nowUTC())
        do {
            try runSteps(&summary)
        } catch {
            summary.problems.append("\(error)")
        }
        try log.finish(summary.runID, at: Clock.nowUTC(), counts: summary.counts,
                       error: summary.problems.isEmpty ? nil : summary.problems.joined(separator: "; "))
        return summary
    }

    private func runSteps(_ summary: inout Summary) throws {
        // 0. Pull every source: one that fails is a problem of the run, the others and the inbox still load.
        if !settings.sources.isEmpty {
            summary.pulls = try Puller(warehouse: warehouse, options: settings.pull, logger: logger)
                .pull(settings.sources)
            for pull in summary.pulls {
                summary.counts.ticketsLoaded += pull.loaded
                summary.counts.rowsRejected += pull.rejected
                if let problem = pull.problem { summary.problems.append(problem) }
            }
        }
        // 1. Ingest: each ready file on its own, so one broken file does not hold back the others.
        try ingestInbox(&summary)
        try judgeAndNotify(&summary)
    }

    private func ingestInbox(_ summary: inout Summary) throws {
        guard let inbox = settings.inbox else { return }
        let listing = try Inbox(directory: inbox, settleSeconds: settings.settleSeconds).list(now: settings.now)
        summary.waiting = listing.waiting
        summary.counts.filesSkipped = listing.waiting.count
        let ingestor = Ingestor(warehouse: warehouse, options: settings.ingest, logger: logger)
        let seen = InboxSeen(db: warehouse.db, logger: logger)
        for path in listing.ready {
            do {
                if try seen.isUnchangedAndLoaded(path) {
                    summary.counts.filesSkipped += 1
                    continue
                }
                let stamp = seen.stamp(path)
                guard let file = try ingestor.ingest([path]).first else { continue }
                try seen.record(path, stamp: stamp, sha256: file.contentSHA256)
                summary.files.append(file)
                if file.alreadyLoadedAs != nil {
                    summary.counts.filesSkipped += 1
                } else {
                    summary.counts.filesLoaded += 1
                    summary.counts.ticketsLoaded += file.loaded
                    summary.counts.rowsRejected += file.rejected
                }
            } catch {
                logger.error("file not loaded", metadata: ["file": "\(path)", "error": "\(error)"])
                summary.problems.append("\(error)")
            }
        }
    }

    private func judgeAndNotify(_ summary: inout Summary) throws {
        // 2. Aggregate the days those files touched.
        try Aggregator(warehouse: warehouse, logger: logger).run()

        // 3. Judge the complete days: the current day in the warehouse's zone is not over yet.
        let today = settings.today ?? CivilDate(daysSinceEpoch: Int(floor(
            (settings.now.timeIntervalSince1970 + Double(warehouse.timeZone.secondsFromGMT(for: settings.now))) / 86_400)))
        summary.through = today.adding(days: -1).description
        let now = Clock.nowUTC()
        switch settings.detector {
        case SeedDetector.name:
            // The notebook's detector picks its queues and tags from all the data: it re-judges everything.
            let alerts = try SeedDetector(options: settings.seedDetector).detect(in: warehouse.db)
                .filter { $0.date <= summary.through }
            let stored = try AlertStore(db: warehouse.db).replace(detector: SeedDetector.name, with: alerts, now: now)
            summary.counts.alertsFound = stored.inserted
            summary.counts.daysJudged = try warehouse.db.scalar(
                "SELECT count(*) FROM daily_totals WHERE day <= ?", [.text(summary.through)])?.int ?? 0
        default:
            let outcome = try DefaultDetector(options: settings.defaultDetector)
                .run(in: warehouse.db, through: summary.through, now: now)
            summary.counts.alertsFound = outcome.stored.inserted
            summary.counts.daysJudged = outcome.days.count
            summary.rejudged = outcome.rejudged
            summary.lateAlerts = outcome.late.count
            summary.withdrawn = outcome.stored.withdrawn
        }

        // 4. Notify every destination of what it has not had yet (including what an earlier run could not send).
        if !settings.destinations.isEmpty || !settings.destinationProblems.isEmpty {
            var options = settings.notify
            options.detector = settings.detector
            options.incidentGapDays = settings.defaultDetector.incidentGapDays
            options.lateDays = settings.defaultDetector.lateDays
            let report = try Notifier(warehouse: warehouse, options: options, logger: logger)
                .run(settings.destinations, problems: settings.destinationProblems)
            summary.notify = report
            summary.counts.notificationsSent = report.destinations.map(\.delivered).reduce(0, +)
            summary.counts.notificationsFailed = report.destinations.map { $0.failed + $0.pending }.reduce(0, +)
            for destination in report.destinations where !destination.isComplete {
                summary.problems.append("\(destination.kind.rawValue) \(destination.name): \(destination.pending) alerts pending, \(destination.failed) refused"
                    + (destination.problem.map { " (\($0))" } ?? ""))
            }
            summary.problems += report.problems.map { "\($0)" }
        }
    }
}
