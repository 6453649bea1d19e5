import ArgumentParser
import Foundation
import TicketWatchCore

struct SilenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence",
        abstract: "Keep matching alerts out of chat for a while; they are still detected and stored.",
        discussion: """
        A silenced alert is stored as usual (alerts.silence_id says which silence covered it; `ticketwatch alerts` \
        shows it) but sent to no destination. A silence covers alerts dated before its --until day and ends by \
        itself: alerts of that day and later are sent again.

        Example:
          ticketwatch silence add --match 'queue:Billing*' --until 2026-12-01 --reason "billing migration"
          ticketwatch silence list
          ticketwatch silence remove 3
        """,
        subcommands: [SilenceAddCommand.self, SilenceListCommand.self, SilenceRemoveCommand.self])
}

struct SilenceAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Silence the alerts that match, up to a day.",
        discussion: """
        --match takes the words `ticketwatch alerts` shows in its level and signal columns:
          global              the overall signals (tickets_total, high_rate)
          queue:Billing       exactly that queue (names are case-sensitive); tag:outage likewise
          queue:Billing*      every queue whose name starts with Billing; queue:* every queue, tag:* every tag
          signal:high_rate    every alert of that signal, at any level
          *                   everything
        Only a trailing * is special. Alerts already stored that no destination has had yet are covered at once.

        Example:
          ticketwatch silence add --match 'queue:Billing*' --until 2026-12-01 --reason "billing migration"
        """)

    @OptionGroup var warehouse: WarehouseOptions

    @Option(help: ArgumentHelp("What to silence: global, queue:NAME, tag:NAME, queue:PREFIX*, signal:NAME or *.",
                               valueName: "matcher"))
    var match: String

    @Option(help: ArgumentHelp("Covers alerts dated before this day (in the warehouse's time zone); it ends by itself then.",
                               valueName: "YYYY-MM-DD"))
    var until: String

    @Option(help: "Why, for whoever reads `silence list` later.")
    var reason: String

    func validate() throws {
        guard CivilDate(until) != nil else { throw ValidationError("--until \(until): expected a date as YYYY-MM-DD") }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--reason must say why (it is shown with the silence)")
        }
        do { _ = try SilenceMatcher(match) } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        try reportingErrors {
            let store = try warehouse.open(logger: warehouse.makeLogger())
            let silence = try SilenceStore(db: store.db).add(
                try SilenceMatcher(match), endsOn: CivilDate(until)!, reason: reason,
                by: ProcessInfo.processInfo.environment["USER"], now: Clock.nowUTC())
            print("silence \(silence.id): \(silence.matcher), alerts dated before \(silence.endsOn); covers \(silence.covered) stored alert\(silence.covered == 1 ? "" : "s") not sent yet")
            if silence.state(today: store.today().description) == .expired {
                print("note: \(silence.endsOn) is not after today, so it covers no alert of a day still to come")
            }
        }
    }
}

struct SilenceListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List silences, newest first, with how many alerts each covered.",
        discussion: """
        State: active (still covers days to come), expired (its day has come), removed.

        Example:
          ticketwatch silence list --all
        """)

    @OptionGroup var warehouse: WarehouseOptions

    @Flag(help: "Include removed silences.")
    var all = false

    func run() throws {
        try reportingErrors {
            let store = try warehouse.open(logger: warehouse.makeLogger())
            let silences = try SilenceStore(db: store.db).list(includeRemoved: all)
            guard !silences.isEmpty else {
                print(all ? "no silences" : "no silences (add --all to include removed ones)")
                return
            }
            let today = store.today().description
            let rows = silences.map { s in
                [String(s.id), s.state(today: today).rawValue, s.endsOn, AlertFormatter.printable(s.matcher),
                 String(s.covered), AlertFormatter.printable(s.reason)]
            }
            print(TextTable.render(header: ["id", "state", "until", "match", "alerts", "reason"], rows: rows,
                                   rightAligned: [0, 4]), terminator: "")
        }
    }
}

struct SilenceRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "End a silence now.",
        discussion: """
        The alerts it already covered stay silenced (they are in `ticketwatch alerts`); it covers no new alert.

        Example:
          ticketwatch silence remove 3
        """)

    @OptionGroup var warehouse: WarehouseOptions

    @Argument(help: ArgumentHelp("The silence's id, as `silence list` shows it.", valueName: "id"))
    var id: String

    func run() throws {
        try reportingErrors {
            let store = try warehouse.open(logger: warehouse.makeLogger())
            let silence = try SilenceStore(db: store.db).remove(id, now: Clock.nowUTC())
            print("silence \(silence.id) removed (\(silence.matcher); it had covered \(silence.covered) alert\(silence.covered == 1 ? "" : "s"))")
        }
    }
}
