import Foundation

/// The directory the exporting side drops ticket files into. A file is ready when it looks finished: not hidden,
/// not named `*.tmp` or `*.part` (the usual "still writing" names), and not modified within `settleSeconds` —
/// a file still being copied in is left for the next run rather than loaded half-written.
public struct Inbox {
    public let directory: String
    public let settleSeconds: Int

    public init(directory: String, settleSeconds: Int = 60) {
        self.directory = directory
        self.settleSeconds = settleSeconds
    }

    public struct Listing: Sendable, Equatable {
        /// Paths ready to load, in name order.
        public var ready: [String] = []
        /// Paths left for a later run (still being written).
        public var waiting: [String] = []
    }

    static let extensions: Set<String> = ["csv", "jsonl", "ndjson", "json"]

    public func list(now: Date = Date()) throws -> Listing {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InboxError.missing(directory)
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw InboxError.unreadable(directory, reason: error.localizedDescription)
        }
        var listing = Listing()
        for name in names where !name.hasPrefix(".") {
            let path = (directory as NSString).appendingPathComponent(name)
            let lower = name.lowercased()
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            if lower.hasSuffix(".tmp") || lower.hasSuffix(".part") {
                listing.waiting.append(path)
                continue
            }
            guard Inbox.extensions.contains((lower as NSString).pathExtension) else { continue }
            let modified = attributes[.modificationDate] as? Date ?? .distantPast
            if now.timeIntervalSince(modified) < Double(settleSeconds) {
                listing.waiting.append(path)
            } else {
                listing.ready.append(path)
            }
        }
        return listing
    }
}

public enum InboxError: Error, CustomStringConvertible {
    case missing(String)
    case unreadable(String, reason: String)

    public var description: String {
        switch self {
        case .missing(let path):
            "inbox \(path) does not exist or is not a directory; create it, or set --inbox / `inbox` in the config file"
        case let .unreadable(path, reason):
            "cannot list the inbox \(path) (\(reason)); check its permissions"
        }
    }
}
