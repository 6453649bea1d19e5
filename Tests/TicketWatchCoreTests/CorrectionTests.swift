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

    /// Withdrawn, corrected, then found again: the receiver's last word on the alert would be the correction, so
    /// the alert is sent again, marked as re-confirmed and under a webhook-id of its own; a second withdrawal gets
    /// a second correction.
    @Test func anAlertFoundAgainAfterItsCorrectionIsSentAgain() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let (warehouse, alerts) = try NotifierTests.warehouse(days: 1, perDay: 2)
        let ops = try NotifierTests.destination(.webhook, "ops", server.url("/ok/ops"))
        let slack = try NotifierTests.destination(.slack, "chat", server.url("/ok/T/B/S"))
        func notify() throws {
            let report = try Notifier(warehouse: warehouse, options: NotifierTests.options(), logger: quietLogger).run([ops, slack])
            #expect(report.isComplete)
        }
        let store = AlertStore(db: warehouse.db)
        let target = alerts[0].id
        try notify()
        try store.replace(detector: "seed", with: [alerts[1]], now: "2025-04-01T00:00:00Z")
        try notify()
        try store.replace(detector: "seed", with: alerts, now: "2025-04-02T00:00:00Z")
        try notify()

        // What the webhook receiver saw about the alert, in order: alert, correction, alert again.
        func story() -> [String] {
            server.requests(to: "/ok/ops").compactMap { request -> String? in
                guard let json = request.json else { return nil }
                if json["type"] as? String == "ticketwatch.notices" {
                    let notices = json["notices"] as? [[String: Any]] ?? []
                    return notices.first { $0["id"] as? String == target }.map { $0["status"] as? String ?? "?" }
                }
                let sent = (json["alerts"] as? [[String: Any]] ?? []).first { $0["id"] as? String == target }
                return sent.map { $0["reconfirmed"] as? Bool == true ? "alert again" : "alert" }
            }
        }
        #expect(story() == ["alert", "withdrawn", "alert again"])
        let ids = server.requests(to: "/ok/ops").filter { $0.json?["type"] as? String == "ticketwatch.alerts" }
            .compactMap { $0.headers["webhook-id"] }
        #expect(ids.count == 2 && Set(ids).count == 2, "a receiver de-duplicating on webhook-id must not drop the re-send")
        let slackBodies = server.requests(to: "/ok/T/B/S").map(\.bodyText)
        #expect(slackBodies.count == 3)
        #expect(slackBodies.last?.contains("found again: holds after all") == true)
        #expect(slackBodies.first?.contains("found again") == false)

        // Nothing more while nothing changes; withdrawn again, it gets a correction of its own.
        try notify()
        #expect(story() == ["alert", "withdrawn", "alert again"])
        try store.replace(detector: "seed", with: [alerts[1]], now: "2025-04-03T00:00:00Z")
        try notify()
        #expect(story() == ["alert", "withdrawn", "alert again", "withdrawn"])
        #expect(try warehouse.count("deliveries", where: "status = 'pending'") == 0)
    }
}
