import Foundation
import TOMLKit

/// The settings file (TOML) of the daily job: warehouse, inbox, time zone, detector and its parameters, and
/// named destinations. Options on the command line and the environment override it (design.md's precedence);
/// it overrides the built-in defaults. A documented example is `config.example.toml` at the top of the repo.
///
/// Every key is checked: an unknown or misspelt key is an error, not silently ignored, because a typo in
/// `queue_treshold` would otherwise leave the default in force without anyone noticing.
public struct TicketWatchConfig: Sendable {
    /// The file it came from (nil: no file, built-in defaults).
    public var file: String?
    public var db: String?
    public var inbox: String?
    public var timezone: String?
    /// Seconds a file in the inbox must have been left alone before it is loaded.
    public var settleSeconds: Int?
    /// `detect.detector`.
    public var detector: String?
    /// `[detect.seed]` and `[detect.default]`: parameter name → value, checked against each detector's options by
    /// whoever applies them (`apply`), which knows the names.
    public var detectorParameters: [String: [String: Double]] = [:]
    /// `[detect] high_priorities`.
    public var highPriorities: [String]?
    public var notify = NotifySettings()
    public var ingest = IngestSettings()
    public var destinations: [ConfiguredDestination] = []

    /// `[ingest]`: how the helpdesk's exports are read, for `ingest` and the daily job's inbox.
    public struct IngestSettings: Sendable {
        /// `source`: zendesk, freshdesk, jira or generic; nil detects each file's source.
        public var source: TicketSource?
        /// `date_format`: the Jira instance's date format.
        public var dateFormat: String?
        /// `queue_column`: the Jira column the queue comes from.
        public var queueColumn: String?
        /// `groups_file`: a group list (the helpdesk's groups API output, or ID,NAME lines).
        public var groupsFile: String?
        /// `[ingest.groups]`: group id = name.
        public var groups: [String: String] = [:]
        /// How the exports write their rows (`delimiter`, `nulls`, `tag_columns`, `tag_prefix`,
        /// `[ingest.priorities]`; `date_format` applies to generic files too).
        public var dialect = ImportDialect()

        /// These settings as loader options; a group list file is read here.
        public func sourceOptions() throws -> SourceOptions {
            var options = SourceOptions(source: source)
            if let groupsFile { try options.groups.load(file: groupsFile) }
            for (id, name) in groups { options.groups.add(id: id, name: name) }
            if let dateFormat { options.jiraDateFormat = dateFormat }
            options.jiraQueueColumn = queueColumn
            return options
        }
    }

    public struct NotifySettings: Sendable {
        public var backfill: String?
        public var timeout: Double?
        public var retryFor: Double?
        /// Destination kinds that get recovery messages (`[notify] recovery = ["webhook"]`).
        public var recovery: [String]?
    }

    /// One `[[destinations]]` entry. The URL itself is never in this file: it is a credential, read from a file
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

    public init() {}

    /// Where the file is: `--config`, else `$TICKETWATCH_CONFIG`, else /etc/ticketwatch/config.toml when it
    /// exists, else none. A file named explicitly must exist.
    public static func locate(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                              systemDefault: String = "/etc/ticketwatch/config.toml") throws -> String? {
        if let explicit, !explicit.isEmpty {
            guard FileManager.default.fileExists(atPath: explicit) else {
                throw ConfigError(file: explicit, key: nil, problem: "no such file (given with --config)")
            }
            return explicit
        }
        if let fromEnvironment = environment["TICKETWATCH_CONFIG"], !fromEnvironment.isEmpty {
            guard FileManager.default.fileExists(atPath: fromEnvironment) else {
                throw ConfigError(file: fromEnvironment, key: nil, problem: "no such file (named by TICKETWATCH_CONFIG)")
            }
            return fromEnvironment
        }
        return FileManager.default.fileExists(atPath: systemDefault) ? systemDefault : nil
    }

    /// Reads and checks the file at `path`.
    public static func load(path: String) throws -> TicketWatchConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(file: path, key: nil, problem: "cannot read it (\(error.localizedDescription))")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws -> TicketWatchConfig {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, key: nil,
                              problem: "not valid TOML at line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)")
        }
        var reader = TableReader(table: root, path: "", file: file)
        var config = TicketWatchConfig()
        config.file = file
        config.db = try reader.string("db")
        config.inbox = try reader.string("inbox")
        config.timezone = try reader.string("timezone")
        if let zone = config.timezone, TimeZone(identifier: zone) == nil {
            throw ConfigError(file: file, key: "timezone", problem: "unknown time zone '\(zone)'; use an IANA name such as UTC or Europe/Berlin")
        }
        config.settleSeconds = try reader.integer("settle_seconds", atLeast: 0)

        if var detect = try reader.table("detect") {
            config.detector = try detect.string("detector")
            config.highPriorities = try detect.strings("high_priorities")
            for name in ["seed", "default"] {
                if var parameters = try detect.table(name) {
                    config.detectorParameters[name] = try parameters.allNumbers()
                }
            }
            try detect.finish()
        }
        if var ingest = try reader.table("ingest") {
            if let name = try ingest.string("source") {
                guard let source = TicketSource(rawValue: name) else {
                    throw ConfigError(file: file, key: "ingest.source", problem: "expected one of \(TicketSource.names.replacingOccurrences(of: "|", with: ", "))")
                }
                config.ingest.source = source
            }
            config.ingest.dateFormat = try ingest.string("date_format")
            config.ingest.dialect.dateFormat = config.ingest.dateFormat
            if let text = try ingest.string("delimiter") {
                do { config.ingest.dialect.delimiter = try ImportDialect.parseDelimiter(text) } catch {
                    throw ConfigError(file: file, key: "ingest.delimiter",
                                      problem: "expected \",\", \";\", \"|\" or \"tab\"")
                }
            }
            config.ingest.dialect.nullMarkers = try ingest.strings("nulls") ?? []
            config.ingest.dialect.tagColumns = try ingest.strings("tag_columns") ?? []
            if let prefix = try ingest.value("tag_prefix") {
                guard let flag = prefix.bool else {
                    throw ConfigError(file: file, key: "ingest.tag_prefix", problem: "expected true or false")
                }
                config.ingest.dialect.tagPrefix = flag
            }
            if var priorities = try ingest.table("priorities") {
                for (raw, priority) in try priorities.allStrings() {
                    do {
                        try ImportDialect.addPriority(raw: raw, priority: priority,
                                                      to: &config.ingest.dialect.priorityMap, option: "[ingest.priorities]")
                    } catch {
                        throw ConfigError(file: file, key: "ingest.priorities.\(raw)", problem: "\(error)")
                    }
                }
            }
            config.ingest.queueColumn = try ingest.string("queue_column")
            config.ingest.groupsFile = try ingest.string("groups_file")
            if var groups = try ingest.table("groups") {
                config.ingest.groups = try groups.allStrings()
            }
            try ingest.finish()
        }
        if var notify = try reader.table("notify") {
            if let backfill = try notify.value("backfill") {
                config.notify.backfill = backfill.string ?? backfill.int.map(String.init)
                if config.notify.backfill == nil {
                    throw ConfigError(file: file, key: "notify.backfill", problem: "expected a number of days or \"all\"")
                }
            }
            config.notify.timeout = try notify.number("timeout", above: 0)
            config.notify.retryFor = try notify.number("retry_for", atLeast: 0)
            config.notify.recovery = try notify.strings("recovery")
            try notify.finish()
        }
        for (index, var entry) in try reader.tables("destinations").enumerated() {
            let origin = "\(file): destinations[\(index + 1)]"
            guard let name = try entry.string("name"), !name.isEmpty else {
                throw ConfigError(file: file, key: "destinations[\(index + 1)].name", problem: "every destination needs a name")
            }
            guard let kind = try entry.string("kind"), ["slack", "webhook"].contains(kind) else {
                throw ConfigError(file: file, key: "destinations[\(index + 1)].kind", problem: "expected \"slack\" or \"webhook\"")
            }
            if try entry.value("url") != nil {
                throw ConfigError(file: file, key: "destinations[\(index + 1)].url",
                                  problem: "a webhook URL is a credential and does not belong in the config file; put it in a file (url_file = \"…\") or a systemd credential (credential = \"NAME\")")
            }
            let destination = ConfiguredDestination(
                name: name, kind: kind, urlFile: try entry.string("url_file"), credential: try entry.string("credential"),
                secretFile: try entry.string("secret_file"), secretCredential: try entry.string("secret_credential"),
                origin: origin)
            guard (destination.urlFile == nil) != (destination.credential == nil) else {
                throw ConfigError(file: file, key: "destinations[\(index + 1)]", problem: "give exactly one of url_file or credential")
            }
            if config.destinations.contains(where: { $0.name == name }) {
                throw ConfigError(file: file, key: "destinations[\(index + 1)].name", problem: "the name '\(name)' is used twice")
            }
            try entry.finish()
            config.destinations.append(destination)
        }
        try reader.finish()
        return config
    }
}

/// Reads typed keys from one TOML table and, at `finish()`, rejects any key nobody asked for.
private struct TableReader {
    let table: TOMLTable
    let path: String
    let file: String
    private var seen: Set<String> = []

    init(table: TOMLTable, path: String, file: String) {
        self.table = table
        self.path = path
        self.file = file
    }

    private func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    private func fail(_ name: String, _ problem: String) -> ConfigError {
        ConfigError(file: file, key: key(name), problem: problem)
    }

    mutating func value(_ name: String) throws -> TOMLValueConvertible? {
        seen.insert(name)
        return table[name]
    }

    mutating func string(_ name: String) throws -> String? {
        guard let value = try value(name) else { return nil }
        guard let text = value.string else { throw fail(name, "expected a string in quotes") }
        return text
    }

    mutating func strings(_ name: String) throws -> [String]? {
        guard let value = try value(name) else { return nil }
        guard let array = value.array else { throw fail(name, "expected a list of strings, e.g. [\"high\", \"urgent\"]") }
        return try array.map { item in
            guard let text = item.string else { throw fail(name, "expected a list of strings, e.g. [\"high\", \"urgent\"]") }
            return text
        }
    }

    mutating func integer(_ name: String, atLeast minimum: Int) throws -> Int? {
        guard let value = try value(name) else { return nil }
        guard let number = value.int else { throw fail(name, "expected a whole number") }
        guard number >= minimum else { throw fail(name, "must be at least \(minimum)") }
        return number
    }

    mutating func number(_ name: String, atLeast minimum: Double) throws -> Double? {
        guard let value = try value(name) else { return nil }
        guard let number = value.double ?? value.int.map(Double.init) else { throw fail(name, "expected a number") }
        guard number >= minimum else { throw fail(name, "must be at least \(minimum.formatted())") }
        return number
    }

    mutating func number(_ name: String, above minimum: Double) throws -> Double? {
        guard let number = try number(name, atLeast: minimum) else { return nil }
        guard number > minimum else { throw fail(name, "must be more than \(minimum.formatted())") }
        return number
    }

    mutating func table(_ name: String) throws -> TableReader? {
        guard let value = try value(name) else { return nil }
        guard let sub = value.table else { throw fail(name, "expected a table ([\(key(name))])") }
        return TableReader(table: sub, path: key(name), file: file)
    }

    mutating func tables(_ name: String) throws -> [TableReader] {
        guard let value = try value(name) else { return [] }
        guard let array = value.array else { throw fail(name, "expected a list of tables ([[\(key(name))]])") }
        return try array.enumerated().map { index, item in
            guard let sub = item.table else { throw fail(name, "expected a list of tables ([[\(key(name))]])") }
            return TableReader(table: sub, path: "\(key(name))[\(index + 1)]", file: file)
        }
    }

    /// Every key of this table as a string (group names by id).
    mutating func allStrings() throws -> [String: String] {
        var result: [String: String] = [:]
        for name in table.keys {
            guard let text = try string(name) else { continue }
            result[name] = text
        }
        return result
    }

    /// Every key of this table as a number (detector parameters).
    mutating func allNumbers() throws -> [String: Double] {
        var result: [String: Double] = [:]
        for name in table.keys {
            guard let number = try number(name, atLeast: -Double.greatestFiniteMagnitude) else { continue }
            result[name] = number
        }
        return result
    }

    func finish() throws {
        if let unknown = table.keys.sorted().first(where: { !seen.contains($0) }) {
            throw fail(unknown, "unknown key (check its spelling against config.example.toml)")
        }
    }
}
