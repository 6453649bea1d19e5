import ArgumentParser
import Foundation
import TicketWatchCore

struct NotifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Post the alerts each Slack or webhook destination has not had yet.",
        discussion: """
        Every alert reaches every destination once: the deliveries table is the outbox (one row per alert and \
        destination), and an alert is marked delivered only after the destination answered 2xx. Failures \
        (5xx, 429, timeouts) are retried within --retry-for; what is still undelivered goes out on the next run. \
        4xx answers other than 429 are not retried: they are recorded with the receiver's reason and resent \
        after the URL under that name changes, or with --retry-failed. The exit status is 0 only when every \
        destination has every alert.

        A destination is known in the warehouse by its NAME (--slack oncall=URL), or else by a hash of its URL; \
        never by the URL, which is a credential and appears in no output, log or table. A destination the \
        warehouse has not seen before gets the alerts of the newest 7 judged days (--backfill); older ones are \
        recorded as skipped.

        URLs on the command line show in process listings: the daily job should read them from files \
        (--slack-file, --webhook-file: one [NAME=]URL per line, e.g. systemd credentials in \
        $CREDENTIALS_DIRECTORY). Only https:// URLs are used; plain http:// only to loopback addresses.

        The config file's [[destinations]] are notified too, as by `ticketwatch run`, and its [notify] \
        backfill, timeout and retry_for apply unless given here.
        """)

    @OptionGroup var warehouse: WarehouseOptions

    @OptionGroup(title: "Destinations")
    var delivery: DeliveryOptions

    @OptionGroup(title: "Delivery")
    var notify: NotifySettingsOptions

    @Option(help: ArgumentHelp("Only this detector's alerts (default: all detectors').", valueName: "name"))
    var detector: String?

    @Flag(help: "Print the payloads that would be posted; send nothing and record no delivery.")
    var dryRun = false

    func run() throws {
        try reportingErrors {
            // libcurl's global set-up belongs before anything else in the process.
            try CurlGlobal.initialize()
            let logger = warehouse.makeLogger()
            let settings = try warehouse.settings(notify)
            var (destinations, problems, options) = delivery.resolve(settings)
            guard !destinations.isEmpty || !problems.isEmpty else {
                throw ValidationError("no destination: give --slack-file FILE or --webhook-file FILE (or --slack URL, "
                                      + "--webhook URL), or [[destinations]] in the config file")
            }
            // Said first: a refused URL is a configuration mistake, the rest of the run does not change it.
            for problem in problems {
                printError("\(problem)")
            }
            let store = try warehouse.open(settings, logger: logger)
            options.dryRun = dryRun
            options.detector = detector
            let report = try Notifier(warehouse: store, options: options, logger: logger).run(destinations, problems: problems)

            for problem in report.problems.dropFirst(problems.count) {
                printError("\(problem)")
            }
            if dryRun {
                print("# dry run: nothing sent, nothing recorded")
            }
            for destination in report.destinations {
                print(lines(for: destination).joined(separator: "\n"))
            }
            // A dry run fails only on destinations that cannot be used; a real run on anything left undelivered.
            let incomplete = dryRun ? report.problems.count
                : report.destinations.filter { !$0.isComplete }.count + report.problems.count
            if incomplete > 0 {
                let total = report.destinations.count + report.problems.count
                printError(dryRun
                    ? "\(incomplete) of \(total) destinations cannot be used"
                    : "\(incomplete) of \(total) destinations did not get every alert; pending alerts go out on the next run")
                throw ExitCode.failure
            }
        }
    }

    /// What happened to one destination, for a person: one line, or the payloads in a dry run.
    func lines(for report: DestinationReport) -> [String] {
        let label = "\(report.kind.rawValue) \(report.name) (\(report.host))"
        var lines: [String] = []
        if report.isNew {
            let window = report.backfillFrom.map { "alerts from \($0) on" } ?? "all alerts"
            lines.append("\(label): new destination — \(window); \(report.skipped) older alert\(report.skipped == 1 ? "" : "s") recorded as skipped")
        } else if report.urlChanged {
            lines.append("\(label): new URL under this name — \(report.requeued) alerts it had refused are sent again")
        } else if report.requeued > 0 {
            lines.append("\(label): \(report.requeued) alerts queued again")
        }
        if dryRun {
            let alerts = report.messages.map(\.alertIDs.count).reduce(0, +)
            lines.append("\(label): would post \(alerts) alert\(alerts == 1 ? "" : "s") in \(report.messages.count) message\(report.messages.count == 1 ? "" : "s")")
            for (index, message) in report.messages.enumerated() {
                var header = "# \(report.kind.rawValue) \(report.name): message \(index + 1) of \(report.messages.count), \(message.alertIDs.count) alerts"
                if report.kind == .webhook { header += ", webhook-id \(message.messageID)" }
                lines.append(header)
                lines.append(message.bodyText)
            }
            return lines
        }
        if report.messages.isEmpty {
            lines.append("\(label): nothing new")
        } else if report.delivered > 0 {
            lines.append("\(label): \(report.delivered) alert\(report.delivered == 1 ? "" : "s") delivered in \(report.posts) post\(report.posts == 1 ? "" : "s") (\(report.attempts) attempt\(report.attempts == 1 ? "" : "s"))")
        }
        if report.notices > 0 {
            lines.append("\(label): \(report.notices) follow-up\(report.notices == 1 ? "" : "s") delivered (corrections of withdrawn alerts, recoveries)")
        }
        if report.pending > 0 {
            lines.append("\(label): \(report.pending) alert\(report.pending == 1 ? "" : "s") still pending — \(report.problem ?? "not sent")")
        }
        if report.failed > 0 {
            lines.append("\(label): \(report.failed) alert\(report.failed == 1 ? "" : "s") refused for good — \(report.problem ?? "see the deliveries table"). "
                + "Fix the destination; a new URL under the same name, or --retry-failed, sends them again")
        }
        return lines
    }
}
