import ArgumentParser
import TicketWatchCore

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show why an alert fired and what happened to it since.",
        discussion: """
        Observed against expected, the baseline days, up to five of the day's tickets at that level (id and \
        subject), the queues or tags most common among them and what moved with it; then whether it was \
        silenced, found late or withdrawn, the feedback given, and which destinations have it.

        Example:
          ticketwatch explain 3f9a1c2b7d4e5f60
        """)

    @OptionGroup var warehouse: WarehouseOptions

    @Argument(help: ArgumentHelp("The alert's id (or its first 6 or more characters), from chat, the report or `ticketwatch alerts`.",
                                 valueName: "id"))
    var id: String

    func run() throws {
        try reportingErrors {
            let store = try warehouse.open(logger: warehouse.makeLogger())
            print(try AlertExplanation(db: store.db).render(id), terminator: "")
        }
    }
}
