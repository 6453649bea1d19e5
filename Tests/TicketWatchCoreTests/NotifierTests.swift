import Foundation
import Testing
@testable import TicketWatchCore

/// The notifier against a real receiver on 127.0.0.1 and a real warehouse: the outbox, retries, backfill,
/// destination identity.
@Suite struct NotifierTests {
    /// A warehouse whose `days` judged days (2025-03-01 on) each have `perDay` seed alerts.
    static func warehouse(days: Int = 3, perDay: Int = 2, incident: Bool = false) throws -> (Warehouse, [Alert]) {
        let warehouse = try makeWarehouse()
        var alerts: [Alert] = []
        for offset in 0..<days {
            let day = CivilDate(year: 2025, month: 3, day: 1)!.adding(days: offset).description
            try warehouse.db.run("INSERT INTO daily_totals(day, tickets_total, tickets_high, high_rate) VALUES (?, 10, 1, 0.1)", [.text(day)])
            for index in 0..<perDay {
                alerts.append(Alert(detector: "seed", date: day, signal: "tag_volume", level: "tag:t\(index)", value: 20,
                                    z: 4, threshold: 3.5, baselineMean: 5, baselineStd: 2,
                                    incident: incident ? "INC-\(day)" : nil))
            }
        }
        try AlertStore(db: warehouse.db).replace(detector: "seed", with: alerts, now: "2025-03-31T00:00:00Z")
        return (warehouse, alerts)
    }

    static func options(timeout: Double = 2, retryFor: Double = 5, backfill: Backfill = .all) -> NotifyOptions {
        var options = NotifyOptions()
        options.timeout = timeout
        options.retry = RetryPolicy(retryFor: retryFor, baseDelay: 0.05, maxDelay: 0.2)
        options.backfill = backfill
        return options
    }

    static func destination(_ kind: DestinationKind, _ name: String?, _ url: String, key: SigningKey? = nil) throws -> Destination {
        Destination(kind: kind, configuredName: name, url: try EndpointURL(url), signingKey: key, origin: "test")
    }

    static func statuses(_ warehouse: Warehouse, _ destination: String) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try warehouse.db.query("SELECT status, count(*) FROM deliveries WHERE destination = ? GROUP BY status", [.text(destination)]) {
            counts[row[0].string!] = row[1].int!
        }
        return counts
    }

    /// Alert ids in the bodies the receiver got on `path`: Slack via the outbox, webhooks from the body itself.
    static func webhookAlertIDs(_ requests: [TestHTTPServer.Request]) -> [String] {
        requests.flatMap { ($0.json?["alerts"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } }
    }

    @Test func twoRunsDeliverEveryAlertExactlyOnceThroughServerErrorsAndRateLimits() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let (warehouse, alerts) = try Self.warehouse()
        let destinations = [try Self.destination(.slack, "flaky", server.url("/flaky/T0/B0/S1")),
                            try Self.destination(.webhook, "limited", server.url("/limited/h1"))]
        let notifier = Notifier(warehouse: warehouse, options: Self.options(), logger: quietLogger)

        let first = try notifier.run(destinations)
        #expect(first.isComplete)
        #expect(first.destinations.map(\.delivered) == [6, 6])
        #expect(first.destinations.map(\.attempts) == [3, 2])
        #expect(server.requests(to: "/flaky/T0/B0/S1").count == 3, "500, 500, then 200")
        let limited = server.requests(to: "/limited/h1")
        #expect(limited.count == 2, "429, then 200")
        #expect(limited[0].headers["webhook-id"] == limited[1].headers["webhook-id"], "webhook-id is stable across retries")
        #expect(limited[0].headers["webhook-timestamp"] != nil)

        let second = try notifier.run(destinations)
        #expect(second.isComplete && second.destinations.allSatisfy { $0.messages.isEmpty && $0.attempts == 0 })
        #expect(server.requests.count == 5, "the second run posts nothing")

        #expect(Self.webhookAlertIDs([limited[1]]).sorted() == alerts.map(\.id).sorted(), "all alerts, once")
        for name in ["flaky", "limited"] { #expect(try Self.statuses(warehouse, name) == ["delivered": 6]) }
        #expect(try warehouse.db.scalar("SELECT group_concat(DISTINCT attempts) FROM deliveries WHERE destination = 'flaky'")?.string == "3")
        #expect(try warehouse.db.scalar("SELECT count(*) FROM deliveries WHERE delivered_at IS NULL OR last_http_status <> 200")?.int == 0)
    }

    @Test func aPermanentRefusalIsRecordedWithItsReasonAndDoesNotStopTheOthers() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let (warehouse, _) = try Self.warehouse()
        let destinations = [try Self.destination(.slack, "archived", server.url("/gone/T0/B0/S1")),
                            try Self.destination(.slack, "fine", server.url("/ok/T0/B0/S2"))]
        let report = try Notifier(warehouse: warehouse, options: Self.options(), logger: quietLogger).run(destinations)
        #expect(!report.isComplete)
        #expect(server.requests(to: "/gone/T0/B0/S1").count == 1, "410 is not retried")
        #expect(report.destinations[0].failed == 6 && report.destinations[0].problem == "HTTP 410: channel_is_archived")
        #expect(report.destinations[1].isComplete && report.destinations[1].delivered == 6)
        let row = try #require(try warehouse.db.query(
            "SELECT DISTINCT status, attempts, last_http_status, last_error FROM deliveries WHERE destination = 'archived'").first)
        #expect(row.values == [.text("failed"), .integer(1), .integer(410), .text("HTTP 410: channel_is_archived")])

        // Not resent on its own; still counted as not delivered; --retry-failed sends them again.
        let again = try Notifier(warehouse: warehouse, options: Self.options(), logger: quietLogger).run(destinations)
        #expect(server.requests(to: "/gone/T0/B0/S1").count == 1 && !again.isComplete && again.destinations[0].failed == 6)
        var retry = Self.options()
        retry.retryFailed = true
        let retried = try Notifier(warehouse: warehouse, options: retry, logger: quietLogger).run(destinations)
        #expect(server.requests(to: "/gone/T0/B0/S1").count == 2 && retried.destinations[0].requeued == 6)
    }

    @Test func aReceiverThatTimesOutLeavesAlertsPendingAndTheNextRunDeliversThem() throws {
        let hanging = HangSwitch()
        let server = try TestHTTPServer.standard(hanging: hanging)
        defer { server.stop() }
        let (warehouse, alerts) = try Self.warehouse()
        let destinations = [try Self.destination(.webhook, "slow", server.url("/hang/h1"))]

        let started = Date()
        let first = try Notifier(warehouse: warehouse, options: Self.options(timeout: 0.5, retryFor: 0.8), logger: quietLogger).run(destinations)
        #expect(Date().timeIntervalSince(started) < 3, "bounded by --retry-for plus one --timeout")
        #expect(!first.isComplete && first.destinations[0].pending == 6 && first.destinations[0].delivered == 0)
        #expect(first.destinations[0].problem?.contains("timed out") == true)
        #expect(try Self.statuses(warehouse, "slow") == ["pending": 6])
        #expect(try warehouse.db.scalar("SELECT min(attempts) FROM deliveries WHERE destination = 'slow'")?.int ?? 0 >= 1)
        #expect(try warehouse.db.scalar("SELECT last_error FROM deliveries WHERE destination = 'slow' LIMIT 1")?.string?.hasPrefix("timed out after") == true)

        hanging.isOn = false
        let second = try Notifier(warehouse: warehouse, options: Self.options(), logger: quietLogger).run(destinations)
        #expect(second.isComplete && second.destinations[0].delivered == 6)
        #expect(try Self.statuses(warehouse, "slow") == ["delivered": 6])
        let requests = server.requests(to: "/hang/h1")
        #expect(Set(requests.compactMap { $0.headers["webhook-id"] }).count == 1,
                "the same batch keeps its webhook-id on the next run, so a receiver that had it can drop the repeat")
        #expect(Self.webhookAlertIDs([requests.last!]).sorted() == alerts.map(\.id).sorted())
    }

    @Test func aRateLimitLongerThanTheRetryTimeLeavesThemPending() throws {
        let server = try TestHTTPServer { _, _ in .status(429, headers: [("Retry-After", "30")], body: "rate_limited") }
        defer { server.stop() }
        let (warehouse, _) = try Self.warehouse(days: 1)
        let started = Date()
        let report = try Notifier(warehouse: warehouse, options: Self.options(retryFor: 2), logger: quietLogger)
            .run([try Self.destination(.slack, "busy", server.url("/busy"))])
        #expect(Date().timeIntervalSince(started) < 2, "does not sleep 30 s it does not have")
        #expect(server.requests.count == 1 && report.destinations[0].pending == 2)
        #expect(report.destinations[0].problem?.hasPrefix("HTTP 429: rate_limited; no retry fits") == true)
    }

    @Test func aNewDestinationGetsTheNewestSevenJudgedDaysAndSkipsTheRest() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let (warehouse, alerts) = try Self.warehouse(days: 20, perDay: 1)
        let report = try Notifier(warehouse: warehouse, options: Self.options(backfill: .default), logger: quietLogger)
            .run([try Self.destination(.webhook, "new", server.url("/ok/new"))])
        let entry = report.destinations[0]
        #expect(entry.isNew && entry.backfillFrom == "2025-03-14" && entry.skipped == 13 && entry.delivered == 7)
        let sent = Self.webhookAlertIDs(server.requests)
        #expect(Set(sent) == Set(alerts.filter { $0.date >= "2025-03-14" }.map(\.id)))
        #expect(try Self.statuses(warehouse, "new") == ["delivered": 7, "skipped": 13])

        // An alert that appears later for an old day stays out of the channel; one for a new day goes in.
        let late = [Alert(detector: "other", date: "2025-03-02", signal: "tickets_total", level: "global", value: 1, z: 9, threshold: 3),
                    Alert(detector: "other", date: "2025-03-21", signal: "tickets_total", level: "global", value: 1, z: 9, threshold: 3)]
        try AlertStore(db: warehouse.db).replace(detector: "other", with: late, now: "2025-04-01T00:00:00Z")
        let next = try Notifier(warehouse: warehouse, options: Self.options(backfill: .default), logger: quietLogger)
            .run([try Self.destination(.webhook, "new", server.url("/ok/new"))])
        #expect(next.destinations[0].skipped == 1 && next.destinations[0].delivered == 1 && !next.destinations[0].isNew)

        // --backfill given for a known destination widens its window.
        var wider = Self.options(backfill: .all)
        wider.widenBackfill = true
        let widened = try Notifier(warehouse: warehouse, options: wider, logger: quietLogger)
            .run([try Self.destination(.webhook, "new", server.url("/ok/new"))])
        #expect(widened.destinations[0].requeued == 14 && widened.destinations[0].delivered == 14)
        #expect(try Self.statuses(warehouse, "new") == ["delivered": 22])
    }

    @Test func zeroDaysOfBackfillSendsOnlyWhatComesNext() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let (warehouse, _) = try Self.warehouse(days: 3)
        let report = try Notifier(warehouse: warehouse, options: Self.options(backfill: .days(0)), logger: quietLogger)
            .run([try Self.destination(.slack, "quiet", server.url("/ok/quiet"))])
        #expect(report.destinations[0].skipped == 6 && report.destinations[0].messages.isEmpty && report.isComplete)
        #expect(server.requests.isEmpty)
    }

    @Test func aRotatedURLUnderTheSameNameIsTheSameDestination() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let (warehouse, _) = try Self.warehouse()
        _ = try Notifier(warehouse: warehouse, options: Self.options(), logger: quietLogger)
            .run([try Self.destination(.slack, "oncall", server.url("/gone/old-token"))])
        #expect(try Self.statuses(warehouse, "oncall") == ["failed": 6])
        let rotated = try Notifier(warehouse: warehouse, options: Self.options(), logger: quietLogger)
            .run([try Self.destination(.slack, "oncall", server.url("/ok/new-token"))])
        let entry = rotated.destinations[0]
        #expect(!entry.isNew && entry.urlChanged && entry.requeued == 6 && entry.delivered == 6 && rotated.isComplete)
        #expect(try warehouse.db.scalar("SELECT count(*) FROM destinations")?.int == 1)
        #expect(try warehouse.db.scalar("SELECT url_changed_at IS NOT NULL FROM destinations WHERE name = 'oncall'")?.int == 1)
        // Nothing delivered is sent again under the new URL.
        _ = try Notifier(warehouse: warehouse, options: Self.options(), logger: quietLogger)
            .run([try Self.destination(.slack, "oncall", server.url("/ok/newer-token"))])
        #expect(server.requests(to: "/ok/newer-token").isEmpty)
    }

    @Test func unnamedDestinationsAreKnownByAHashAndTheWarehouseHoldsNoURL() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let (warehouse, _) = try Self.warehouse()
        let report = try Notifier(warehouse: warehouse, options: Self.options(), logger: quietLogger)
            .run([try Self.destination(.slack, nil, server.url("/ok/T0/B0/SECRETTOKEN"))])
        let name = report.destinations[0].name
        #expect(name.hasPrefix("slack-") && name.count == 18 && name.dropFirst(6).allSatisfy(\.isHexDigit))
        let again = try Notifier(warehouse: warehouse, options: Self.options(), logger: quietLogger)
            .run([try Self.destination(.slack, nil, server.url("/ok/T0/B0/SECRETTOKEN"))])
        #expect(again.destinations[0].name == name && !again.destinations[0].isNew)
        let dump = try warehouse.dump()
        #expect(!dump.contains("SECRETTOKEN") && !dump.contains("127.0.0.1:\(server.port)"))
    }

    @Test func conflictingKindsUnderOneNameAreAProblemNotAMixUp() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let (warehouse, _) = try Self.warehouse(days: 1)
        _ = try Notifier(warehouse: warehouse, options: Self.options(), logger: quietLogger)
            .run([try Self.destination(.slack, "ops", server.url("/ok/a"))])
        let report = try Notifier(warehouse: warehouse, options: Self.options(), logger: quietLogger)
            .run([try Self.destination(.webhook, "ops", server.url("/ok/b"))])
        #expect(!report.isComplete && report.problems.first?.reason.contains("knows 'ops' as a slack destination") == true)
        #expect(server.requests(to: "/ok/b").isEmpty)
    }

    @Test func aDryRunPostsNothingAndRecordsNothing() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let (warehouse, _) = try Self.warehouse()
        var options = Self.options()
        options.dryRun = true
        let before = try warehouse.db.query("SELECT count(*) FROM deliveries UNION ALL SELECT count(*) FROM destinations").map(\.values)
        let report = try Notifier(warehouse: warehouse, options: options, logger: quietLogger)
            .run([try Self.destination(.slack, "oncall", server.url("/ok/a")), try Self.destination(.webhook, "ops", server.url("/ok/b"))])
        #expect(server.requests.isEmpty)
        #expect(report.destinations.map { $0.messages.count } == [1, 1] && report.destinations[0].isNew)
        #expect(try warehouse.db.query("SELECT count(*) FROM deliveries UNION ALL SELECT count(*) FROM destinations").map(\.values) == before)
    }

    @Test func withdrawnAlertsAreNotSent() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let (warehouse, alerts) = try Self.warehouse()
        try AlertStore(db: warehouse.db).replace(detector: "seed", with: Array(alerts.dropLast()), now: "2025-04-01T00:00:00Z")
        let report = try Notifier(warehouse: warehouse, options: Self.options(), logger: quietLogger)
            .run([try Self.destination(.webhook, "ops", server.url("/ok/w"))])
        #expect(report.destinations[0].delivered == 5 && report.isComplete)
        #expect(!Self.webhookAlertIDs(server.requests).contains(alerts.last!.id))
    }

    @Test func incidentAlertsAreOneItemPerIncidentAndDayButDeliveredPerAlert() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let (warehouse, _) = try Self.warehouse(days: 2, perDay: 3, incident: true)
        let report = try Notifier(warehouse: warehouse, options: Self.options(), logger: quietLogger)
            .run([try Self.destination(.slack, "oncall", server.url("/ok/s")), try Self.destination(.webhook, "ops", server.url("/ok/w"))])
        #expect(report.isComplete && report.destinations.map(\.delivered) == [6, 6])
        let slack = try #require(server.requests(to: "/ok/s").first?.json)
        let sections = (slack["blocks"] as? [[String: Any]] ?? []).filter { $0["type"] as? String == "section" }
        #expect(sections.count == 2, "one item per incident and day")
        let webhook = try #require(server.requests(to: "/ok/w").first?.json)
        #expect((webhook["items"] as? [Any])?.count == 2 && (webhook["alerts"] as? [Any])?.count == 6)
    }

    @Test func signedWebhooksCarryAVerifiableSignature() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let (warehouse, _) = try Self.warehouse(days: 1)
        let key = try SigningKey(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        _ = try Notifier(warehouse: warehouse, options: Self.options(), logger: quietLogger)
            .run([try Self.destination(.webhook, "signed", server.url("/ok/signed"), key: key)])
        let request = try #require(server.requests.first)
        let id = try #require(request.headers["webhook-id"])
        let timestamp = try #require(request.headers["webhook-timestamp"].flatMap { Int($0) })
        #expect(abs(Double(timestamp) - Date().timeIntervalSince1970) < 60)
        #expect(request.headers["webhook-signature"] == key.signature(id: id, timestamp: timestamp, body: Array(request.body)))
    }

    @Test func aLargeWebhookRunIsSplitAndEveryPartDeliveredOnce() throws {
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let (warehouse, alerts) = try Self.warehouse(days: 10, perDay: 5)
        var options = Self.options()
        options.webhookMaxBytes = 3000
        let report = try Notifier(warehouse: warehouse, options: options, logger: quietLogger)
            .run([try Self.destination(.webhook, "ops", server.url("/ok/split"))])
        #expect(report.isComplete && report.destinations[0].posts > 1 && report.destinations[0].posts == server.requests.count)
        let sent = Self.webhookAlertIDs(server.requests)
        #expect(sent.count == alerts.count && Set(sent) == Set(alerts.map(\.id)))
    }
}

/// Destinations from the command line and from files.
@Suite struct DestinationListTests {
    @Test func namesURLsAndFiles() throws {
        let file = try writeTemporaryFile("slack", "# on-call channel\noncall=https://hooks.slack.com/services/T0/B0/AAA\n\nhttps://hooks.slack.com/services/T0/B0/BBB\n")
        var sources = DestinationSources()
        sources.slackFiles = [file]
        sources.webhookURLs = ["ops=https://example.com/hook?token=a=b", "https://example.com/hook2"]
        let (destinations, problems) = DestinationList.load(sources)
        #expect(problems.isEmpty)
        #expect(destinations.map(\.configuredName) == ["ops", nil, "oncall", nil])
        #expect(destinations.map(\.kind) == [.webhook, .webhook, .slack, .slack])
        #expect(destinations.first { $0.configuredName == "ops" }?.url.host == "example.com")
        #expect(destinations.contains { $0.origin == "--slack-file \(file) line 4" })
    }

    @Test func badEntriesBecomeProblemsThatNeverQuoteTheURL() throws {
        var sources = DestinationSources()
        sources.slackURLs = ["http://example.com/services/SECRET1", "a=https://hooks.slack.com/x", "a=https://hooks.slack.com/y"]
        sources.webhookFiles = ["/nonexistent/creds"]
        sources.webhookSecretFiles = ["nobody=/nonexistent/secret"]
        let (destinations, problems) = DestinationList.load(sources)
        #expect(destinations.count == 1)
        let text = problems.map(\.description).joined(separator: "\n")
        #expect(text.contains("plain http:// is refused for example.com"))
        #expect(text.contains("'a' (--slack #3): the name is already used by --slack #2"))
        #expect(text.contains("--webhook-file /nonexistent/creds): cannot read the file: no such file"))
        #expect(text.contains("no --webhook or --webhook-file destination has this name"))
        #expect(!text.contains("SECRET1") && !text.contains("services"))
    }

    @Test func aWebhookWhoseSecretCannotBeReadIsNotSentUnsigned() throws {
        let secret = try writeTemporaryFile("secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n")
        var sources = DestinationSources()
        sources.webhookURLs = ["signed=https://example.com/a", "other=https://example.com/b"]
        sources.webhookSecretFiles = ["signed=\(secret)", "/nonexistent/shared-secret"]
        let (destinations, problems) = DestinationList.load(sources)
        #expect(destinations.map(\.configuredName) == ["signed"] && destinations[0].signingKey != nil)
        #expect(problems.count == 1 && problems[0].name == "other")
    }
}
