import ArgumentParser
import Logging
import TicketWatchCore

/// The options every command shares: which warehouse, which settings file, and how much to log.
struct WarehouseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The SQLite warehouse. Created when missing.",
        discussion: "Default: $TICKETWATCH_DB, else `db` in the config file, else ./ticketwatch.db.",
        valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp(
        "The settings file (TOML).",
        discussion: "Default: $TICKETWATCH_CONFIG, else /etc/ticketwatch/config.toml when it exists.",
        valueName: "path"))
    var config: String?

    @Flag(name: .shortAndLong, help: "Log each step (to standard error).")
    var verbose = false

    /// The settings file's content, or the built-in defaults when there is none.
    func loadConfig() throws -> TicketWatchConfig {
        guard let path = try TicketWatchConfig.locate(explicit: config) else { return TicketWatchConfig() }
        return try TicketWatchConfig.load(path: path)
    }

    /// Option, then environment, then config file, then the default (design.md's precedence). For messages;
    /// `open` reports a broken config file properly.
    var resolvedPath: String { WarehouseLocation.resolve(db, configured: (try? loadConfig())?.db) }

    func makeLogger() -> Logger { WarehouseOptions.logger(verbose: verbose) }

    /// Built with a factory, not `LoggingSystem.bootstrap`, which may run once per process.
    static func logger(verbose: Bool) -> Logger {
        var logger = Logger(label: "ticketwatch") { StandardErrorLogHandler(label: $0) }
        logger.logLevel = verbose ? .debug : .notice
        return logger
    }

    func open(timeZone: String? = nil, logger: Logger) throws -> Warehouse {
        let settings = try loadConfig()
        return try Warehouse(path: WarehouseLocation.resolve(db, configured: settings.db),
                             timeZone: timeZone, defaultTimeZone: settings.timezone, logger: logger)
    }
}
