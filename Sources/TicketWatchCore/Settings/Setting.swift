import Foundation
import TOMLKit

/// Where a resolved value came from. The layers apply weakest first, each over the one before, so the order of
/// the cases is the precedence of design.md: built-in default < config file < environment < command-line option.
public enum SettingOrigin: Int, Sendable, Comparable, CustomStringConvertible {
    case builtIn, file, environment, option

    public static func < (a: SettingOrigin, b: SettingOrigin) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .builtIn: "default"
        case .file: "file"
        case .environment: "environment"
        case .option: "option"
        }
    }
}

/// A value as one layer gave it, already checked against its setting's kind, before it is stored in its concern.
public enum SettingValue: Sendable, Equatable {
    case text(String)
    case whole(Int)
    case number(Double)
    case list([String])
    /// `[ingest.groups]` and `--map-group`: names by id. Later layers add to it, entry by entry.
    case names([String: String])
    case flag(Bool)

    var text: String { if case .text(let value) = self { value } else { "" } }
    var whole: Int { if case .whole(let value) = self { value } else { 0 } }
    var number: Double { if case .number(let value) = self { value } else { 0 } }
    var list: [String] { if case .list(let value) = self { value } else { [] } }
    var names: [String: String] { if case .names(let value) = self { value } else { [:] } }
    var flag: Bool { if case .flag(let value) = self { value } else { false } }

    /// As `config show` prints it: TOML's own spelling, so a line can be copied into the config file.
    var shown: String {
        switch self {
        case .text(let value): Self.quoted(value)
        case .whole(let value): "\(value)"
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? "\(Int(value))" : "\(value)"
        case .list(let values): "[" + values.map(Self.quoted).joined(separator: ", ") + "]"
        case .flag(let value): "\(value)"
        case .names(let names):
            names.isEmpty ? "{}" : "{ " + names.keys.sorted().map { "\(Self.quoted($0)) = \(Self.quoted(names[$0]!))" }
                .joined(separator: ", ") + " }"
        }
    }

    /// A TOML basic string; a character a terminal would act on (`AlertFormatter.isUnprintable`) is escaped.
    private static func quoted(_ text: String) -> String {
        text.unicodeScalars.reduce(into: "\"") { out, scalar in
            if scalar == "\"" || scalar == "\\" {
                out += "\\" + String(scalar)
            } else if AlertFormatter.isUnprintable(scalar) {
                out += String(format: "\\u%04X", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        } + "\""
    }
}

/// One setting: its config key, command-line option and environment variable, what it means, what values it
/// takes, and where in `Settings` it lives. `SettingsTable.all` lists every one; nothing else spells them.
public struct Setting {
    /// What a value must look like; each layer's raw value (TOML, or text from the environment or an option) is
    /// read through it, so a mistake gets the same words wherever it was made.
    public enum Kind {
        case text
        case whole(atLeast: Int)
        case number
        /// Comma-separated on the command line and in the environment; a TOML list in the file.
        case list
        case choice([String])
        /// A whole number of days (0 or more) or "all"; an integer or a string in the file.
        case daysOrAll
        /// A TOML table of strings in the file (`id = "name"`), repeatable `ID=NAME` on the command line.
        case names
        /// A TOML list in the file; on the command line one item per value, never split on commas (a column
        /// name or a missing-value marker may hold one), the values of a repeated option adding up.
        case values
        /// A TOML table of strings in the file (`1 = "urgent"`); `RAW=NAME,RAW=NAME` on the command line.
        case scale
        /// `true` or `false` in the file; a flag on the command line.
        case flag
    }

    /// Dotted path in the config file: `detect.default.false_discovery_rate`.
    public let key: String
    /// The long option, without dashes; nil: none.
    public let option: String?
    /// The environment variable; nil: none.
    public let environment: String?
    public let kind: Kind
    /// For `--help` and `config show`'s reader: what the setting does.
    public let help: String
    /// Never printed, only whether it is set (webhook URLs, signing keys, credentials).
    public var secret = false
    /// Keys that replaced this deprecated one; giving it together with any of them is an error naming both.
    public var replacedBy: [String] = []
    /// Further checks beyond the kind (a known time zone); returns the problem in words.
    var check: (SettingValue) -> String? = { _ in nil }
    let store: (inout Settings, SettingValue) -> Void
    /// The value in force, for `config show`; nil: not set (an optional setting left out).
    let read: (Settings) -> SettingValue?

    /// The built-in default as `config show` prints it; nil: unset unless given.
    public var shownDefault: String? { read(Settings()).map(\.shown) }

    /// The value from the config file's TOML, or the problem in words.
    func parse(file value: TOMLValueConvertible) -> Result<SettingValue, SettingProblem> {
        switch kind {
        case .text:
            guard let text = value.string else { return .failure(.init("expected a string in quotes")) }
            return checked(.text(text))
        case .choice:
            guard let text = value.string else { return .failure(.init("expected a string in quotes")) }
            return parse(text: text)
        case .whole:
            if let number = value.int { return parse(text: "\(number)") }
            if let number = value.double, number == number.rounded(), abs(number) < 1e9 {
                return parse(text: "\(Int(number))")
            }
            return .failure(.init("expected a whole number"))
        case .number:
            guard let number = value.double ?? value.int.map(Double.init) else {
                return .failure(.init("expected a number"))
            }
            return checked(.number(number))
        case .list, .values:
            let example = "expected a list of strings, e.g. [\"high\", \"urgent\"]"
            guard let array = value.array else { return .failure(.init(example)) }
            var items: [String] = []
            for item in array {
                guard let text = item.string else { return .failure(.init(example)) }
                items.append(text)
            }
            return checked(.list(items))
        case .daysOrAll:
            if let days = value.int { return parse(text: "\(days)") }
            guard let text = value.string else { return .failure(.init("expected a number of days or \"all\"")) }
            return parse(text: text)
        case .flag:
            guard let flag = value.bool else { return .failure(.init("expected true or false")) }
            return checked(.flag(flag))
        case .names, .scale:
            guard let table = value.table else {
                return .failure(.init("expected a table ([\(key)]) of id = \"name\""))
            }
            var names: [String: String] = [:]
            for id in table.keys {
                guard let name = table[id]?.string else {
                    return .failure(.init("expected a string in quotes", key: "\(key).\(id)"))
                }
                names[id] = name
            }
            return checked(.names(names))
        }
    }

    /// The value from text (the environment, or an option), or the problem in words.
    func parse(text: String) -> Result<SettingValue, SettingProblem> {
        switch kind {
        case .text:
            return checked(.text(text))
        case .choice(let choices):
            guard choices.contains(text) else {
                return .failure(.init("expected one of \(choices.joined(separator: ", "))"))
            }
            return checked(.text(text))
        case .whole(let minimum):
            guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
                return .failure(.init("expected a whole number"))
            }
            guard number >= minimum else { return .failure(.init("must be at least \(minimum)")) }
            return checked(.whole(number))
        case .number:
            guard let number = Double(text.trimmingCharacters(in: .whitespaces)), number.isFinite else {
                return .failure(.init("expected a number"))
            }
            return checked(.number(number))
        case .list:
            return checked(.list(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }))
        case .daysOrAll:
            guard Backfill(argument: text) != nil else {
                return .failure(.init("expected a number of days (0 or more) or \"all\""))
            }
            return checked(.text(text))
        case .values:
            return checked(.list([text]))
        case .flag:
            guard let flag = Bool(text.lowercased()) else { return .failure(.init("expected true or false")) }
            return checked(.flag(flag))
        case .scale:
            var names: [String: String] = [:]
            for pair in text.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    return .failure(.init("expected RAW=PRIORITY pairs, for example 1=urgent,2=high,3=medium"))
                }
                names[parts[0]] = parts[1]
            }
            return checked(.names(names))
        case .names:
            let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                return .failure(.init("expected ID=NAME, for example 360001234567=Billing"))
            }
            return checked(.names([parts[0]: parts[1]]))
        }
    }

    private func checked(_ value: SettingValue) -> Result<SettingValue, SettingProblem> {
        if let problem = check(value) { return .failure(.init(problem)) }
        return .success(value)
    }
}

/// What is wrong with one value, before it is placed (file and key, variable, or option).
public struct SettingProblem: Error, Sendable {
    let problem: String
    /// A key deeper than the setting's own (`ingest.groups.42`), when the problem is there.
    var key: String?

    init(_ problem: String, key: String? = nil) {
        self.problem = problem
        self.key = key
    }
}

/// A setting given in the environment or on the command line that cannot be used: which one, and why.
public struct SettingError: Error, CustomStringConvertible, Sendable {
    public let description: String
    /// `.option` for a command-line mistake (a usage error), `.environment` for a variable's.
    public let origin: SettingOrigin

    public init(_ description: String, origin: SettingOrigin) {
        self.description = description
        self.origin = origin
    }
}
