import Foundation
import Testing
@testable import TicketWatchCore

/// Corrections through the notifier, with the notebook's detector's store (which withdraws what a re-run no
/// longer finds) and a real receiver.
@Suite struct CorrectionTests {
    static func notices(_ server: TestHTTPServer, _ path: String) -> [[String: Any]] {
        server.requests(to: path).compactMap { $0.json }.filter { $0["type"] as? String == "ticketwatch.notices" }
            .flatMap { $0["notices"] as? [[String: Any]] ?? [] }
    }

    @Test func aWithdrawnAlertGetsOneCorrectionOnlyWhereItWasDelivered() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let (warehouse, alerts) = try NotifierTests.warehouse(days: 2, perDay: 2)
        let ops = try NotifierTests.destination(.webhook, "ops", server.url("/ok/ops"))
        _ = try Notifier(warehouse: warehouse, options: NotifierTests.options(), logger: quietLogger).run([ops])

        let store = AlertStore(db: warehouse.db)
        try store.replace(detector: "seed", with: Array(alerts.dropFirst()), now: "2025-04-01T00:00:00Z")
        // A destination seen for the first time never had the withdrawn alert: no correction for it.
        let newcomer = try NotifierTests.destination(.webhook, "newcomer", server.url("/ok/new"))
        let report = try Notifier(warehouse: warehouse, options: NotifierTests.options(), logger: quietLogger).run([ops, newcomer])
        #expect(report.isComplete)
        #expect(Self.notices(server, "/ok/ops").map { $0["id"] as? String } == [alerts[0].id])
        #expect(Self.notices(server, "/ok/new").isEmpty)
        #expect(!NotifierTests.webhookAlertIDs(server.requests(to: "/ok/new")).contains(alerts[0].id))
        _ = try Notifier(warehouse: warehouse, options: NotifierTests.options(), logger: quietLogger).run([ops, newcomer])
        #expect(Self.notices(server, "/ok/ops").count == 1, "at most one correction")
    }

    @Test func aCorrectionNotYetSentIsDroppedWhenTheAlertHoldsAgain() throws {
        let server = try TestHTTPServer.standard(hanging: HangSwitch())
        defer { server.stop() }
        let (warehouse, alerts) = try NotifierTests.warehouse(days: 1, perDay: 2)
        let ok = try NotifierTests.destination(.webhook, "ops", server.url("/ok/ops"))
        _ = try Notifier(warehouse: warehouse, options: NotifierTests.options(), logger: quietLogger).run([ok])
        let store = AlertStore(db: warehouse.db)
        try store.replace(detector: "seed", with: [alerts[1]], now: "2025-04-01T00:00:00Z")
        let hanging = try NotifierTests.destination(.webhook, "ops", server.url("/hang/ops"))
        let stuck = try Notifier(warehouse: warehouse, options: NotifierTests.options(timeout: 0.3, retryFor: 0.3), logger: quietLogger).run([hanging])
        #expect(stuck.destinations[0].pending == 1, "the correction waits for the next run")

        try store.replace(detector: "seed", with: alerts, now: "2025-04-02T00:00:00Z")
        let report = try Notifier(warehouse: warehouse, options: NotifierTests.options(), logger: quietLogger).run([ok])
        #expect(report.isComplete && report.destinations[0].messages.isEmpty)
        #expect(Self.notices(server, "/ok/ops").isEmpty)
        #expect(try warehouse.count("notices") == 0)
    }
}
