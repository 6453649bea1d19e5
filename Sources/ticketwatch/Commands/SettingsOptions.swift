import ArgumentParser
import TicketWatchCore

/// The command-line layer of the settings. Each group holds only options that are settings, declared as text
/// (`String?`, or `[String]` when repeatable): `SettingsTable` reads and checks the values, exactly as it reads the
/// config file's and the environment's, and supplies the help. The option's name is the property's, in
/// kebab-case, as ArgumentParser spells it; `given` finds them by reflection, so declaring the option is all a
/// command does to take part in `SettingsResolver`.
protocol SettingsOptionGroup: ParsableArguments {}

extension SettingsOptionGroup {
    /// The options given, by name, with their values in order.
    var given: [String: [String]] {
        var given: [String: [String]] = [:]
        for child in Mirror(reflecting: self).children {
            guard let label = child.label, label.hasPrefix("_") else { continue }
            let name = Self.kebabCase(String(label.dropFirst()))
            if let option = child.value as? Option<String?>, let value = option.wrappedValue {
                given[name] = [value]
            } else if let option = child.value as? Option<[String]>, !option.wrappedValue.isEmpty {
                given[name] = option.wrappedValue
            } else if let flag = child.value as? Flag<Bool>, flag.wrappedValue {
                given[name] = ["true"]
            }
        }
        return given
    }

    private static func kebabCase(_ name: String) -> String {
        name.reduce(into: "") { out, character in
            if character.isUppercase { out += "-" + character.lowercased() } else { out.append(character) }
        }
    }
}

extension ArgumentHelp {
    /// A setting's help from `SettingsTable`, with its config key and built-in default.
    static func setting(_ key: String, valueName: String? = nil) -> ArgumentHelp {
        guard let setting = SettingsTable.setting(key) else { return ArgumentHelp("(unknown setting \(key))") }
        let fallback = setting.shownDefault.map { "; default \($0)" } ?? ""
        let variable = setting.environment.map { "; environment: $\($0)" } ?? ""
        return ArgumentHelp("\(setting.help) (config: \(key)\(variable)\(fallback))", valueName: valueName)
    }
}

/// The detector's settings: which one, and the default detector's parameters (`detect`, `run`).
struct DetectSettingsOptions: SettingsOptionGroup {
    @Option(help: .setting("detect.detector", valueName: "default|seed")) var detector: String?
    @Option(help: .setting("detect.high_priorities", valueName: "list")) var highPriorities: String?
    @Option(help: .setting("detect.default.sensitivity", valueName: "level")) var sensitivity: String?
    @Option(help: .setting("detect.default.false_discovery_rate", valueName: "rate")) var fdr: String?
    @Option(help: .setting("detect.default.practical_floor", valueName: "share")) var practicalFloor: String?
    @Option(help: .setting("detect.default.total_weight", valueName: "weight")) var totalWeight: String?
    @Option(help: .setting("detect.default.high_rate_weight", valueName: "weight")) var highRateWeight: String?
    @Option(help: .setting("detect.default.queue_weight", valueName: "weight")) var queueWeight: String?
    @Option(help: .setting("detect.default.tag_weight", valueName: "weight")) var tagWeight: String?
    @Option(help: .setting("detect.default.support_exponent", valueName: "power")) var supportExponent: String?
    @Option(help: .setting("detect.default.season_window", valueName: "days")) var seasonWindow: String?
    @Option(help: .setting("detect.default.level_window", valueName: "days")) var levelWindow: String?
    @Option(help: .setting("detect.default.share_window", valueName: "days")) var shareWindow: String?
    @Option(help: .setting("detect.default.span_days", valueName: "days")) var spanDays: String?
    @Option(help: .setting("detect.default.span_weight", valueName: "share")) var spanWeight: String?
    @Option(help: .setting("detect.default.min_history", valueName: "days")) var minHistory: String?
    @Option(help: .setting("detect.default.min_support", valueName: "tickets")) var minSupport: String?
    @Option(help: .setting("detect.default.min_count", valueName: "tickets")) var minCount: String?
    @Option(help: .setting("detect.default.new_term_max_history", valueName: "tickets")) var newTermMaxHistory: String?
    @Option(help: .setting("detect.default.new_term_min_count", valueName: "tickets")) var newTermMinCount: String?
    @Option(help: .setting("detect.default.gap_probability", valueName: "p")) var gapProbability: String?
    @Option(help: .setting("detect.default.growth", valueName: "fraction")) var growth: String?
    @Option(help: .setting("detect.default.incident_gap_days", valueName: "days")) var incidentGapDays: String?
    @Option(help: .setting("detect.default.late_days", valueName: "days")) var lateDays: String?
    @Option(help: .setting("detect.default.stale_after_days", valueName: "days")) var staleAfterDays: String?
    @Option(help: .setting("detect.default.drop_ratio", valueName: "fraction")) var dropRatio: String?
    @Option(help: .setting("calendar.holidays", valueName: "dates")) var holidays: String?
    @Option(help: .setting("calendar.holidays_file", valueName: "file")) var holidaysFile: String?
}

/// The notebook's constants, for `--detector seed`.
struct SeedSettingsOptions: SettingsOptionGroup {
    @Option(help: .setting("detect.seed.total_threshold", valueName: "z")) var totalThreshold: String?
    @Option(help: .setting("detect.seed.high_rate_threshold", valueName: "z")) var highRateThreshold: String?
    @Option(help: .setting("detect.seed.queue_threshold", valueName: "z")) var queueThreshold: String?
    @Option(help: .setting("detect.seed.tag_threshold", valueName: "z")) var tagThreshold: String?
    @Option(help: .setting("detect.seed.window", valueName: "rows")) var window: String?
    @Option(help: .setting("detect.seed.top_queues", valueName: "n")) var topQueues: String?
    @Option(help: .setting("detect.seed.top_tags", valueName: "n")) var topTags: String?
}

/// How hard to try delivering (`notify`, `run`).
struct NotifySettingsOptions: SettingsOptionGroup {
    @Option(help: .setting("notify.backfill", valueName: "days|all")) var backfill: String?
    @Option(help: .setting("notify.recovery", valueName: "kinds")) var recovery: String?
    @Option(help: .setting("notify.timeout", valueName: "seconds")) var timeout: String?
    @Option(help: .setting("notify.retry_for", valueName: "seconds")) var retryFor: String?
}

/// How the helpdesk's exports are read (`ingest`).
struct IngestSettingsOptions: SettingsOptionGroup {
    @Option(help: .setting("ingest.source", valueName: "name")) var source: String?
    @Option(help: .setting("ingest.groups_file", valueName: "file")) var groups: String?
    @Option(help: .setting("ingest.groups", valueName: "id=name")) var mapGroup: [String] = []
    @Option(help: .setting("ingest.date_format", valueName: "pattern")) var dateFormat: String?
    @Option(help: .setting("ingest.queue_column", valueName: "header")) var queueColumn: String?
    @Option(help: .setting("ingest.delimiter", valueName: "char")) var delimiter: String?
    @Option(help: .setting("ingest.nulls", valueName: "marker")) var null: [String] = []
    @Option(help: .setting("ingest.priorities", valueName: "raw=priority,...")) var priorityMap: String?
    @Option(help: .setting("ingest.tag_columns", valueName: "header")) var tagColumn: [String] = []
    @Flag(help: .setting("ingest.tag_prefix")) var tagPrefix = false
}

/// The time zone a new warehouse is created with (`ingest`, `run`).
struct TimezoneOption: SettingsOptionGroup {
    @Option(help: .setting("timezone", valueName: "zone")) var timezone: String?
}

/// `run`'s inbox.
struct JobSettingsOptions: SettingsOptionGroup {
    @Option(help: .setting("inbox", valueName: "dir")) var inbox: String?
    @Option(help: .setting("settle_seconds", valueName: "seconds")) var settleSeconds: String?
}

/// How long one request to a helpdesk may take and be retried (`pull`; `run` has them with the delivery options).
struct RequestSettingsOptions: SettingsOptionGroup {
    @Option(help: .setting("notify.timeout", valueName: "seconds")) var timeout: String?
    @Option(help: .setting("notify.retry_for", valueName: "seconds")) var retryFor: String?
}
