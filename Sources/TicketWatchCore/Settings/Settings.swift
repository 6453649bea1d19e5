import Foundation

/// Everything a command needs to know, resolved once (`SettingsResolver`) from the built-in defaults, the config
/// file, the environment and the command-line options, one value per concern. Commands read their concern from
/// here and nowhere else, so `detect`, `run`, `notify` and `report` cannot disagree about a setting.
public struct Settings: Sendable {
    /// The warehouse: where it is, and the time zone a new one is created with.
    public var warehouse = WarehouseSettings()
    /// `run`'s inbox.
    public var job = JobSettings()
    /// How ticket exports are read (the `[ingest]` table): which helpdesk, its group names, Jira's columns.
    public var ingest = IngestSettings()
    public var detect = DetectSettings()
    public var notify = NotifySettings()
    /// The config file's `[[destinations]]`: names and where their URLs are kept, never the URLs themselves.
    public var destinations: [ConfiguredDestination] = []
    /// The config file's `[[sources]]`: helpdesks `pull` and `run` fetch from; credentials by name or path only.
    public var sources: [ConfiguredSource] = []
    /// The config file read, if any.
    public var file: String?
    /// Where each setting's value came from, by key; a key absent here has its built-in default.
    public var origins: [String: SettingOrigin] = [:]

    public init() {}

    public func origin(of key: String) -> SettingOrigin { origins[key] ?? .builtIn }

    public struct WarehouseSettings: Sendable {
        public var db = "ticketwatch.db"
        public var timezone = "UTC"
    }

    public struct JobSettings: Sendable {
        public var inbox: String?
        /// Seconds a file in the inbox must have been left alone before it is loaded.
        public var settleSeconds = 60
    }

    public struct IngestSettings: Sendable {
        /// nil: each file's source is detected from its content.
        public var source: TicketSource?
        /// As given (option or `ingest.date_format`); nil: not given. Jira's files and generic ones read it.
        public var dateFormat: String?
        public var queueColumn: String?
        public var groupsFile: String?
        /// `[ingest.groups]` and `--map-group`: group id → queue name.
        public var groups: [String: String] = [:]
        /// How a generic file writes its rows (`ImportDialect`): as given, checked by their settings' rows.
        public var delimiter: String?
        public var nulls: [String] = []
        /// `[ingest.priorities]` and `--priority-map`: the export's priority → the stored one.
        public var priorities: [String: String] = [:]
        public var tagColumns: [String] = []
        public var tagPrefix = false

        /// These settings as the loaders' `ImportDialect`.
        public func dialect() throws -> ImportDialect {
            var dialect = ImportDialect(dateFormat: dateFormat, nullMarkers: nulls, tagColumns: tagColumns,
                                        tagPrefix: tagPrefix)
            if let delimiter { dialect.delimiter = try ImportDialect.parseDelimiter(delimiter) }
            for raw in priorities.keys.sorted() {
                try ImportDialect.addPriority(raw: raw, priority: priorities[raw]!, to: &dialect.priorityMap,
                                              option: "ingest.priorities")
            }
            return dialect
        }

        /// These settings as the loaders' options; the group list file is read here.
        public func sourceOptions() throws -> SourceOptions {
            var options = SourceOptions(source: source)
            if let groupsFile { try options.groups.load(file: groupsFile) }
            for id in groups.keys.sorted() { options.groups.add(id: id, name: groups[id]!) }
            if let dateFormat { options.jiraDateFormat = dateFormat }
            options.jiraQueueColumn = queueColumn
            return options
        }
    }

    public struct DetectSettings: Sendable {
        /// `default` or `seed`.
        public var detector = DefaultDetector.name
        public var defaultDetector = DefaultDetectorOptions()
        public var seedDetector = SeedDetector.Options()
        /// `[calendar] holidays_file`: more holidays, one date a line; read into `defaultDetector.holidays`.
        public var holidaysFile: String?
    }

    public struct NotifySettings: Sendable {
        public var backfill = "7"
        public var timeout: Double = 10
        public var retryFor: Double = 60
        /// Destination kinds told when an incident recovers; `[]` or `none`: none.
        public var recovery = ["webhook"]
    }

    /// A pull's request timeout and retry budget: the same settings as the notifier's, so a helpdesk and a
    /// webhook are retried alike.
    public func pullOptions(since: CivilDate? = nil) throws -> PullOptions {
        var options = PullOptions()
        options.priorityMap = try ingest.dialect().priorityMap
        options.since = since
        options.timeout = notify.timeout
        options.retry.retryFor = notify.retryFor
        return options
    }

    /// The sources named (all when `names` is empty), in the config file's order.
    public func sources(named names: [String]) throws -> [ConfiguredSource] {
        for name in names where !sources.contains(where: { $0.name == name }) {
            throw PullError.unknownSource(name, known: sources.map(\.name))
        }
        return names.isEmpty ? sources : sources.filter { names.contains($0.name) }
    }

    /// The notifier's options as these settings give them. The incident gap and late window are the default
    /// detector's own, so `notify` waits for an incident's end exactly as `detect` and `run` judged it.
    public var notifyOptions: NotifyOptions {
        var options = NotifyOptions()
        options.backfill = Backfill(argument: notify.backfill) ?? .default
        options.timeout = notify.timeout
        options.retry.retryFor = notify.retryFor
        options.recovery = Set(notify.recovery.compactMap(DestinationKind.init))
        options.incidentGapDays = detect.defaultDetector.incidentGapDays
        options.lateDays = detect.defaultDetector.lateDays
        return options
    }
}

/// One `[[destinations]]` entry. The URL itself is never in the config file: it is a credential, read from a file
/// (`url_file`) or a systemd credential (`credential`, looked up in `$CREDENTIALS_DIRECTORY`).
public struct ConfiguredDestination: Sendable, Equatable {
    public var name: String
    public var kind: String
    public var urlFile: String?
    public var credential: String?
    public var secretFile: String?
    public var secretCredential: String?
    /// Where it was written, for messages: `FILE: destinations[N]`.
    public var origin: String

    public init(name: String, kind: String, urlFile: String? = nil, credential: String? = nil,
                secretFile: String? = nil, secretCredential: String? = nil, origin: String) {
        self.name = name
        self.kind = kind
        self.urlFile = urlFile
        self.credential = credential
        self.secretFile = secretFile
        self.secretCredential = secretCredential
        self.origin = origin
    }
}
