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
        URL is kept, never the URL. Any setting's option may be given too, to see what a command given it would \
        use: `ticketwatch config show --fdr 0.01`.
        """)

    @OptionGroup var warehouse: WarehouseOptions
    @OptionGroup(title: "Settings, as other commands take them") var job: JobSettingsOptions
    @OptionGroup(title: "Settings, as other commands take them") var zone: TimezoneOption
    @OptionGroup(title: "Settings, as other commands take them") var ingest: IngestSettingsOptions
    @OptionGroup(title: "Settings, as other commands take them") var detect: DetectSettingsOptions
    @OptionGroup(title: "Settings, as other commands take them") var seed: SeedSettingsOptions
    @OptionGroup(title: "Settings, as other commands take them") var notify: NotifySettingsOptions

    func run() throws {
        try reportingErrors {
            print(SettingsReport.text(try warehouse.settings(job, zone, ingest, detect, seed, notify)), terminator: "")
        }
    }
}
