import ArgumentParser
import TicketWatchCore

struct AggregateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregate",
        abstract: "Compute the daily figures for the days whose tickets changed.",
        discussion: """
        Writes daily_totals (total, high-priority count and rate), daily_priorities, daily_queues and daily_tags. \
        Only days touched by tickets loaded since the last run are recomputed.
        """)

    @OptionGroup var warehouse: WarehouseOptions

    func run() throws {
        try reportingErrors {
            let logger = warehouse.makeLogger()
            let days = try Aggregator(warehouse: try warehouse.open(logger: logger), logger: logger).run()
            print(days == 0 ? "aggregate: nothing changed since the last run" : "aggregate: \(days) days recomputed")
        }
    }
}
