import ArgumentParser
import Logging
import TicketWatchCore

/// The options every command shares: which warehouse, and how much to log.
struct WarehouseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The SQLite warehouse. Created when missing.",
        discussion: "Default: $TICKETWATCH_DB, else ./ticketwatch.db.",
        valueName: "path"))
    var db: String?

    @Flag(name: .shortAndLong, help: "Log each step (to standard error).")
    var verbose = false

    var resolvedPath: String { WarehouseLocation.resolve(db) }

    func makeLogger() -> Logger { WarehouseOptions.logger(verbose: verbose) }

    /// Built with a factory, not `LoggingSystem.bootstrap`, which may run once per process.
    static func logger(verbose: Bool) -> Logger {
        var logger = Logger(label: "ticketwatch") { StandardErrorLogHandler(label: $0) }
        logger.logLevel = verbose ? .debug : .notice
        return logger
    }

    func open(timeZone: String? = nil, logger: Logger) throws -> Warehouse {
        try Warehouse(path: resolvedPath, timeZone: timeZone, logger: logger)
    }
}
