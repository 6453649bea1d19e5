import Foundation

/// `ticketwatch config show`: every setting in force and where it came from, the answer to "why did it do that?".
/// The text is a function of the settings alone (table order, sorted names), so the same inputs print the same
/// bytes in any process. Secrets are never printed: a secret setting shows only that it is set, and a
/// destination shows where its URL is kept, never the URL.
public enum SettingsReport {
    public static func text(_ settings: Settings) -> String {
        var lines = [
            "# The settings in force, each with where its value came from: default, file, environment or option.",
            "# config file: \(settings.file ?? "none")",
        ]
        var rows: [(String, String)] = []
        for setting in SettingsTable.all where setting.replacedBy.isEmpty {
            let shown: String
            if let value = setting.read(settings) {
                shown = setting.secret ? "(set; not shown)" : value.shown
            } else {
                shown = "(not set)"
            }
            rows.append(("\(setting.key) = \(shown)", "\(settings.origin(of: setting.key))"))
        }
        for (index, destination) in settings.destinations.enumerated() {
            let where_ = destination.credential != nil ? "a systemd credential" : "a file"
            let signed = destination.secretFile != nil || destination.secretCredential != nil ? ", signed" : ""
            rows.append(("destinations[\(index + 1)] = \(destination.kind) \"\(destination.name)\" (URL from \(where_)"
                         + "\(signed); not shown)", "file"))
        }
        for (index, source) in settings.sources.enumerated() {
            let where_ = source.credential != nil ? "a systemd credential" : "a file"
            rows.append(("sources[\(index + 1)] = \(source.kind.rawValue) \"\(source.name)\" \(source.url) from \(source.start) "
                         + "(credential from \(where_); not shown)", "file"))
        }
        let width = min(rows.map(\.0.count).max() ?? 0, 80)
        for (text, origin) in rows {
            lines.append(text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) + "  # \(origin)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
