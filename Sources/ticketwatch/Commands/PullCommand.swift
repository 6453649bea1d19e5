import ArgumentParser
import Foundation
import TicketWatchCore

struct PullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Fetch the tickets changed since the last pull from the config file's [[sources]].",
        discussion: """
        Each source (Zendesk, Freshdesk, Jira Cloud, ServiceNow) is asked for what changed since its cursor, \
        page by page, and each page is loaded as `ingest` loads that helpdesk's export (same fields, updates by \
        update time) in one transaction with the cursor that moved past it: a pull killed anywhere resumes where \
        it stopped, and no ticket is counted twice. Pages are recorded in ingest_files as pull:NAME. A 429 waits \
        for its Retry-After (up to 120 s even past --retry-for); 5xx and network errors are retried within \
        --retry-for seconds per request. A \
        refused credential (401/403) stops that source only; the others are still pulled. Exits 0 only when \
        every source got to the present. Then run `ticketwatch aggregate` (or let `run` do all of it). \
        See docs/pulling.md.
        """)

    @OptionGroup var warehouse: WarehouseOptions

    @Option(name: .customLong("source"), help: ArgumentHelp(
        "Pull only this [[sources]] entry. Repeatable. Default: every source.", valueName: "name"))
    var sources: [String] = []

    @Option(help: ArgumentHelp(
        "Widen this pull backwards to tickets updated since this day (UTC); a stored cursor never moves back.",
        valueName: "YYYY-MM-DD"))
    var since: String?

    @OptionGroup(title: "Requests")
    var requests: RequestSettingsOptions

    func validate() throws {
        if let since, CivilDate(since) == nil {
            throw ValidationError("--since \(since): expected a date as YYYY-MM-DD")
        }
    }

    func run() throws {
        try reportingErrors {
            let resolved = try warehouse.settings(requests)
            guard !resolved.sources.isEmpty else {
                let file = resolved.file.map { " (\($0))" } ?? " (none found; give --config FILE)"
                throw ValidationError("no [[sources]] in the config file\(file); see docs/pulling.md")
            }
            let chosen = try resolved.sources(named: sources)
            let logger = warehouse.makeLogger()
            let lock = try takeJobLock(resolved.warehouse.db)
            defer { withExtendedLifetime(lock) {} }
            let store = try warehouse.open(resolved, logger: logger)
            let line = ProgressLine()
            let options = try resolved.pullOptions(since: since.flatMap(CivilDate.init))
            let summaries = try Puller(warehouse: store, options: options, logger: logger, progress: line.update)
                .pull(chosen)
            line.clear()
            for summary in summaries { print(PullCommand.describe(summary)) }
            let failed = summaries.filter { !$0.succeeded }
            for summary in failed { printError(summary.problem ?? "") }
            if !failed.isEmpty { throw ExitCode.failure }
        }
    }

    /// `support (zendesk): 3 pages, 12 new, 2 updated, 1 duplicate, 0 rejected; reached 2025-03-01T10:00:00Z`.
    static func describe(_ s: SourcePullSummary) -> String {
        var line = "\(s.name) (\(s.kind.rawValue)): \(s.pages) page\(s.pages == 1 ? "" : "s"), \(s.loaded) new, "
            + "\(s.updated) updated, \(s.duplicates) unchanged, \(s.rejected) rejected"
        if s.outdated > 0 { line += ", \(s.outdated) older versions not applied" }
        line += "; reached \(s.reached ?? "nothing yet")"
        if !s.succeeded { line += " (stopped short)" }
        return line
    }
}
