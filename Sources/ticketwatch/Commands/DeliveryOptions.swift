import ArgumentParser
import TicketWatchCore

/// Where alerts go: shared by `notify` and `run`, so both read destinations the same way. How hard to try
/// (backfill, time limits, recovery) is a setting: `NotifySettingsOptions`.
struct DeliveryOptions: ParsableArguments {
    @Option(name: .customLong("slack"), help: ArgumentHelp(
        "A Slack incoming-webhook URL, optionally named. Repeatable. (Shows in process listings: prefer --slack-file.)",
        valueName: "[name=]url"))
    var slack: [String] = []

    @Option(name: .customLong("webhook"), help: ArgumentHelp(
        "A generic webhook URL (JSON body with an alerts array), optionally named. Repeatable.", valueName: "[name=]url"))
    var webhook: [String] = []

    @Option(name: .customLong("slack-file"), help: ArgumentHelp(
        "A file with one [name=]url per line for Slack. Repeatable.", valueName: "file"))
    var slackFile: [String] = []

    @Option(name: .customLong("webhook-file"), help: ArgumentHelp(
        "A file with one [name=]url per line for generic webhooks. Repeatable.", valueName: "file"))
    var webhookFile: [String] = []

    @Option(name: .customLong("webhook-secret-file"), help: ArgumentHelp(
        "A Standard Webhooks signing secret (whsec_…) for webhook NAME, or for every webhook without its own.",
        discussion: "Adds webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>.",
        valueName: "[name=]file"))
    var webhookSecretFile: [String] = []

    @Flag(help: "Send again the alerts destinations refused for good (after fixing the destination).")
    var retryFailed = false

    /// The config file's destinations and these options' together (one name, one destination), and the notify
    /// settings in force.
    func resolve(_ settings: Settings) -> (destinations: [Destination], problems: [DestinationProblem], options: NotifyOptions) {
        var sources = DestinationSources()
        sources.slackURLs = slack
        sources.webhookURLs = webhook
        sources.slackFiles = slackFile
        sources.webhookFiles = webhookFile
        sources.webhookSecretFiles = webhookSecretFile
        let (destinations, problems) = DestinationList.combine(
            ConfiguredDestinations.resolve(settings.destinations), DestinationList.load(sources))
        var options = settings.notifyOptions
        // Only an explicit --backfill widens a known destination's window, not the standing config value.
        options.widenBackfill = settings.origin(of: "notify.backfill") == .option
        options.retryFailed = retryFailed
        return (destinations, problems, options)
    }
}
