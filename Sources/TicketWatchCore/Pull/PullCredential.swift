import Foundation

/// A source's `Authorization` header value, from its credential's one line: `user:secret` for HTTP basic auth
/// (Zendesk `agent@example.com/token:TOKEN`, Freshdesk `APIKEY:X`, Jira `email:api_token`, ServiceNow
/// `user:password`), or `Bearer TOKEN`. Read when a pull starts, held in memory only: never an argument, a log
/// line or a warehouse value.
enum PullCredential {
    static func authorization(
        for source: ConfiguredSource,
        credentialsDirectory: String? = ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"]
    ) throws -> String {
        let line: String
        do {
            line = try ConfiguredDestinations.secret(file: source.credentialFile, credential: source.credential,
                                                     credentialsDirectory: credentialsDirectory,
                                                     fileKey: "credential_file")
        } catch {
            throw PullError.credential(source: source.name, reason: "\(error)")
        }
        if line.lowercased().hasPrefix("bearer ") {
            let token = line.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
            guard !token.isEmpty else {
                throw PullError.credential(source: source.name, reason: "'Bearer' with no token")
            }
            return "Bearer \(token)"
        }
        guard line.contains(":"), !line.hasPrefix(":") else {
            throw PullError.credential(source: source.name,
                                       reason: "expected one line 'user:secret' (basic auth) or 'Bearer TOKEN'")
        }
        return "Basic " + Data(line.utf8).base64EncodedString()
    }
}
