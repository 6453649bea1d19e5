import ArgumentParser
import Foundation
import TicketWatchCore

struct AlertsMarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mark",
        abstract: "Record whether an alert was useful or noise.",
        discussion: """
        The judgement is stored in the warehouse (table alert_feedback, one per alert: marking again replaces it) \
        and shown by `ticketwatch alerts`, `ticketwatch explain` and the report.

        Example:
          ticketwatch alerts mark 3f9a1c2b7d4e5f60 --noise --note "monthly invoice run"
        """)

    @OptionGroup var warehouse: WarehouseOptions

    @Argument(help: ArgumentHelp("The alert's id (or its first 6 or more characters), as `ticketwatch alerts` shows it.",
                                 valueName: "id"))
    var id: String

    @Flag(help: "The alert told on-call something worth knowing.")
    var useful = false

    @Flag(help: "The alert was not worth anyone's attention.")
    var noise = false

    @Option(help: "A short note: why, or what it turned out to be.")
    var note: String?

    func validate() throws {
        guard useful != noise else { throw ValidationError("give exactly one of --useful or --noise") }
    }

    func run() throws {
        try reportingErrors {
            let store = try warehouse.open(logger: warehouse.makeLogger())
            let feedback = Feedback(verdict: useful ? .useful : .noise, note: note.flatMap { $0.isEmpty ? nil : $0 },
                                    markedAt: Clock.nowUTC(), markedBy: ProcessInfo.processInfo.environment["USER"])
            let alertID = try FeedbackStore(db: store.db).mark(id, feedback)
            print("alert \(alertID) marked \(feedback.verdict.rawValue)" + (feedback.note.map { " (\(AlertFormatter.printable($0)))" } ?? ""))
        }
    }
}
