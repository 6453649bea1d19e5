import ArgumentParser
import Foundation
import TicketWatchCore

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The daily job: pull the sources, load the inbox's new files, judge the complete days, notify.",
        discussion: """
        Pulls what changed in every configured [[sources]] helpdesk (as `ticketwatch pull`; a source that fails \
        is reported and the run goes on, failed), then ingests the files in the inbox that were not loaded before (by content: a renamed copy is not loaded \
        twice; a file modified within --settle-seconds, or named *.tmp or *.part, waits for the next run), \
        aggregates the days they touched, runs the detector on every complete day not judged yet (days missed \
        while the machine was off are caught up; the current day in the warehouse's time zone waits until it is \
        over), and posts new alerts to the configured destinations. Each run is recorded in the job_runs table \
        (see `ticketwatch status`).

        Safe to run again, late, twice or after a crash: a second run while one is working exits at once with \
        status 75; a killed run leaves the warehouse consistent and the next run finishes its work, sending \
        nothing twice. The seed detector picks its top queues and tags from all the data, so with \
        --detector seed every run re-judges the whole history.

        Settings come from the options, the environment, then the config file (`inbox` (optional when there are \
        [[sources]]), [[sources]], `timezone`, \
        `settle_seconds`, [detect], [notify], [[destinations]]; see config.example.toml). Webhook URLs come \
        from files or systemd credentials, never from the command line.
        """)

    @OptionGroup var warehouse: WarehouseOptions

    @OptionGroup var job: JobSettingsOptions

    @OptionGroup var zone: TimezoneOption

    @Option(help: ArgumentHelp(
        "Run as if today were this day: only the days before it are judged (for replaying history; default: today in the warehouse's time zone).",
        valueName: "YYYY-MM-DD"))
    var today: String?

    @OptionGroup(title: "Destinations (in addition to the config file's [[destinations]])")
    var delivery: DeliveryOptions

    @OptionGroup(title: "Delivery")
    var notify: NotifySettingsOptions

    @OptionGroup(title: "The detector and the default detector's parameters")
    var detect: DetectSettingsOptions

    @OptionGroup(title: "The notebook's constants (seed detector)")
    var seed: SeedSettingsOptions

    /// EX_TEMPFAIL: another run holds the job; try later.
    static let alreadyRunning = ExitCode(75)

    func validate() throws {
        if let today, CivilDate(today) == nil { throw ValidationError("--today \(today): expected a date as YYYY-MM-DD") }
    }

    func run() throws {
        try reportingErrors {
            try CurlGlobal.initialize()
            let resolved = try warehouse.settings(job, zone, notify, detect, seed)
            let logger = warehouse.makeLogger()
            guard resolved.job.inbox != nil || !resolved.sources.isEmpty else {
                throw ValidationError(
                    "no inbox and no sources: give --inbox DIR, or set `inbox` or [[sources]] in the config file")
            }
            let lock = try takeJobLock(resolved.warehouse.db)
            defer { withExtendedLifetime(lock) {} }
            let store = try warehouse.open(resolved, logger: logger)

            var settings = DailyJobSettings(inbox: resolved.job.inbox)
            settings.sources = resolved.sources
            settings.pull = try resolved.pullOptions()
            settings.settleSeconds = resolved.job.settleSeconds
            settings.today = today.flatMap(CivilDate.init)
            settings.detector = resolved.detect.detector
            settings.seedDetector = resolved.detect.seedDetector
            settings.defaultDetector = resolved.detect.defaultDetector
            settings.ingest.sources = try resolved.ingest.sourceOptions()
            settings.ingest.dialect = try resolved.ingest.dialect()
            (settings.destinations, settings.destinationProblems, settings.notify) = delivery.resolve(resolved)

            let summary = try DailyJob(warehouse: store, settings: settings, logger: logger).run()
            report(summary)
            if !summary.succeeded {
                for problem in summary.problems { printError(problem) }
                throw ExitCode.failure
            }
        }
    }

    private func report(_ s: DailyJob.Summary) {
        for pull in s.pulls { print(PullCommand.describe(pull)) }
        let loaded = s.files.filter { $0.alreadyLoadedAs == nil }
        for file in loaded {
            var line = "\(file.source): \(file.loaded) loaded, \(file.duplicates) duplicates, \(file.rejected) rejected"
            if file.updated > 0 { line += ", \(file.updated) updated" }
            if file.outdated > 0 { line += ", \(file.outdated) older versions not applied" }
            print(line)
        }
        if !s.waiting.isEmpty { print("waiting (still being written): \(s.waiting.count) file\(s.waiting.count == 1 ? "" : "s")") }
        print("judged through \(s.through): \(s.counts.daysJudged) day\(s.counts.daysJudged == 1 ? "" : "s"), \(s.counts.alertsFound) new alert\(s.counts.alertsFound == 1 ? "" : "s")")
        if let first = s.rejudged.first {
            print("late tickets: judged \(first)\(s.rejudged.count > 1 ? " to \(s.rejudged.last!)" : "") again: \(s.lateAlerts) late alert\(s.lateAlerts == 1 ? "" : "s"), \(s.withdrawn) withdrawn")
        }
        if let notify = s.notify {
            for destination in notify.destinations {
                let notices = destination.notices > 0 ? ", \(destination.notices) follow-up\(destination.notices == 1 ? "" : "s")" : ""
                print("\(destination.kind.rawValue) \(destination.name): \(destination.delivered) delivered\(notices), \(destination.pending) pending, \(destination.failed) refused")
            }
        }
        print("run #\(s.runID): \(s.succeeded ? "ok" : "failed")")
    }
}
