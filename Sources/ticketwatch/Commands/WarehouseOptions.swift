import ArgumentParser
import Logging
import TicketWatchCore

/// The options every command shares: which warehouse, which settings file, and how much to log.
struct WarehouseOptions: ParsableArguments {
    @Option(name: .long, help: .setting("db", valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp(
        "The settings file (TOML).",
        discussion: "Default: $TICKETWATCH_CONFIG, else /etc/ticketwatch/config.toml when it exists.",
        valueName: "path"))
    var config: String?

    @Flag(name: .shortAndLong, help: "Log each step (to standard error).")
    var verbose = false

    /// The settings in force: defaults, the config file, the environment, then `--db` and the options of
    /// `groups` (`SettingsResolver`). Every command that needs a setting gets it from here.
    func settings(_ groups: any SettingsOptionGroup...) throws -> Settings {
        let file = try SettingsFile.locate(explicit: config).map(SettingsFile.load)
        var given: [String: [String]] = db.map { ["db": [$0]] } ?? [:]
        for group in groups { given.merge(group.given) { _, new in new } }
        do {
            return try SettingsResolver().resolve(file: file, options: given)
        } catch let error as SettingError where error.origin == .option {
            throw ValidationError(error.description)  // a usage error: exit status 64, with the usage
        }
    }

    /// The warehouse's path, for messages; `open` reports a broken config file properly.
    var resolvedPath: String { (try? settings())?.warehouse.db ?? db ?? "ticketwatch.db" }

    func makeLogger() -> Logger { WarehouseOptions.logger(verbose: verbose) }

    /// Built with a factory, not `LoggingSystem.bootstrap`, which may run once per process.
    static func logger(verbose: Bool) -> Logger {
        var logger = Logger(label: "ticketwatch") { StandardErrorLogHandler(label: $0) }
        logger.logLevel = verbose ? .debug : .notice
        return logger
    }

    func open(logger: Logger) throws -> Warehouse {
        try open(settings(), logger: logger)
    }

    /// A time zone given as an option must match an existing warehouse's; one from the config file only applies
    /// to a new warehouse (`Warehouse.init`).
    func open(_ settings: Settings, logger: Logger) throws -> Warehouse {
        let zone = settings.warehouse.timezone
        let explicit = settings.origin(of: "timezone") == .option
        return try Warehouse(path: settings.warehouse.db, timeZone: explicit ? zone : nil,
                             defaultTimeZone: explicit ? nil : zone, logger: logger)
    }
}
