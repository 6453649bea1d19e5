import Foundation
import Testing
@testable import TicketWatchCore

@Suite struct SilenceTests {
    @Test func matchersCoverExactLevelsPrefixesAndSignals() throws {
        let exact = try SilenceMatcher("queue:Billing")
        #expect(exact.covers(signal: "queue_volume", level: "queue:Billing"))
        #expect(!exact.covers(signal: "queue_volume", level: "queue:Billing and Payments"))
        #expect(!exact.covers(signal: "queue_volume", level: "queue:billing"), "names are case-sensitive, as stored")
        let prefix = try SilenceMatcher("queue:Billing*")
        #expect(prefix.covers(signal: "queue_volume", level: "queue:Billing and Payments"))
        #expect(prefix.covers(signal: "new_term", level: "queue:Billing"))
        #expect(!prefix.covers(signal: "tag_volume", level: "tag:Billing"))
        #expect(try SilenceMatcher("tag:*").covers(signal: "tag_volume", level: "tag:<!channel>"))
        let signal = try SilenceMatcher("signal:high_rate")
        #expect(signal.covers(signal: "high_rate", level: "global") && !signal.covers(signal: "tickets_total", level: "global"))
        #expect(try SilenceMatcher("global").covers(signal: "tickets_total", level: "global"))
        #expect(try SilenceMatcher("*").covers(signal: "anything", level: "tag:x"))
        #expect(try SilenceMatcher("tag:a*b").covers(signal: "tag_volume", level: "tag:a*b"), "only a trailing * is special")
        #expect(try !SilenceMatcher("tag:a*b").covers(signal: "tag_volume", level: "tag:axb"))
        for bad in ["Billing", "queue:", "signal:", "signal:high*", "level:global", ""] {
            #expect(throws: LifecycleError.self, "\(bad)") { try SilenceMatcher(bad) }
        }
    }

    /// The notifier against a real receiver: silenced alerts are stored and marked, never posted; alerts of days from
    /// the silence's end on are posted as usual.
    @Test func aSilencedLevelIsStoredButNotPostedUntilItsDayComes() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let (warehouse, alerts) = try NotifierTests.warehouse(days: 4, perDay: 2)  // 2025-03-01…04, tag:t0 and tag:t1
        let silence = try SilenceStore(db: warehouse.db).add(
            try SilenceMatcher("tag:t0"), endsOn: CivilDate("2025-03-03")!, reason: "known noise", by: "tester", now: "2025-03-05T00:00:00Z")
        #expect(silence.covered == 2)
        let destination = try NotifierTests.destination(.webhook, "ops", server.url("/ok/ops"))
        let report = try Notifier(warehouse: warehouse, options: NotifierTests.options(), logger: quietLogger).run([destination])
        #expect(report.isComplete, "silenced alerts are not counted as left to send")

        let posted = Set(NotifierTests.webhookAlertIDs(server.requests(to: "/ok/ops")))
        let silenced = Set(alerts.filter { $0.level == "tag:t0" && $0.date < "2025-03-03" }.map(\.id))
        #expect(posted == Set(alerts.map(\.id)).subtracting(silenced))
        #expect(try warehouse.db.query("SELECT id FROM alerts WHERE silence_id = ?", [.integer(silence.id)])
            .compactMap { $0[0].string }.sorted() == silenced.sorted())
        #expect(try warehouse.count("alerts") == alerts.count, "silenced alerts are stored")

        // Removing the silence does not send what it covered; it no longer covers new alerts.
        _ = try SilenceStore(db: warehouse.db).remove("\(silence.id)", now: "2025-03-06T00:00:00Z")
        let late = Alert(detector: "seed", date: "2025-03-02", signal: "new_term", level: "tag:t0", value: 30, z: 5,
                         threshold: 3.5, baselineMean: 5, baselineStd: 2)
        try AlertStore(db: warehouse.db).upsert(detector: "seed", days: [], with: [late], now: "2025-03-06T00:00:00Z")
        _ = try Notifier(warehouse: warehouse, options: NotifierTests.options(), logger: quietLogger).run([destination])
        let postedAfter = NotifierTests.webhookAlertIDs(server.requests(to: "/ok/ops"))
        #expect(postedAfter.filter { silenced.contains($0) }.isEmpty)
        #expect(postedAfter.filter { $0 == late.id }.count == 1)
    }

    /// A silence added after detection still holds back alerts that were queued but not yet sent.
    @Test func aSilenceCoversAlertsQueuedButNotSent() throws {
        let (warehouse, alerts) = try NotifierTests.warehouse(days: 2, perDay: 1)
        let server = try TestHTTPServer.standard(hanging: HangSwitch())
        defer { server.stop() }
        let destination = try NotifierTests.destination(.webhook, "slow", server.url("/hang/x"))
        _ = try Notifier(warehouse: warehouse, options: NotifierTests.options(timeout: 0.3, retryFor: 0.3), logger: quietLogger).run([destination])
        #expect(try warehouse.count("deliveries", where: "status = 'pending'") == 2)
        _ = try SilenceStore(db: warehouse.db).add(try SilenceMatcher("*"), endsOn: CivilDate("2025-04-01")!, reason: "r", by: nil, now: "t")
        let ok = try NotifierTests.destination(.webhook, "slow", server.url("/ok/x"))
        let report = try Notifier(warehouse: warehouse, options: NotifierTests.options(), logger: quietLogger).run([ok])
        #expect(report.isComplete && report.destinations[0].messages.isEmpty)
        #expect(server.requests(to: "/ok/x").isEmpty)
        #expect(try warehouse.count("alerts", where: "silence_id IS NOT NULL") == alerts.count)
    }

    /// The daily job from the command line, with the notebook's detector on the parity fixture: queue:Technical
    /// Support alerts on 2025-03-21 (silenced) and again on 2025-04-28 (after the silence's day: posted).
    @Test func theDailyJobPostsASilencedLevelAgainAfterItsDay() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let db = TestPaths.temporaryWarehousePath()
        let inbox = FileManager.default.temporaryDirectory.appendingPathComponent("tw-inbox-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestPaths.fixture("seed-parity/tickets.csv").path, toPath: inbox + "/t.csv")
        let hooks = try writeTemporaryFile("hooks", "ops=\(server.url("/ok/ops"))\n")
        let add = try Binary.run(["silence", "add", "--db", db, "--match", "queue:Technical*", "--until", "2025-04-01",
                                  "--reason", "support re-org"])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.hasPrefix("silence 1: queue:Technical*"))
        func run(today: String) throws {
            let result = try Binary.run(["run", "--db", db, "--inbox", inbox, "--settle-seconds", "0", "--today", today,
                                         "--detector", "seed", "--webhook-file", hooks, "--backfill", "all"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        try run(today: "2025-03-01")
        try run(today: "2025-06-01")

        let march = Alert.id(detector: "seed", date: "2025-03-21", signal: "queue_volume", level: "queue:Technical Support")
        let april = Alert.id(detector: "seed", date: "2025-04-28", signal: "queue_volume", level: "queue:Technical Support")
        let posted = NotifierTests.webhookAlertIDs(server.requests(to: "/ok/ops"))
        #expect(!posted.contains(march))
        #expect(posted.filter { $0 == april }.count == 1)
        #expect(posted.count == 16 && Set(posted).count == 16, "the fixture's 17 alerts but the silenced one, once each")
        let warehouse = try makeWarehouse(path: db)
        #expect(try warehouse.db.scalar("SELECT silence_id FROM alerts WHERE id = ?", [.text(march)])?.int == 1)

        let listed = try Binary.run(["alerts", "--db", db])
        #expect(listed.stdout.split(separator: "\n").contains { $0.contains(march) && $0.hasSuffix("silenced #1") })
        let silences = try Binary.run(["silence", "list", "--db", db])
        #expect(silences.stdout.contains("queue:Technical*") && silences.stdout.contains("support re-org"))
        let unknown = try Binary.run(["silence", "remove", "--db", db, "42"])
        #expect(unknown.status == 1 && unknown.stderr.contains("no silence with id '42'"))
        #expect(try Binary.run(["silence", "remove", "--db", db, "1"]).status == 0)
        #expect(try Binary.run(["silence", "list", "--db", db]).stdout.contains("no silences"))
        #expect(try Binary.run(["silence", "list", "--db", db, "--all"]).stdout.contains("removed"))
    }
}
