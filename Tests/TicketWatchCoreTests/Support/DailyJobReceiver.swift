import Foundation
import Testing

/// The daily job as the timer runs it, with one webhook destination on a real receiver on 127.0.0.1: a fresh
/// warehouse and inbox, `run(today:)` each morning, and what the receiver got.
final class DailyJobReceiver {
    let server: TestHTTPServer
    let db = TestPaths.temporaryWarehousePath()
    let inbox: String
    private let hooks: String

    init() throws {
        server = try TestHTTPServer.standard()
        inbox = try LateTicketsTests.newInbox()
        hooks = try writeTemporaryFile("hooks", "ops=\(server.url("/ok/ops"))\n")
    }

    deinit { server.stop() }

    /// `ticketwatch run` for the morning of `today`, every alert backfilled to the destination.
    func run(today: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try Binary.run(["run", "--db", db, "--inbox", inbox, "--settle-seconds", "0", "--today", today,
                                     "--webhook-file", hooks, "--backfill", "all"])
        #expect(result.status == 0, "\(result.stderr)", sourceLocation: sourceLocation)
    }

    /// Every alert the destination was posted, in order.
    func delivered() -> [[String: Any]] {
        server.requests(to: "/ok/ops").flatMap { $0.json?["alerts"] as? [[String: Any]] ?? [] }
    }

    /// The "recovered" notices the destination was posted.
    func recoveries() -> [[String: Any]] {
        CorrectionTests.notices(server, "/ok/ops").filter { $0["status"] as? String == "recovered" }
    }
}
