import Foundation
import Logging

/// One line per event, level first, facts as `key=value`: journald adds its own time stamp, and a person reading
/// a terminal wants the level and the message first. swift-log's default handler puts the time first.
public struct StandardErrorLogHandler: LogHandler {
    public var logLevel: Logger.Level = .notice
    public var metadata: Logger.Metadata = [:]
    private let label: String

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var line = "\(event.level): \(event.message)"
        for key in merged.keys.sorted() {
            line += " \(key)=\(merged[key]!)"
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
