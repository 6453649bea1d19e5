import ArgumentParser
import TicketWatchCore

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the settings in force and where each came from.",
        subcommands: [ConfigShowCommand.self])
}

struct ConfigShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print every setting in force, each with where it came from: default, file, environment or option.",
        discussion: """
        The answer to "why did it do that?": the settings are resolved exactly as every other command resolves \
        them (built-in default, then the config file, then the environment, then options), and printed one per \
        line as `key = value  # origin`, in a fixed order. Secrets are not printed: a destination shows where its \
        URL is kept, never the URL.
        """)

    @OptionGroup var warehouse: WarehouseOptions

    func run() throws {
        try reportingErrors {
            print(SettingsReport.text(try warehouse.settings()), terminator: "")
        }
    }
}
