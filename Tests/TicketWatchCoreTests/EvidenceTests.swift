import Foundation
import Testing
@testable import TicketWatchCore

@Suite struct EvidenceTests {
    /// 20 flat days (queue Sales, tag routine), then a day on which a queue and a tag named like markup surge, with
    /// subjects that try Slack mentions and HTML.
    static func surgeWarehouse() throws -> Warehouse {
        var csv = "ticket_id,created_at,queue,priority,tags,subject\n"
        var n = 0
        for day in 1...21 {
            let date = String(format: "2025-01-%02d", day)
            for i in 0..<6 {
                n += 1
                csv += "S\(n),\(date)T0\(i):00:00Z,Sales,low,routine,Quote request \(n)\n"
            }
            if day == 21 {
                for i in 0..<40 {
                    n += 1
                    csv += "B\(n),\(date)T1\(i % 10):\(String(format: "%02d", i)):00Z,<b>Billing</b>,high,<!channel> | refund,\"<@U123> *refund* `now` #\(i)\"\n"
                }
            }
        }
        let warehouse = try makeWarehouse()
        _ = try warehouse.ingest([try writeTemporaryFile("surge.csv", csv)])
        try Aggregator(warehouse: warehouse, logger: quietLogger).run()
        let alerts = try SeedDetector().detect(in: warehouse.db)
        try AlertStore(db: warehouse.db).replace(detector: SeedDetector.name, with: alerts, now: "2025-01-22T06:00:00Z")
        return warehouse
    }

    /// Every example is a real ticket of the alert's day at the alert's level: its queue, its tag, its high set.
    static func checkExamplesAreRealTickets(_ warehouse: Warehouse) throws -> Int {
        var checked = 0
        let evidence = try Evidence.load(try AlertStore(db: warehouse.db).list().map(\.id), in: warehouse.db)
        for alert in try AlertStore(db: warehouse.db).list() {
            let e = try #require(evidence[alert.id])
            #expect(e.examples.count == min(Evidence.maxExamples, e.tickets), "\(alert.level)")
            #expect(abs(e.observed - alert.value) <= 1e-12 * max(1, abs(alert.value)))
            for example in e.examples {
                let row = try #require(try warehouse.db.query(
                    "SELECT id, day, coalesce(queue, 'Unknown'), priority, subject FROM tickets WHERE ticket_id = ?",
                    [.text(example.ticketID)]).first, "\(example.ticketID) is not a ticket")
                #expect(row[1].string == alert.date)
                #expect(row[4].string == example.subject)
                if alert.level.hasPrefix("queue:") { #expect("queue:" + row[2].string! == alert.level) }
                if alert.level.hasPrefix("tag:") {
                    let tags = try warehouse.db.query("SELECT tag FROM ticket_tags WHERE ticket = ?", [row[0]]).compactMap { $0[0].string }
                    #expect(tags.contains(String(alert.level.dropFirst(4))), "\(example.ticketID) lacks \(alert.level)")
                }
                if alert.signal == "high_rate" {
                    let set = ReportBuilder.highSet(of: alert) ?? ["high"]
                    #expect(set.contains(row[3].string ?? ""))
                }
                checked += 1
            }
        }
        return checked
    }

    @Test func examplesAreRealTicketsOfThatDayAndLevel() throws {
        let warehouse = try Self.surgeWarehouse()
        #expect(try Self.checkExamplesAreRealTickets(warehouse) > 0)
    }

    /// Both detectors on the parity fixture: hundreds of tickets a day, queues, tags, high_rate.
    @Test func examplesAreRealTicketsOnTheParityFixture() throws {
        let warehouse = try makeWarehouse()
        _ = try warehouse.ingest([TestPaths.fixture("seed-parity/tickets.csv").path])
        try Aggregator(warehouse: warehouse, logger: quietLogger).run()
        try AlertStore(db: warehouse.db).replace(detector: SeedDetector.name, with: try SeedDetector().detect(in: warehouse.db), now: "t")
        try DefaultDetector().run(in: warehouse.db, now: "t")
        #expect(try Self.checkExamplesAreRealTickets(warehouse) > 100)
        #expect(try warehouse.count("alerts", where: "evidence IS NULL") == 0, "stored with every alert")
    }

    @Test func messagesAndTheReportShowEvidenceEscapedForEachMedium() throws {
        let warehouse = try Self.surgeWarehouse()
        let server = try TestHTTPServer.standard()
        defer { server.stop() }
        let destinations = [try NotifierTests.destination(.webhook, "hook", server.url("/ok/hook")),
                            try NotifierTests.destination(.slack, "chat", server.url("/ok/T/B/S"))]
        let report = try Notifier(warehouse: warehouse, options: NotifierTests.options(), logger: quietLogger).run(destinations)
        #expect(report.isComplete)
        let queueID = Alert.id(detector: "seed", date: "2025-01-21", signal: "queue_volume", level: "queue:<b>Billing</b>")

        // Webhook: the evidence as data, names and subjects verbatim (JSON escaping is the medium's own).
        let hook = try #require(server.requests(to: "/ok/hook").first?.json)
        let alert = try #require((hook["alerts"] as? [[String: Any]])?.first { $0["id"] as? String == queueID })
        let evidence = try #require(alert["evidence"] as? [String: Any])
        #expect(evidence["tickets"] as? Int == 40)
        let examples = try #require(evidence["examples"] as? [[String: Any]])
        #expect(examples.count == 5)
        #expect(examples.first?["subject"] as? String == "<@U123> *refund* `now` #0")
        #expect((evidence["common"] as? [[String: Any]])?.first?["name"] as? String == "<!channel>")

        // Slack: the same facts, with nothing that could ping or format.
        let slack = try #require(server.requests(to: "/ok/T/B/S").first)
        let text = slack.bodyText
        #expect(text.contains("_e.g._ `B"))
        #expect(text.contains(": `&lt;@U123&gt; *refund* ʹnowʹ #0`"), "verbatim in a code span, backticks made primes")
        #expect(text.contains("`&lt;!channel&gt;` 40"))
        #expect(!text.contains("<@U123>") && !text.contains("<!channel>") && !text.contains("<b>"))

        // Report: escaped HTML, examples listed, feedback shown.
        try FeedbackStore(db: warehouse.db).mark(queueID, Feedback(verdict: .noise, note: "<i>known</i>", markedAt: "t", markedBy: nil))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tw-report-\(UUID().uuidString)").path
        let written = try ReportWriter(warehouse: warehouse, options: ReportOptions(), logger: quietLogger).write(to: dir)
        let html = try String(contentsOfFile: written.pagePath, encoding: .utf8)
        #expect(html.contains("&lt;@U123&gt; *refund* `now` #0"))
        #expect(html.contains("mostly tag &lt;!channel&gt; (40)"))
        #expect(!html.contains("<b>Billing") && !html.contains("<@U123>"))
        #expect(html.contains("<td class=\"state\">noise: &lt;i&gt;known&lt;/i&gt;</td>"))
    }

    @Test func explainTellsAPersonWhyAndWhatHappenedSince() throws {
        let path = TestPaths.temporaryWarehousePath()
        let queueID: String
        do {
            let warehouse = try Self.surgeWarehouse()
            try warehouse.db.execute("VACUUM INTO '\(path)'")
            queueID = Alert.id(detector: "seed", date: "2025-01-21", signal: "queue_volume", level: "queue:<b>Billing</b>")
        }
        #expect(try Binary.run(["alerts", "mark", "--db", path, queueID, "--noise", "--note", "test\u{1b}[2J"]).status == 0)
        let explain = try Binary.run(["explain", "--db", path, String(queueID.prefix(10))])
        #expect(explain.status == 0, "\(explain.stderr)")
        let text = explain.stdout
        #expect(text.hasPrefix("alert \(queueID)\n  2025-01-21 · queue_volume · queue:<b>Billing</b> · detector seed\n"))
        #expect(text.contains("observed 40, expected"))
        #expect(text.contains("baseline: 14 days (2025-01-08..2025-01-21)"))
        #expect(text.contains("tickets of that day in queue:<b>Billing</b>: 40; for example:\n  B127  <@U123> *refund* `now` #0\n"))
        #expect(text.contains("most common tags among them: <!channel> (40), refund (40)"))
        #expect(text.contains("moved with it that day:"))
        #expect(text.contains("feedback: noise — test\\u{1b}[2J"), "control characters are shown, not sent to the terminal")
        #expect(text.contains("sent to: nobody yet"))

        let unknown = try Binary.run(["explain", "--db", path, "feedfacefeedface"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no alert with id 'feedfacefeedface'"))
        #expect(try Binary.run(["explain", "--help"]).stdout.contains("Example:\n  ticketwatch explain "))
    }

    /// A subject is whatever a customer typed; one pasted log must not swell every message and report.
    @Test func exampleSubjectsAreCutOnACharacterBoundary() throws {
        // 150 accented letters (two scalars each), then family emoji (five scalars each): 250 Characters.
        let long = String(repeating: "e\u{301}", count: 150) + String(repeating: "👩‍👩‍👧", count: 100)
        var csv = "ticket_id,created_at,queue,priority,tags,subject\n"
        var n = 0
        for day in 1...21 {
            let date = String(format: "2025-01-%02d", day)
            for i in 0..<6 { n += 1; csv += "S\(n),\(date)T0\(i):00:00Z,Sales,low,routine,Quote request \(n)\n" }
            if day == 21 {
                for i in 0..<40 { n += 1; csv += "B\(n),\(date)T1\(i % 10):\(String(format: "%02d", i)):00Z,Billing,high,refund,\(long)\n" }
            }
        }
        let warehouse = try makeWarehouse()
        _ = try warehouse.ingest([try writeTemporaryFile("long.csv", csv)])
        try Aggregator(warehouse: warehouse, logger: quietLogger).run()
        try AlertStore(db: warehouse.db).replace(detector: SeedDetector.name, with: try SeedDetector().detect(in: warehouse.db), now: "t")
        let alert = try #require(try AlertStore(db: warehouse.db).list().first { $0.level == "queue:Billing" })
        let evidence = try #require(try Evidence.load([alert.id], in: warehouse.db)[alert.id])
        let subjects = evidence.examples.compactMap(\.subject)
        #expect(subjects.count == Evidence.maxExamples)
        for subject in subjects {
            #expect(subject.count == 200 && subject.hasSuffix("…"))
            #expect(subject.dropLast() == long.prefix(199), "whole Characters only")
            #expect(subject.unicodeScalars.count == 150 * 2 + 49 * 5 + 1, "no emoji cut inside its joiners")
        }
        #expect(Evidence.shortened(subject: "Quote request 7") == "Quote request 7")
        #expect(Evidence.shortened(subject: String(repeating: "x", count: 200)).count == 200)
        #expect(!Evidence.shortened(subject: String(repeating: "x", count: 200)).hasSuffix("…"))
    }
}
