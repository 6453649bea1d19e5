import Foundation

/// Turns the config file's `[[destinations]]` into destinations, reading each URL from its file or from the
/// systemd credential directory. A destination that cannot be set up (missing credential, refused URL) becomes a
/// `DestinationProblem` — reported, the others still go, the run counts as failed — and the message never
/// quotes the URL.
public enum ConfiguredDestinations {
    public static func resolve(
        _ configured: [ConfiguredDestination],
        credentialsDirectory: String? = ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"]
    ) -> (destinations: [Destination], problems: [DestinationProblem]) {
        var destinations: [Destination] = []
        var problems: [DestinationProblem] = []
        for entry in configured {
            let kind = DestinationKind(rawValue: entry.kind) ?? .webhook
            do {
                let urlText = try secret(file: entry.urlFile, credential: entry.credential, credentialsDirectory: credentialsDirectory)
                var destination = Destination(kind: kind, configuredName: entry.name, url: try EndpointURL(urlText),
                                              origin: entry.origin)
                if entry.secretFile != nil || entry.secretCredential != nil {
                    destination.signingKey = try SigningKey(secret: try secret(
                        file: entry.secretFile, credential: entry.secretCredential, credentialsDirectory: credentialsDirectory))
                }
                destinations.append(destination)
            } catch {
                problems.append(DestinationProblem(kind: kind, name: entry.name, origin: entry.origin, reason: "\(error)"))
            }
        }
        return (destinations, problems)
    }

    /// A credential's text, with one trailing newline trimmed (files written by `echo` have one).
    static func secret(file: String?, credential: String?, credentialsDirectory: String?,
                       fileKey: String = "url_file") throws -> String {
        let path: String
        if let file {
            path = file
        } else if let credential {
            guard let directory = credentialsDirectory, !directory.isEmpty else {
                throw FileProblem(message: "credential '\(credential)' is not available: $CREDENTIALS_DIRECTORY is not set (run under systemd with LoadCredential=\(credential):…, or use \(fileKey))")
            }
            path = (directory as NSString).appendingPathComponent(credential)
        } else {
            throw FileProblem(message: "no \(fileKey) or credential")
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw FileProblem(message: "cannot read \(path): \(FileProblem.describe(error))")
        }
        var trimmed = text
        if trimmed.hasSuffix("\n") { trimmed.removeLast() }
        if trimmed.hasSuffix("\r") { trimmed.removeLast() }
        guard !trimmed.isEmpty, !trimmed.contains("\n") else {
            throw FileProblem(message: "\(path) must hold exactly one line (the secret)")
        }
        return trimmed.trimmingCharacters(in: .whitespaces)
    }
}
