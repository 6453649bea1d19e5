import ArgumentParser
import TicketWatchCore

/// Where alerts go and how hard to try: shared by `notify` and `run`, so both read destinations, backfill and
/// time limits the same way, with the same checks (option, then config file, then default).
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

    @Option(help: ArgumentHelp(
        "History a new destination gets: the alerts of the newest DAYS judged days, or all (config: notify.backfill; default 7).",
        discussion: "Given for a known destination, it widens that destination's window: skipped alerts in it are sent.",
        valueName: "days|all"))
    var backfill: String?

    @Flag(help: "Send again the alerts destinations refused for good (after fixing the destination).")
    var retryFailed = false

    @Option(help: ArgumentHelp(
        "Destination kinds that get a 'recovered' message once an alerted incident is over: webhook, slack, both comma-separated, or none (config: notify.recovery; default webhook).",
        valueName: "kinds"))
    var recovery: String?

    @Option(help: ArgumentHelp("Seconds one request may take (config: notify.timeout; default 10).", valueName: "seconds"))
    var timeout: Double?

    @Option(name: .customLong("retry-for"), help: ArgumentHelp(
        "Seconds to keep retrying one destination, in all; later attempts wait for the next run (config: notify.retry_for; default 60).",
        valueName: "seconds"))
    var retryFor: Double?

    func validate() throws {
        // Messages here never repeat a URL: it is a credential.
        if let timeout { try Self.checkTimeout(timeout, "--timeout") }
        if let retryFor { try Self.checkRetryFor(retryFor, "--retry-for") }
        if let backfill, Backfill(argument: backfill) == nil {
            throw ValidationError("--backfill \(backfill): expected a number of days (0 or more) or 'all'")
        }
        if let recovery, Self.recoveryKinds(recovery.split(separator: ",").map(String.init)) == nil {
            throw ValidationError("--recovery \(recovery): expected webhook, slack, webhook,slack or none")
        }
    }

    static func recoveryKinds(_ words: [String]) -> Set<DestinationKind>? {
        let trimmed = words.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if trimmed == ["none"] || trimmed.isEmpty { return [] }
        let kinds = trimmed.compactMap(DestinationKind.init)
        return kinds.count == trimmed.count ? Set(kinds) : nil
    }

    /// A timeout of 0 would mean "no limit" to libcurl: a stalled receiver would hold the job for ever.
    private static func checkTimeout(_ value: Double, _ name: String) throws {
        guard value > 0, value <= 600 else { throw ValidationError("\(name) must be more than 0 and at most 600 seconds") }
    }

    private static func checkRetryFor(_ value: Double, _ name: String) throws {
        guard value >= 0, value <= 3600 else { throw ValidationError("\(name) must be between 0 and 3600 seconds") }
    }

    /// The config file's destinations and these options' together (one name, one destination), and the notify
    /// settings with the config file's values where no option was given.
    func resolve(config: TicketWatchConfig) throws -> (destinations: [Destination], problems: [DestinationProblem], options: NotifyOptions) {
        var sources = DestinationSources()
        sources.slackURLs = slack
        sources.webhookURLs = webhook
        sources.slackFiles = slackFile
        sources.webhookFiles = webhookFile
        sources.webhookSecretFiles = webhookSecretFile
        let (destinations, problems) = DestinationList.combine(
            ConfiguredDestinations.resolve(config.destinations), DestinationList.load(sources))

        let file = config.file ?? "the config file"
        var options = NotifyOptions()
        if let text = backfill ?? config.notify.backfill {
            guard let value = Backfill(argument: text) else {
                throw ValidationError("notify.backfill in \(file): expected a number of days or 'all'")
            }
            options.backfill = value
        }
        // Only an explicit --backfill widens a known destination's window, not the standing config value.
        options.widenBackfill = backfill != nil
        options.retryFailed = retryFailed
        if let words = recovery.map({ $0.split(separator: ",").map(String.init) }) ?? config.notify.recovery {
            guard let kinds = Self.recoveryKinds(words) else {
                throw ValidationError("notify.recovery in \(file): expected a list of \"webhook\" and \"slack\" (or [] for none)")
            }
            options.recovery = kinds
        }
        options.timeout = timeout ?? config.notify.timeout ?? 10
        options.retry.retryFor = retryFor ?? config.notify.retryFor ?? 60
        try Self.checkTimeout(options.timeout, "notify.timeout in \(file)")
        try Self.checkRetryFor(options.retry.retryFor, "notify.retry_for in \(file)")
        return (destinations, problems, options)
    }
}
