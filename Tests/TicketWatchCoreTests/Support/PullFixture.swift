import Foundation
import Testing
@testable import TicketWatchCore

/// A warehouse, a config file with `[[sources]]` pointing at a replay server on 127.0.0.1, and a credential file:
/// what `ticketwatch pull` and `run` need, driven through the real binary.
struct PullFixture {
    /// What the credential file holds: a test fails if any of it shows up in output or the warehouse.
    static let secret = "Zq7-SECRET-token-81f3"
    static let credentialLine = "agent@example.com/token:\(secret)"
    static var expectedAuthorization: String { "Basic " + Data(credentialLine.utf8).base64EncodedString() }

    let db = TestPaths.temporaryWarehousePath()
    let config: String

    /// `sources`: (name, kind, url, extra TOML lines).
    init(_ sources: [(name: String, kind: String, url: String, extra: String)]) throws {
        let credential = try writeTemporaryFile("credential", PullFixture.credentialLine + "\n")
        var text = ""
        for source in sources {
            text += """
                [[sources]]
                name = "\(source.name)"
                kind = "\(source.kind)"
                url = "\(source.url)"
                credential_file = "\(credential)"
                start = "2025-03-01"
                \(source.extra)

                """
        }
        config = try writeTemporaryFile("config.toml", text)
    }

    func pull(_ extra: [String] = []) throws -> Binary.Result {
        try Binary.run(["pull", "--db", db, "--config", config, "--retry-for", "10"] + extra)
    }

    func spawnPull() throws -> Binary.Running {
        try Binary.spawn(["pull", "--db", db, "--config", config, "--retry-for", "10"])
    }

    func open() throws -> Warehouse { try makeWarehouse(path: db) }

    /// Starts a pull, waits until `server` has been asked for a page `hung` says it hangs on, and SIGKILLs the
    /// process there, as a reboot would.
    func pullKilled(at hung: (TestHTTPServer.Request) -> Bool, on server: TestHTTPServer,
                    sourceLocation: SourceLocation = #_sourceLocation) throws {
        let running = try spawnPull()
        let deadline = Date().addingTimeInterval(20)
        while !server.requests.contains(where: hung), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        // Nothing of the credential in the process list while it works.
        let argv = try String(decoding: Data(contentsOf: URL(fileURLWithPath: "/proc/\(running.pid)/cmdline")), as: UTF8.self)
        #expect(argv.contains("pull") && !argv.contains(PullFixture.secret), sourceLocation: sourceLocation)
        #expect(kill(running.pid, SIGKILL) == 0, sourceLocation: sourceLocation)
        #expect(running.wait().status == 128 + SIGKILL, sourceLocation: sourceLocation)
    }

    /// The stored tickets, one line each: id, day, queue, priority, tags, updated_at.
    func tickets() throws -> [String] {
        try open().db.query("SELECT ticket_id, day, queue, priority, tags, updated_at FROM tickets ORDER BY ticket_id")
            .map { $0.values.map(\.description).joined(separator: "|") }
    }

    /// Nothing of the credential in what a command printed or in any table.
    func expectNoSecret(_ results: [Binary.Result], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let dump = try open().dump()
        let encoded = Data(PullFixture.credentialLine.utf8).base64EncodedString()
        for text in results.flatMap({ [$0.stdout, $0.stderr] }) + [dump] {
            #expect(!text.contains(PullFixture.secret) && !text.contains(encoded), sourceLocation: sourceLocation)
        }
    }
}

/// Builds helpdesk answers for the replay servers.
enum Replay {
    static func json(_ value: Any) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }

    /// A ticket as Zendesk's incremental export writes it (Freshdesk names the same fields alike).
    static func zendeskTicket(_ id: Int, day: Int, updatedDay: Int? = nil, priority: String = "normal", group: Int = 1,
                              tags: [String] = ["login"]) -> [String: Any] {
        ["id": id, "created_at": String(format: "2025-03-%02dT09:%02d:00Z", day, id % 60),
         "updated_at": String(format: "2025-03-%02dT10:%02d:00Z", updatedDay ?? day, id % 60),
         "priority": priority, "group_id": group, "tags": tags, "subject": "Ticket \(id)", "type": "incident",
         "via": ["channel": "email"], "status": "open"]
    }
}

/// A helpdesk's tickets as a replay server serves them: each with an update time, listed in update order from
/// a given instant, so a pull that resumes from its mark gets what a real helpdesk would give it.
final class ReplayDesk: @unchecked Sendable {
    struct Ticket {
        let id: Int
        let created: Int
        var updated: Int
        /// 1 low … 4 urgent.
        var priority: Int
        var group: Int
    }

    static let base = CivilDate("2025-03-01")!.daysSinceEpoch * 86_400
    private let lock = NSLock()
    private var tickets: [Int: Ticket] = [:]

    /// Tickets 1…count, a hundred a day from 2025-03-01, each updated an hour after it was created.
    init(count: Int) {
        for n in 1...count { add(n) }
    }

    func add(_ n: Int, priority: Int = 2) {
        let created = Self.base + (n - 1) / 100 * 86_400 + 9 * 3600 + n % 100 * 60
        lock.withLock { tickets[n] = Ticket(id: n, created: created, updated: created + 3600, priority: priority, group: 5 + n % 2) }
    }

    /// A later version of ticket `n`: a day newer, another priority.
    func update(_ n: Int, priority: Int) {
        lock.withLock {
            tickets[n]!.updated += 5 * 86_400
            tickets[n]!.priority = priority
        }
    }

    /// Ticket `n` as updated at `epoch` (a clock ahead, migrated data), nothing else changed.
    func touch(_ n: Int, at epoch: Int) {
        lock.withLock { tickets[n]!.updated = epoch }
    }

    func changed(since epoch: Int) -> [Ticket] {
        lock.withLock { tickets.values.filter { $0.updated >= epoch }.sorted { ($0.updated, $0.id) < ($1.updated, $1.id) } }
    }

    static func iso(_ epoch: Int) -> String {
        ResolvedTimestamp(epochSeconds: epoch, day: CivilDate(daysSinceEpoch: epoch / 86_400)).utcText
    }

    /// Seconds since the epoch of `yyyy-MM-ddTHH:mm:ssZ`, `yyyy-MM-dd HH:mm:ss` or `yyyy/MM/dd HH:mm` (UTC).
    static func epoch(_ text: String) -> Int? {
        let normal = text.replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: " ", with: "T")
        var parser = TimestampParser(timeZone: TimeZone(identifier: "UTC")!)
        return parser.parse(normal.hasSuffix("Z") ? normal : normal + "Z")?.epochSeconds
    }
}
