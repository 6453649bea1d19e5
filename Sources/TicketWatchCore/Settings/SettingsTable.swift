import Foundation

/// Every setting TicketWatch has, in one table: config key, command-line option, environment variable, kind,
/// help, and where its value lives in `Settings` (whose initial values are the built-in defaults).
///
/// Adding a setting means adding its row here. The resolver reads it from the config file (an unknown key is
/// refused, so the row is what makes the key legal), the environment and the options; `config show` prints it
/// with its origin; `--help` takes its words from `help`. A command that offers the option declares it in its
/// settings option group as `@Option(help: .setting("key")) var name: String?` — one line, checked against
/// this table by `SettingsTableTests`. For example, a holiday calendar for the default detector would be:
///
///     .optionalText("detect.default.holidays", option: "holidays", "A file of dates judged as holidays.",
///           \.detect.defaultDetector.holidaysFile),
///
/// The order of the rows is the order values are applied and shown in (a deprecated key before the keys that
/// replaced it), never a dictionary's.
public enum SettingsTable {
    public static var all: [Setting] {
        warehouse + ingest + detect + defaultDetector + calendar + seedDetector + notify
    }

    public static func setting(_ key: String) -> Setting? { all.first { $0.key == key } }
    public static func setting(option: String) -> Setting? { all.first { $0.option == option } }

    static var warehouse: [Setting] {
        [
            .text("db", option: "db", environment: "TICKETWATCH_DB",
                  "The SQLite warehouse (created when missing).", \.warehouse.db),
            .text("timezone", option: "timezone",
                  "The warehouse's time zone, fixed when it is created; days are taken in it.", \.warehouse.timezone,
                  check: { TimeZone(identifier: $0.text) == nil
                      ? "unknown time zone '\($0.text)'; use an IANA name such as UTC or Europe/Berlin" : nil }),
            .optionalText("inbox", option: "inbox", "The directory new ticket files arrive in (run).", \.job.inbox),
            .whole("settle_seconds", option: "settle-seconds", atLeast: 0,
                   "Leave inbox files modified this recently for the next run.", \.job.settleSeconds),
        ]
    }

    static var ingest: [Setting] {
        [
            Setting(key: "ingest.source", option: "source", kind: .choice(TicketSource.allCases.map(\.rawValue)),
                    help: "The tool that wrote the files: zendesk, freshdesk, jira, servicenow or generic. Default: detected per file.",
                    store: { $0.ingest.source = TicketSource(rawValue: $1.text) },
                    read: { $0.ingest.source.map { .text($0.rawValue) } }),
            .optionalText("ingest.date_format", option: "date-format",
                          "The files' date format, e.g. 'dd/MM/yyyy HH:mm:ss', 'M/d/yyyy h:mm a', or the Jira instance's (Look and feel settings). ISO dates are read without it, and day/month dates when their values settle the order.",
                          \.ingest.dateFormat),
            .optionalText("ingest.queue_column", option: "queue-column",
                          "The Jira column the queue comes from. Default: Request Type, else Component/s.",
                          \.ingest.queueColumn),
            .optionalText("ingest.groups_file", option: "groups",
                          "A group list: the JSON the helpdesk's groups API returns, or ID,NAME lines.",
                          \.ingest.groupsFile),
            Setting(key: "ingest.groups", option: "map-group", kind: .names,
                    help: "Name a Zendesk or Freshdesk group: its tickets get NAME as their queue (else the group id). Repeatable.",
                    store: { settings, value in settings.ingest.groups.merge(value.names) { _, new in new } },
                    read: { .names($0.ingest.groups) }),
            Setting(key: "ingest.delimiter", option: "delimiter", kind: .text,
                    help: "The field separator of CSV files: , ; | or tab. Default: detected from the header and the first rows.",
                    check: { (try? ImportDialect.parseDelimiter($0.text)) == nil ? "expected , ; | or tab" : nil },
                    store: { $0.ingest.delimiter = $1.text }, read: { $0.ingest.delimiter.map { .text($0) } }),
            Setting(key: "ingest.nulls", option: "null", kind: .values,
                    help: "A value that means missing, such as '#N/B', NULL or '?': NULL in optional fields, a reject in the id or date. Repeatable.",
                    store: { $0.ingest.nulls = $1.list }, read: { .list($0.ingest.nulls) }),
            Setting(key: "ingest.priorities", option: "priority-map", kind: .scale,
                    help: "The export's priority scale, e.g. '1=urgent,2=high,3=medium,4=low,5=low'; '1 - Critical' is read as 1.",
                    store: { settings, value in settings.ingest.priorities.merge(value.names) { _, new in new } },
                    read: { .names($0.ingest.priorities) }),
            Setting(key: "ingest.tag_columns", option: "tag-column", kind: .values,
                    help: "A column whose non-empty value is a tag of the ticket. Repeatable.",
                    store: { $0.ingest.tagColumns = $1.list }, read: { .list($0.ingest.tagColumns) }),
            Setting(key: "ingest.tag_prefix", option: "tag-prefix", kind: .flag,
                    help: "Name the tag-column tags column:value, so SQL can tell them apart.",
                    store: { $0.ingest.tagPrefix = $1.flag }, read: { .flag($0.ingest.tagPrefix) }),
        ]
    }

    static var detect: [Setting] {
        [
            Setting(key: "detect.detector", option: "detector",
                    kind: .choice([DefaultDetector.name, SeedDetector.name]),
                    help: "The detector to run: default or seed.",
                    store: { $0.detect.detector = $1.text }, read: { .text($0.detect.detector) }),
            Setting(key: "detect.high_priorities", option: "high-priorities", kind: .list,
                    help: "Priorities the default detector counts as high, comma-separated (the seed detector counts exactly high).",
                    check: { $0.list.isEmpty ? "name at least one priority, e.g. high,urgent" : nil },
                    store: { $0.detect.defaultDetector.highPriorities = $1.list.map { $0.lowercased() } },
                    read: { .list($0.detect.defaultDetector.highPriorities) }),
        ]
    }

    static var defaultDetector: [Setting] {
        let prefix = "detect.default."
        let options: WritableKeyPath<Settings, DefaultDetectorOptions> = \.detect.defaultDetector
        func number(_ name: String, _ option: String?, _ help: String,
                    _ path: WritableKeyPath<DefaultDetectorOptions, Double>) -> Setting {
            .number(prefix + name, option: option, help, options.appending(path: path))
        }
        func whole(_ name: String, _ option: String, atLeast minimum: Int, _ help: String,
                   _ path: WritableKeyPath<DefaultDetectorOptions, Int>) -> Setting {
            .whole(prefix + name, option: option, atLeast: minimum, help,
                   options.appending(path: path))
        }
        return [
            Setting(key: prefix + "sensitivity", option: "sensitivity",
                    kind: .choice(Sensitivity.allCases.map(\.rawValue)),
                    help: "How readily the default detector alerts: low, normal or high. Sets false_discovery_rate and practical_floor together, unless they are given themselves.",
                    store: { $0.detect.defaultDetector.sensitivity = Sensitivity(rawValue: $1.text) ?? .normal },
                    read: { .text($0.detect.defaultDetector.sensitivity.rawValue) }),
            number("false_discovery_rate", "fdr",
                   "Daily false-discovery rate (Benjamini-Hochberg, split between total volume, high-priority share, queues and tags by the weights below): about the chance of a false alert on a quiet day.",
                   \.falseDiscoveryRate),
            number("practical_floor", "practical-floor",
                   "A finding is alerted only when its excess tickets reach this share of an average day's tickets (on the day, or a day on average over its span).",
                   \.practicalFloor),
            // Before the four weights there was one for both global signals (total volume and high_rate).
            Setting(key: prefix + "global_weight", option: nil, kind: .number,
                    help: "Deprecated: total_weight and high_rate_weight together.",
                    replacedBy: [prefix + "total_weight", prefix + "high_rate_weight"],
                    store: { settings, value in
                        settings.detect.defaultDetector.weights.total = value.number
                        settings.detect.defaultDetector.weights.highRate = value.number
                    },
                    read: { _ in nil }),
            number("total_weight", "total-weight",
                   "Weight of the total-volume test in the split of the rate (only ratios between the four weights matter).",
                   \.weights.total),
            number("high_rate_weight", "high-rate-weight", "Weight of the high-priority share test in the split of the rate.",
                   \.weights.highRate),
            number("queue_weight", "queue-weight", "Weight of all queue tests together in the split of the rate.", \.weights.queues),
            number("tag_weight", "tag-weight", "Weight of all tag tests together in the split of the rate.", \.weights.tags),
            number("support_exponent", "support-exponent",
                   "Within the queue and tag families, each series' share of the rate grows with its support (occurrences in the season window) to this power (0: even shares).",
                   \.supportExponent),
            whole("season_window", "season-window", atLeast: 7,
                  "Days of history for the weekday profile, the volume spread and new-term memory.", \.seasonWindow),
            whole("level_window", "level-window", atLeast: 1, "Days over which the recent level of the total volume is taken.",
                  \.levelWindow),
            whole("share_window", "share-window", atLeast: 1, "Days over which a queue's, tag's or the high-priority share is taken.",
                  \.shareWindow),
            whole("span_days", "span-days", atLeast: 1,
                  "Days whose counts are also tested together (the day judged and the days before it; 1: single days only).",
                  \.spanDays),
            number("span_weight", "span-weight", "Share of each series' test given to the span test (the day's test gets the rest).",
                   \.spanWeight),
            whole("min_history", "min-history", atLeast: 1, "Usable days needed before a day is judged.", \.minHistory),
            whole("min_support", "min-support", atLeast: 0, "Occurrences in the season window that make a queue or tag watched.",
                  \.minSupport),
            whole("min_count", "min-count", atLeast: 0, "Tickets a queue or tag needs on the day to be alerted.", \.minCount),
            whole("new_term_max_history", "new-term-max-history", atLeast: 0,
                  "A queue or tag seen at most this often in the season window counts as new.", \.newTermMaxHistory),
            whole("new_term_min_count", "new-term-min-count", atLeast: 1, "Tickets a new queue or tag needs on the day for new_term.",
                  \.newTermMinCount),
            number("gap_probability", "gap-probability",
                   "An empty day is a gap in the feed (not a zero) when the baseline gives it less than this probability.",
                   \.gapProbability),
            number("growth", "growth", "An ongoing incident is alerted again only when its excess grows by this fraction.", \.growth),
            whole("incident_gap_days", "incident-gap-days", atLeast: 0,
                  "Days without a finding after which an incident is over (notify waits as long before a recovery).",
                  \.incidentGapDays),
            whole("late_days", "late-days", atLeast: 0,
                  "How many of the newest judged days are judged again when late tickets change them (0: never).", \.lateDays),
            whole("stale_after_days", "stale-after-days", atLeast: 0,
                  "Mornings of grace before the days after the newest ticket are judged as empty (no_data) by run and detect --through.",
                  \.staleAfterDays),
            number("drop_ratio", "drop-ratio",
                   "A day is a volume_drop, or continues a stopped feed, only when its total is at most this fraction of the expected.",
                   \.dropRatio),
        ]
    }

    /// The desk's calendar, for the default detector: days judged like a Sunday.
    static var calendar: [Setting] {
        [
            Setting(key: "calendar.holidays", option: "holidays", kind: .list,
                    help: "Holidays, judged like a Sunday and kept out of their weekday's baseline: dates (YYYY-MM-DD), comma-separated.",
                    check: { value in
                        value.list.first { CivilDate($0) == nil }.map { "'\($0)' is not a date (YYYY-MM-DD)" }
                    },
                    store: { $0.detect.defaultDetector.holidays = Array(Set($1.list)).sorted() },
                    read: { .list($0.detect.defaultDetector.holidays) }),
            .optionalText("calendar.holidays_file", option: "holidays-file",
                          "A file of more holidays, one date (YYYY-MM-DD) a line; # starts a comment.",
                          \.detect.holidaysFile),
        ]
    }

    static var seedDetector: [Setting] {
        let prefix = "detect.seed."
        let options: WritableKeyPath<Settings, SeedDetector.Options> = \.detect.seedDetector
        return [
            .number(prefix + "total_threshold", option: "total-threshold", "z the day's total volume must reach.",
                    options.appending(path: \.totalThreshold)),
            .number(prefix + "high_rate_threshold", option: "high-rate-threshold", "z the day's high-priority rate must reach.",
                    options.appending(path: \.highRateThreshold)),
            .number(prefix + "queue_threshold", option: "queue-threshold", "z a queue's daily volume must reach.",
                    options.appending(path: \.queueThreshold)),
            .number(prefix + "tag_threshold", option: "tag-threshold", "z a tag's daily volume must reach.",
                    options.appending(path: \.tagThreshold)),
            .whole(prefix + "window", option: "window", atLeast: 2, "Rolling window, in rows (days with tickets).",
                   options.appending(path: \.window)),
            .whole(prefix + "top_queues", option: "top-queues", atLeast: 0, "How many of the busiest queues are watched.",
                   options.appending(path: \.topQueues)),
            .whole(prefix + "top_tags", option: "top-tags", atLeast: 0, "How many of the most frequent tags are watched.",
                   options.appending(path: \.topTags)),
        ]
    }

    static var notify: [Setting] {
        [
            Setting(key: "notify.backfill", option: "backfill", kind: .daysOrAll,
                    help: "History a new destination gets: the alerts of the newest DAYS judged days, or all.",
                    store: { $0.notify.backfill = $1.text.lowercased() }, read: { .text($0.notify.backfill) }),
            .number("notify.timeout", option: "timeout", "Seconds one request may take.", \.notify.timeout,
                    check: { $0.number > 0 && $0.number <= 600 ? nil : "must be more than 0 and at most 600 seconds" }),
            .number("notify.retry_for", option: "retry-for",
                    "Seconds to keep retrying one destination in all (one helpdesk request, for pull); later attempts wait for the next run.",
                    \.notify.retryFor,
                    check: { $0.number >= 0 && $0.number <= 3600 ? nil : "must be between 0 and 3600 seconds" }),
            Setting(key: "notify.recovery", option: "recovery", kind: .list,
                    help: "Destination kinds that get a 'recovered' message once an alerted incident is over: webhook, slack, both comma-separated, or none.",
                    check: { value in
                        let kinds = value.list == ["none"] ? [] : value.list
                        return kinds.allSatisfy({ DestinationKind(rawValue: $0) != nil })
                            ? nil : "expected a list of \"webhook\" and \"slack\" (or none)"
                    },
                    store: { $0.notify.recovery = $1.list == ["none"] ? [] : $1.list },
                    read: { .list($0.notify.recovery) }),
        ]
    }
}

extension Setting {
    init(key: String, option: String?, environment: String? = nil, kind: Kind, help: String,
         replacedBy: [String] = [], check: @escaping (SettingValue) -> String? = { _ in nil },
         store: @escaping (inout Settings, SettingValue) -> Void, read: @escaping (Settings) -> SettingValue?) {
        self.key = key
        self.option = option
        self.environment = environment
        self.kind = kind
        self.help = help
        self.replacedBy = replacedBy
        self.check = check
        self.store = store
        self.read = read
    }

    static func text(_ key: String, option: String?, environment: String? = nil, _ help: String,
                     _ path: WritableKeyPath<Settings, String>,
                     check: @escaping (SettingValue) -> String? = { _ in nil }) -> Setting {
        Setting(key: key, option: option, environment: environment, kind: .text, help: help, check: check,
                store: { $0[keyPath: path] = $1.text }, read: { .text($0[keyPath: path]) })
    }

    static func optionalText(_ key: String, option: String?, _ help: String,
                             _ path: WritableKeyPath<Settings, String?>) -> Setting {
        Setting(key: key, option: option, kind: .text, help: help,
                store: { $0[keyPath: path] = $1.text }, read: { $0[keyPath: path].map { .text($0) } })
    }

    static func number(_ key: String, option: String?, _ help: String, _ path: WritableKeyPath<Settings, Double>,
                       check: @escaping (SettingValue) -> String? = { _ in nil }) -> Setting {
        Setting(key: key, option: option, kind: .number, help: help, check: check,
                store: { $0[keyPath: path] = $1.number }, read: { .number($0[keyPath: path]) })
    }

    static func whole(_ key: String, option: String?, atLeast minimum: Int, _ help: String,
                      _ path: WritableKeyPath<Settings, Int>) -> Setting {
        Setting(key: key, option: option, kind: .whole(atLeast: minimum), help: help,
                store: { $0[keyPath: path] = $1.whole }, read: { .whole($0[keyPath: path]) })
    }
}
