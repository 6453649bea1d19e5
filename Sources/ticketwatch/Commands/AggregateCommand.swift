import ArgumentParser
import TicketWatchCore

struct AggregateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregate",
        abstract: "Recount the daily figures of days whose stored tickets changed.",
        discussion: """
        Writes daily_totals (total, high-priority count and rate), daily_priorities, daily_queues and daily_tags. \
        ingest adds each file's new tickets to these tables as it loads them; this recounts, in SQL, the days \
        whose stored tickets changed in place since (tickets re-exported with other figures). --rebuild recounts \
        every day from the stored tickets (a check or a repair: it gives the same figures).

        Example:
          ticketwatch aggregate --db ticketwatch.db
        """)

    @OptionGroup var warehouse: WarehouseOptions

    @Flag(help: "Recount every day from the stored tickets instead of adding what changed.")
    var rebuild = false

    func run() throws {
        try reportingErrors {
            let logger = warehouse.makeLogger()
            let aggregator = Aggregator(warehouse: try warehouse.open(logger: logger), logger: logger)
            let days = rebuild ? try aggregator.rebuild() : try aggregator.run()
            print(days == 0 ? "aggregate: daily figures are up to date" : "aggregate: \(days) days recounted")
        }
    }
}
