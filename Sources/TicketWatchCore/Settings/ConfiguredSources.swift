import Foundation
import TOMLKit

/// One `[[sources]]` entry: a helpdesk `pull` fetches changed tickets from. The credential itself is never in the
/// config file: it is read from a systemd credential (`credential`) or a file (`credential_file`) when a pull
/// starts, and never printed, logged or stored.
public struct ConfiguredSource: Sendable, Equatable {
    /// How the warehouse knows it: `ingest_files.source` is `pull:NAME`, `source_cursors.source` is NAME.
    public var name: String
    public var kind: PullKind
    /// The instance, https (or http to a loopback host, as tests run a receiver), without a trailing slash.
    public var url: EndpointURL
    public var credential: String?
    public var credentialFile: String?
    /// The first pull takes tickets created or updated since this day (UTC midnight).
    public var start: CivilDate
    /// Jira: which issues (required).
    public var jql: String?
    /// ServiceNow: the table (default `incident`).
    public var table: String
    /// Jira: the custom field holding the request type, when `GET /rest/api/3/field` cannot say.
    public var requestTypeField: String?
    /// Where it was written, for messages: `FILE: sources[N]`.
    public var origin: String
}

/// The helpdesks `pull` speaks to: one file per kind under `Pull/` implements `HelpdeskAPI`.
public enum PullKind: String, CaseIterable, Sendable {
    case zendesk, freshdesk, jira, servicenow
}

extension SettingsFile {
    static let sourceKeys = ["name", "kind", "url", "credential", "credential_file", "start", "jql", "table",
                             "request_type_field"]

    /// Reads `[[sources]]`, each entry checked whole (unknown keys, url scheme, one credential, start date) so a
    /// mistake names the entry and the key.
    static func sources(_ value: TOMLValueConvertible, file: String) throws -> [ConfiguredSource] {
        guard let array = value.array else {
            throw ConfigError(file: file, key: "sources", problem: "expected a list of tables ([[sources]])")
        }
        var found: [ConfiguredSource] = []
        for (index, item) in array.enumerated() {
            let key = "sources[\(index + 1)]"
            guard let entry = item.table else {
                throw ConfigError(file: file, key: "sources", problem: "expected a list of tables ([[sources]])")
            }
            func fail(_ name: String?, _ problem: String) -> ConfigError {
                ConfigError(file: file, key: name.map { "\(key).\($0)" } ?? key, problem: problem)
            }
            func string(_ name: String) throws -> String? {
                guard let value = entry[name] else { return nil }
                guard let text = value.string else { throw fail(name, "expected a string in quotes") }
                return text
            }
            if let unknown = entry.keys.sorted().first(where: { !sourceKeys.contains($0) }) {
                throw fail(unknown, "unknown key (check its spelling against config.example.toml)")
            }
            guard let name = try string("name"), !name.isEmpty,
                  name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                throw fail("name", "every source needs a name of letters, digits, '-', '_' or '.'")
            }
            guard let kind = try string("kind").flatMap(PullKind.init(rawValue:)) else {
                let kinds = PullKind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                throw fail("kind", "expected one of \(kinds)")
            }
            guard let urlText = try string("url") else {
                throw fail("url", "the helpdesk instance is required, e.g. https://acme.zendesk.com")
            }
            var trimmedURL = urlText.trimmingCharacters(in: .whitespaces)
            while trimmedURL.hasSuffix("/") { trimmedURL.removeLast() }
            let url: EndpointURL
            do {
                url = try EndpointURL(trimmedURL)
            } catch {
                throw fail("url", "\(error)")
            }
            let credential = try string("credential"), credentialFile = try string("credential_file")
            guard (credential == nil) != (credentialFile == nil) else {
                throw fail(nil, "give exactly one of credential (a systemd credential name) or credential_file")
            }
            guard let startText = try string("start"), let start = CivilDate(startText) else {
                throw fail("start", "the first day to pull, as \"YYYY-MM-DD\" (tickets created or updated since then)")
            }
            let jql = try string("jql")
            if kind == .jira, jql?.trimmingCharacters(in: .whitespaces).isEmpty ?? true {
                throw fail("jql", "a jira source needs the issues to pull, e.g. jql = \"project = HELP\"")
            }
            let table = try string("table") ?? "incident"
            guard !table.isEmpty, table.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw fail("table", "expected a ServiceNow table name such as incident")
            }
            if found.contains(where: { $0.name == name }) {
                throw fail("name", "the name '\(name)' is used twice")
            }
            found.append(ConfiguredSource(
                name: name, kind: kind, url: url, credential: credential, credentialFile: credentialFile,
                start: start, jql: jql, table: table, requestTypeField: try string("request_type_field"),
                origin: "\(file): \(key)"))
        }
        return found
    }
}
