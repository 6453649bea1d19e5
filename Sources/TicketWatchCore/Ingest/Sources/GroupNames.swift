import Foundation

/// Zendesk and Freshdesk tickets name their group only by number (`group_id`); people know the group by name.
/// This maps ids to names, from `--map-group ID=NAME` options and from a group list file. A ticket whose group is
/// not listed keeps the id as its queue, so nothing is merged or lost, and the id can be mapped later.
public struct GroupNames: Sendable, Equatable {
    public private(set) var names: [String: String] = [:]

    public init(_ names: [String: String] = [:]) {
        self.names = names
    }

    /// The queue for a group id: its name when known, else the id itself.
    public func queue(forGroup id: String) -> String {
        names[id] ?? id
    }

    public mutating func add(id: String, name: String) {
        names[id] = name
    }

    /// Adds the `{"id", "name"}` objects of a groups API page (`pull`); entries without both are skipped.
    mutating func add(listed list: [Any]) {
        for case let group as [String: Any] in list {
            if let id = JSONText.scalar(group["id"]), let name = JSONText.scalar(group["name"]) { names[id] = name }
        }
    }

    /// Parses one `--map-group ID=NAME` (the name may contain '=').
    public mutating func add(option text: String) throws {
        guard let eq = text.firstIndex(of: "=") else {
            throw IngestError.badGroupOption(text, reason: "expected ID=NAME, for example 360001234567=Billing")
        }
        let id = text[..<eq].trimmedWhitespace
        let name = text[text.index(after: eq)...].trimmedWhitespace
        guard !id.isEmpty, !name.isEmpty else {
            throw IngestError.badGroupOption(text, reason: "expected ID=NAME, for example 360001234567=Billing")
        }
        names[id] = name
    }

    /// Reads a group list: the JSON the helpdesk's groups API returns (Zendesk `{"groups":[{"id":…,"name":…}]}`,
    /// Freshdesk `[{"id":…,"name":…}]`), or text lines `ID,NAME` or `ID=NAME` (blank lines and `#` comments
    /// skipped, a header line `id,name` allowed).
    public mutating func load(file path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IngestError.groupFile(path, reason: "cannot read it; check the path and its permissions")
        }
        let text = String(decoding: data, as: UTF8.self)
        let start = text.drop { $0 == "\u{feff}" || $0.isWhitespace }.first
        if start == "{" || start == "[" {
            try loadJSON(data, path: path)
        } else {
            try loadLines(text, path: path)
        }
    }

    private mutating func loadJSON(_ data: Data, path: String) throws {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw IngestError.groupFile(path, reason: "not valid JSON (\(JSONText.reason(error)))")
        }
        let list = (parsed as? [String: Any])?["groups"] as? [Any] ?? parsed as? [Any]
        guard let list else {
            throw IngestError.groupFile(path, reason: #"expected {"groups":[…]} (Zendesk) or a list of groups (Freshdesk)"#)
        }
        for (index, item) in list.enumerated() {
            guard let group = item as? [String: Any], let id = JSONText.scalar(group["id"]),
                  let name = JSONText.scalar(group["name"])?.trimmedWhitespace, !name.isEmpty else {
                throw IngestError.groupFile(path, reason: "group \(index + 1) has no id and name")
            }
            names[id] = name
        }
    }

    private mutating func loadLines(_ text: String, path: String) throws {
        for (offset, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmedWhitespace
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let cut = line.firstIndex(where: { $0 == "," || $0 == "=" }) else {
                throw IngestError.groupFile(path, reason: "line \(offset + 1): expected ID,NAME or ID=NAME")
            }
            let id = line[..<cut].trimmedWhitespace
            var name = line[line.index(after: cut)...].trimmedWhitespace
            if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
                name = String(name.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
            }
            if offset == 0, id.lowercased() == "id" { continue }  // a CSV header
            guard !id.isEmpty, !name.isEmpty else {
                throw IngestError.groupFile(path, reason: "line \(offset + 1): expected ID,NAME or ID=NAME")
            }
            names[id] = name
        }
    }
}
