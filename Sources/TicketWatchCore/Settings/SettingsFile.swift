import Foundation
import TOMLKit

/// The config file's layer: each key checked against `SettingsTable`, its value read through the setting's kind,
/// so a mistake in the file is reported as one, naming the file and the key. `[[destinations]]` and `[[sources]]`
/// are read here too.
public struct SettingsFile: Sendable {
    public let path: String
    /// By key; applied in the table's order, never this dictionary's.
    public private(set) var values: [String: SettingValue] = [:]
    public private(set) var destinations: [ConfiguredDestination] = []
    /// `[[sources]]`: the helpdesks `pull` fetches from.
    public private(set) var sources: [ConfiguredSource] = []

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
                throw ConfigError(file: fromEnvironment, key: nil,
                                  problem: "no such file (named by TICKETWATCH_CONFIG)")
            }
            return fromEnvironment
        }
        return FileManager.default.fileExists(atPath: systemDefault) ? systemDefault : nil
    }

    public static func load(path: String) throws -> SettingsFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(file: path, key: nil, problem: "cannot read it (\(error.localizedDescription))")
        }
        return try SettingsFile(text: text, path: path)
    }

    public init(text: String, path: String) throws {
        self.path = path
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: path, key: nil, problem: "not valid TOML at line \(error.source.begin.line), "
                              + "column \(error.source.begin.column): \(error.description)")
        }
        let settings = Dictionary(uniqueKeysWithValues: SettingsTable.all.map { ($0.key, $0) })
        try read(root, prefix: "", settings: settings)
        for setting in SettingsTable.all where values[setting.key] != nil {
            if let replacement = setting.replacedBy.first(where: { values[$0] != nil }) {
                throw ConfigError(file: path, key: setting.key, problem: "deprecated, replaced by \(replacement), "
                                  + "which is set too; keep only \(replacement.split(separator: ".").last!)")
            }
        }
    }

    private mutating func read(_ table: TOMLTable, prefix: String, settings: [String: Setting]) throws {
        for name in table.keys.sorted() {
            let key = prefix + name
            let value = table[name]!
            if let setting = settings[key] {
                switch setting.parse(file: value) {
                case .success(let parsed): values[key] = parsed
                case .failure(let problem):
                    throw ConfigError(file: path, key: problem.key ?? key, problem: problem.problem)
                }
            } else if key == "destinations" {
                destinations = try Self.destinations(value, file: path)
            } else if key == "sources" {
                sources = try Self.sources(value, file: path)
            } else if settings.keys.contains(where: { $0.hasPrefix(key + ".") }) {
                guard let sub = value.table else {
                    throw ConfigError(file: path, key: key, problem: "expected a table ([\(key)])")
                }
                try read(sub, prefix: key + ".", settings: settings)
            } else {
                throw ConfigError(file: path, key: key,
                                  problem: "unknown key (check its spelling against config.example.toml)")
            }
        }
    }

    private static func destinations(_ value: TOMLValueConvertible, file: String) throws -> [ConfiguredDestination] {
        guard let array = value.array else {
            throw ConfigError(file: file, key: "destinations", problem: "expected a list of tables ([[destinations]])")
        }
        var found: [ConfiguredDestination] = []
        for (index, item) in array.enumerated() {
            let key = "destinations[\(index + 1)]"
            guard let entry = item.table else {
                throw ConfigError(file: file, key: "destinations",
                                  problem: "expected a list of tables ([[destinations]])")
            }
            func string(_ name: String) throws -> String? {
                guard let value = entry[name] else { return nil }
                guard let text = value.string else {
                    throw ConfigError(file: file, key: "\(key).\(name)", problem: "expected a string in quotes")
                }
                return text
            }
            let known = ["name", "kind", "url_file", "credential", "secret_file", "secret_credential"]
            if entry["url"] != nil {
                throw ConfigError(file: file, key: "\(key).url", problem: "a webhook URL is a credential and does not "
                    + "belong in the config file; put it in a file (url_file = \"…\") or a systemd credential "
                    + "(credential = \"NAME\")")
            }
            if let unknown = entry.keys.sorted().first(where: { !known.contains($0) }) {
                throw ConfigError(file: file, key: "\(key).\(unknown)",
                                  problem: "unknown key (check its spelling against config.example.toml)")
            }
            guard let name = try string("name"), !name.isEmpty else {
                throw ConfigError(file: file, key: "\(key).name", problem: "every destination needs a name")
            }
            guard let kind = try string("kind"), ["slack", "webhook"].contains(kind) else {
                throw ConfigError(file: file, key: "\(key).kind", problem: "expected \"slack\" or \"webhook\"")
            }
            let destination = ConfiguredDestination(
                name: name, kind: kind, urlFile: try string("url_file"), credential: try string("credential"),
                secretFile: try string("secret_file"), secretCredential: try string("secret_credential"),
                origin: "\(file): \(key)")
            guard (destination.urlFile == nil) != (destination.credential == nil) else {
                throw ConfigError(file: file, key: key, problem: "give exactly one of url_file or credential")
            }
            if found.contains(where: { $0.name == name }) {
                throw ConfigError(file: file, key: "\(key).name", problem: "the name '\(name)' is used twice")
            }
            found.append(destination)
        }
        return found
    }
}
