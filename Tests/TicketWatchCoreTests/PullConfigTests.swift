import Foundation
import Testing
@testable import TicketWatchCore

/// `[[sources]]` in the config file: each mistake names the file, the entry and the key.
@Suite struct PullConfigTests {
    static func parse(_ body: String) throws -> [ConfiguredSource] {
        try SettingsFile(text: body, path: "/etc/ticketwatch/config.toml").sources
    }

    static let valid = """
        [[sources]]
        name = "support"
        kind = "zendesk"
        url = "https://acme.zendesk.com/"
        credential = "zendesk"
        start = "2025-01-01"
        """

    @Test func aValidSourceIsReadWithItsDefaults() throws {
        let source = try #require(try Self.parse(Self.valid).first)
        #expect(source.name == "support" && source.kind == .zendesk && source.credential == "zendesk")
        #expect(source.url.secretText == "https://acme.zendesk.com", "no trailing slash")
        #expect(source.start == CivilDate("2025-01-01") && source.table == "incident")
    }

    @Test(arguments: [
        ("url = \"http://acme.zendesk.com\"", "sources[1].url", "plain http"),
        ("kind = \"kayako\"", "sources[1].kind", "expected one of"),
        ("credential_file = \"/x\"", "sources[1]", "exactly one of credential"),
        ("start = \"yesterday\"", "sources[1].start", "YYYY-MM-DD"),
        ("password = \"hunter2\"", "sources[1].password", "unknown key"),
        ("kind = \"jira\"", "sources[1].jql", "needs the issues"),
    ])
    func mistakesNameTheEntryAndKey(line: String, key: String, words: String) throws {
        let name = line.split(separator: " ").first.map(String.init)!
        let body = Self.valid.split(separator: "\n").filter { !$0.hasPrefix(name + " ") }.joined(separator: "\n") + "\n" + line
        do {
            _ = try Self.parse(body)
            Issue.record("accepted: \(line)")
        } catch let error as ConfigError {
            #expect(error.key == key && error.problem.contains(words), "\(error)")
            #expect(!"\(error)".contains("hunter2"))
        }
    }

    @Test func configShowListsSourcesWithoutTheirCredential() throws {
        let file = try SettingsFile(text: Self.valid, path: "/etc/ticketwatch/config.toml")
        let text = SettingsReport.text(try SettingsResolver(environment: [:]).resolve(file: file))
        #expect(text.contains(#"sources[1] = zendesk "support" https://acme.zendesk.com from 2025-01-01 (credential from a systemd credential; not shown)"#), "\(text)")
    }

    @Test func anHTTPURLToALoopbackHostIsAllowed() throws {
        let body = Self.valid.replacingOccurrences(of: "https://acme.zendesk.com/", with: "http://127.0.0.1:8080")
        #expect(try Self.parse(body).first?.url.isLoopback == true)
    }
}
