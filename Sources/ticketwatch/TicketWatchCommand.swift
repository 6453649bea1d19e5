import ArgumentParser
import TicketWatchCore

@main
struct TicketWatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ticketwatch",
        abstract: "Tells on-call people what turned unusual in yesterday's support tickets.",
        discussion: """
        The pipeline: ingest ticket files into a SQLite warehouse, aggregate daily figures, detect anomalies, \
        and list or report the alerts. Every command works on the warehouse named by --db \
        (default: $TICKETWATCH_DB, else ./ticketwatch.db) and creates it when missing.
        """,
        version: TicketWatchVersion.current,
        subcommands: [
            IngestCommand.self,
            PullCommand.self,
            AggregateCommand.self,
            DetectCommand.self,
            AlertsCommand.self,
            SilenceCommand.self,
            ExplainCommand.self,
            NotifyCommand.self,
            RejectsCommand.self,
            RunCommand.self,
            StatusCommand.self,
            ReportCommand.self,
            DemoCommand.self,
            ConfigCommand.self,
        ]
    )
}
