import Foundation

/// Where this run's destinations come from: URLs on the command line, or files holding them (systemd
/// credentials), plus signing secrets for the generic webhooks.
public struct DestinationSources: Sendable {
    /// `[NAME=]URL` each.
    public var slackURLs: [String] = []
    public var webhookURLs: [String] = []
    /// Files with one `[NAME=]URL` per line; blank lines and `#` comments are ignored.
    public var slackFiles: [String] = []
    public var webhookFiles: [String] = []
    /// `[NAME=]FILE`: the Standard Webhooks signing secret of the webhook NAME, or of every webhook without its own.
    public var webhookSecretFiles: [String] = []

    public init() {}

    public var isEmpty: Bool { slackURLs.isEmpty && webhookURLs.isEmpty && slackFiles.isEmpty && webhookFiles.isEmpty }
}

/// Turns `DestinationSources` into destinations. A bad entry (refused URL, unreadable file, duplicate name)
/// becomes a `DestinationProblem` naming where it came from — never quoting the URL — and the others still go.
public enum DestinationList {
    /// Destinations from two places (the config file first, then the command line) as one list: the same name
    /// given twice is one destination if it is the same URL and kind, and a problem otherwise — two URLs under
    /// one name would make the stored fingerprint flip on every run and post the same alerts twice.
    public static func combine(
        _ first: (destinations: [Destination], problems: [DestinationProblem]),
        _ second: (destinations: [Destination], problems: [DestinationProblem])
    ) -> (destinations: [Destination], problems: [DestinationProblem]) {
        var destinations = first.destinations
        var problems = first.problems + second.problems
        for destination in second.destinations {
            guard let name = destination.configuredName,
                  let clash = destinations.first(where: { $0.configuredName == name }) else {
                destinations.append(destination)
                continue
            }
            if clash.url != destination.url || clash.kind != destination.kind {
                problems.append(DestinationProblem(
                    kind: destination.kind, name: name, origin: destination.origin,
                    reason: "the name is already used by \(clash.origin); give each destination its own name"))
            }
        }
        return (destinations, problems)
    }

    public static func load(_ sources: DestinationSources) -> (destinations: [Destination], problems: [DestinationProblem]) {
        var entries: [(kind: DestinationKind, text: String, origin: String)] = []
        var problems: [DestinationProblem] = []

        for (index, text) in sources.slackURLs.enumerated() { entries.append((.slack, text, "--slack #\(index + 1)")) }
        for (index, text) in sources.webhookURLs.enumerated() { entries.append((.webhook, text, "--webhook #\(index + 1)")) }
        for (kind, files) in [(DestinationKind.slack, sources.slackFiles), (.webhook, sources.webhookFiles)] {
            for path in files {
                let option = "--\(kind.rawValue)-file \(path)"
                do {
                    let lines = try readLines(path)
                    if lines.isEmpty {
                        problems.append(DestinationProblem(kind: kind, name: nil, origin: option, reason: "the file holds no URL"))
                    }
                    for (number, line) in lines { entries.append((kind, line, "\(option) line \(number)")) }
                } catch {
                    problems.append(DestinationProblem(kind: kind, name: nil, origin: option, reason: "\(error)"))
                }
            }
        }

        var destinations: [Destination] = []
        for entry in entries {
            let (name, urlText) = Destination.splitName(entry.text)
            do {
                let url = try EndpointURL(urlText)
                let destination = Destination(kind: entry.kind, configuredName: name, url: url, origin: entry.origin)
                // The same destination given twice (a URL on the command line and in a file) is one destination.
                if destinations.contains(where: { $0.configuredName == name && $0.url == url && $0.kind == entry.kind }) {
                    continue
                }
                if let name, let clash = destinations.first(where: { $0.configuredName == name }) {
                    problems.append(DestinationProblem(kind: entry.kind, name: name, origin: entry.origin,
                                                       reason: "the name is already used by \(clash.origin); give each destination its own name"))
                    continue
                }
                destinations.append(destination)
            } catch {
                problems.append(DestinationProblem(kind: entry.kind, name: name, origin: entry.origin, reason: "\(error)"))
            }
        }

        // Signing secrets: a named one for its webhook, an unnamed one for every webhook without its own. A
        // webhook whose secret cannot be read is not sent unsigned: it becomes a problem (fail closed).
        var keyed: [String: Result<SigningKey, DestinationProblem>] = [:]
        var shared: Result<SigningKey, DestinationProblem>?
        for spec in sources.webhookSecretFiles {
            let (name, path) = splitNameAndPath(spec)
            let origin = "--webhook-secret-file \(path)"
            let key: Result<SigningKey, DestinationProblem>
            do {
                key = .success(try SigningKey(secret: try String(contentsOfFile: path, encoding: .utf8)))
            } catch let error as SigningKeyError {
                key = .failure(DestinationProblem(kind: .webhook, name: name, origin: origin, reason: "\(error)"))
            } catch {
                key = .failure(DestinationProblem(kind: .webhook, name: name, origin: origin,
                                                  reason: "cannot read the signing secret: \(FileProblem.describe(error))"))
            }
            if let name {
                guard destinations.contains(where: { $0.kind == .webhook && $0.configuredName == name }) else {
                    problems.append(DestinationProblem(kind: .webhook, name: name, origin: origin,
                                                       reason: "no --webhook or --webhook-file destination has this name"))
                    continue
                }
                keyed[name] = key
            } else {
                shared = key
            }
        }
        var kept: [Destination] = []
        for var destination in destinations {
            if destination.kind == .webhook, let key = destination.configuredName.flatMap({ keyed[$0] }) ?? shared {
                switch key {
                case .success(let signingKey): destination.signingKey = signingKey
                case .failure(let problem):
                    problems.append(DestinationProblem(kind: .webhook, name: destination.configuredName,
                                                       origin: destination.origin, reason: problem.description))
                    continue
                }
            }
            kept.append(destination)
        }
        return (kept, problems)
    }

    /// The file's non-blank, non-comment lines with their 1-based numbers, trimmed (a credential file usually
    /// ends with a newline).
    static func readLines(_ path: String) throws -> [(Int, String)] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw FileProblem(message: "cannot read the file: \(FileProblem.describe(error))")
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty || trimmed.hasPrefix("#") ? nil : (index + 1, trimmed)
        }
    }

    /// `NAME=FILE` when NAME is a valid destination name and the whole text is not itself an existing file.
    static func splitNameAndPath(_ text: String) -> (name: String?, path: String) {
        if FileManager.default.fileExists(atPath: text) { return (nil, text) }
        let (name, rest) = Destination.splitName(text)
        return (name, rest)
    }
}

/// A file that could not be read, said in one line (Foundation's errors are long and repeat the path).
struct FileProblem: Error, CustomStringConvertible {
    let message: String
    var description: String { message }

    static func describe(_ error: Error) -> String {
        let nsError = error as NSError
        if let posix = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        switch nsError.code {
        case NSFileReadNoSuchFileError: return "no such file"
        case NSFileReadNoPermissionError: return "permission denied"
        case NSFileReadInapplicableStringEncodingError: return "not UTF-8 text"
        default: return nsError.localizedDescription
        }
    }
}
