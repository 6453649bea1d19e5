import Foundation
import Testing
@testable import TicketWatchCore

/// The report page: its markers are the stored alerts, names are escaped, nothing is fetched from the network,
/// it stays small on a large warehouse, and a real browser draws it.
@Suite struct ReportTests {
    /// The shared fixture, loaded and judged by the seed detector.
    private func fixtureWarehouse() throws -> Warehouse {
        let warehouse = try makeWarehouse()
        _ = try warehouse.ingest([TestPaths.fixture("seed-parity/tickets.csv").path])
        try Aggregator(warehouse: warehouse, logger: quietLogger).run()
        try AlertStore(db: warehouse.db).replace(detector: SeedDetector.name, with: try SeedDetector().detect(in: warehouse.db), now: "2026-01-01T00:00:00Z")
        return warehouse
    }

    private func writeReport(_ warehouse: Warehouse, _ options: ReportOptions = ReportOptions()) throws -> (String, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tw-report-\(UUID().uuidString)").path
        let written = try ReportWriter(warehouse: warehouse, options: options, logger: quietLogger).write(to: dir)
        return (try String(contentsOfFile: written.pagePath, encoding: .utf8), dir)
    }

    /// Every `<circle class="alert-marker" …>` as (chart level, chart signal, date, signal, detector, id).
    private func markers(in html: String) -> [(level: String, date: String, signal: String, id: String)] {
        var found: [(String, String, String, String)] = []
        for chart in html.components(separatedBy: "<svg class=\"chart\"").dropFirst() {
            let level = attribute("data-level", in: chart) ?? "?"
            for circle in chart.components(separatedBy: "<circle class=\"alert-marker\"").dropFirst() {
                found.append((level, attribute("data-date", in: circle) ?? "?", attribute("data-signal", in: circle) ?? "?",
                              attribute("data-alert-id", in: circle) ?? "?"))
            }
        }
        return found
    }

    private func attribute(_ name: String, in text: String) -> String? {
        guard let start = text.range(of: "\(name)=\"") else { return nil }
        let rest = text[start.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    @Test func markersAreExactlyTheStoredAlerts() throws {
        let warehouse = try fixtureWarehouse()
        let (html, _) = try writeReport(warehouse)
        let stored = try AlertStore(db: warehouse.db).list()
        #expect(stored.count == 17)
        let marks = markers(in: html)
        // Each alert is marked once, on the plot of its own level, on its own day.
        #expect(marks.map(\.id).sorted() == stored.map(\.id).sorted())
        for alert in stored {
            let mark = marks.first { $0.id == alert.id }
            #expect(mark?.date == alert.date)
            #expect(mark?.signal == alert.signal)
            #expect(mark?.level == HTMLText.escape(alert.level))
        }
        // And the alert table links each alert to a plot that exists.
        for anchor in ["plot-total", "plot-high-rate", "plot-queue-1", "plot-tag-1"] {
            #expect(html.contains("<figure id=\"\(anchor)\">"))
        }
        #expect(html.contains("href=\"#plot-total\""))
    }

    @Test func eachHighRateMarkerSitsOnThePlotOfTheSetItMeasured() throws {
        let warehouse = try makeWarehouse()
        let csv = FileManager.default.temporaryDirectory.appendingPathComponent("tw-demo-\(UUID().uuidString).csv").path
        try DemoDataGenerator().writeCSV(to: csv)
        _ = try warehouse.ingest([csv])
        try Aggregator(warehouse: warehouse, logger: quietLogger).run()
        try DefaultDetector().run(in: warehouse.db, now: "2026-01-01T00:00:00Z")
        try AlertStore(db: warehouse.db).replace(detector: SeedDetector.name, with: try SeedDetector().detect(in: warehouse.db), now: "2026-01-01T00:00:00Z")
        let (html, _) = try writeReport(warehouse)
        let charts = html.components(separatedBy: "<svg class=\"chart\"").dropFirst()
        func chart(titled title: String) -> String? { charts.first { $0.contains(">\(title)</title>") } }
        let notebook = try #require(chart(titled: "Share of high-priority tickets (priority high)"))
        let configured = try #require(chart(titled: "Share of high-priority tickets (priority high or urgent)"))
        #expect(notebook.contains("data-detector=\"seed\"") && !notebook.contains("data-detector=\"default\""))
        #expect(configured.contains("data-detector=\"default\"") && !configured.contains("data-detector=\"seed\""))
        #expect(markers(in: html).count == (try AlertStore(db: warehouse.db).list().count))
    }

    @Test func periodOptionsLimitPlotsAndMarkers() throws {
        let warehouse = try fixtureWarehouse()
        let (html, dir) = try writeReport(warehouse, ReportOptions(since: CivilDate("2025-04-01")))
        let marks = markers(in: html)
        #expect(!marks.isEmpty)
        #expect(marks.allSatisfy { $0.date >= "2025-04-01" })
        #expect(html.contains("2025-04-01 to 2025-05-30"))
        let csv = try String(contentsOfFile: dir + "/alerts.csv", encoding: .utf8)
        #expect(csv.hasPrefix("date,signal,value,z,level,"))
        #expect(csv.split(separator: "\n").count == 1 + marks.count)

        let (lastWeek, _) = try writeReport(warehouse, ReportOptions(days: 7))
        #expect(lastWeek.contains("2025-05-24 to 2025-05-30"))
        let (seedOnly, _) = try writeReport(warehouse, ReportOptions(detector: "nobody"))
        #expect(markers(in: seedOnly).isEmpty)
    }

    @Test func namesFromTicketDataAreEscaped() throws {
        let warehouse = try makeWarehouse()
        let hostile = "<script>alert(1)</script>"
        var rows = ["ticket_id,created_at,queue,priority,tags"]
        for day in 1...28 {
            for n in 0..<(day == 20 ? 60 : 4) {
                rows.append("H\(day)-\(n),2025-02-\(day < 10 ? "0" : "")\(day),\"<b>Ops</b> & \"\"co\"\"\",high,\"\(hostile) | x'y\"")
            }
        }
        _ = try warehouse.ingest([try writeTemporaryFile("hostile.csv", rows.joined(separator: "\n") + "\n")])
        try Aggregator(warehouse: warehouse, logger: quietLogger).run()
        let alerts = try SeedDetector(options: .init(queueThreshold: 2, tagThreshold: 2)).detect(in: warehouse.db)
        try AlertStore(db: warehouse.db).replace(detector: SeedDetector.name, with: alerts, now: "2026-01-01T00:00:00Z")
        #expect(alerts.contains { $0.level == "tag:\(hostile)" })
        let (html, _) = try writeReport(warehouse)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b>Ops"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&lt;b&gt;Ops&lt;/b&gt; &amp; &quot;co&quot;"))
        #expect(html.contains("x&#39;y"))
    }

    @Test func thePageFetchesNothing() throws {
        let (html, _) = try writeReport(try fixtureWarehouse())
        #expect(html.range(of: "https?://", options: .regularExpression) == nil)
        #expect(html.range(of: "//[a-z0-9.-]+\\.[a-z]{2,}", options: [.regularExpression, .caseInsensitive]) == nil)
        for reference in ["<script", "<link", "<img", "<iframe", "@import", "url(", "src="] {
            #expect(!html.contains(reference), "page holds \(reference)")
        }
    }

    @Test func aYearWithHundredsOfAlertedTagsStaysSmall() throws {
        let warehouse = try makeWarehouse()
        let db = warehouse.db
        let start = CivilDate("2025-01-01")!
        try db.writeTransaction {
            let total = try db.prepare("INSERT INTO daily_totals VALUES (?, ?, ?, ?)")
            let tag = try db.prepare("INSERT INTO daily_tags VALUES (?, ?, ?)")
            for d in 0..<365 {
                let day = start.adding(days: d).description
                try total.run([.text(day), 2600, 600, .real(600.0 / 2600)])
                for t in 0..<400 { try tag.run([.text(day), .text("tag-\(t)"), SQLValue((t * 7 + d) % 40 + 1)]) }
            }
        }
        let alerts = (0..<400).map {
            Alert(detector: "seed", date: start.adding(days: ($0 * 13) % 365).description, signal: "tag_volume",
                  level: "tag:tag-\($0)", value: 40, z: 3.6, threshold: 3.5)
        }
        try AlertStore(db: db).replace(detector: "seed", with: alerts, now: "2026-01-01T00:00:00Z")
        let (html, _) = try writeReport(warehouse)
        #expect(html.utf8.count < 4 * 1024 * 1024, "page is \(html.utf8.count) bytes")
        #expect(html.contains("Not plotted, to keep the page small"))
        #expect(html.components(separatedBy: "<tr><td>tag_volume</td>").count - 1 == 400)  // every alert in the table
    }

    @Test func headlessChromiumDrawsThePlots() throws {
        let (html, dir) = try writeReport(try fixtureWarehouse())
        let page = dir + "/index.html", shot = dir + "/shot.png"
        let browser = try #require(["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                   "headless Chromium is needed (apt-get install chromium)")
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1400,2200"]
        let run = try Binary.run(executable: browser, flags + ["--screenshot=\(shot)", "file://\(page)"])
        #expect(run.status == 0, "\(run.stderr.suffix(500))")
        let stats = try Binary.run(executable: "/usr/bin/env", ["python3", TestPaths.repositoryRoot.appendingPathComponent("Tests/tools/png_ink.py").path, shot])
        let measured = try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Double]
        let ink = try #require(measured?["ink"]), blue = try #require(measured?["blue"]), red = try #require(measured?["red"])
        #expect(ink > 0.03, "screenshot is nearly blank")
        #expect(blue > 2_000, "no plotted lines visible")  // the series lines and band
        #expect(red > 20, "no alert markers visible")
        // The browser's own DOM holds one SVG per plot.
        let dom = try Binary.run(executable: browser, flags + ["--dump-dom", "file://\(page)"])
        let svgs = dom.stdout.components(separatedBy: "<svg class=\"chart\"").count - 1
        #expect(svgs == html.components(separatedBy: "<svg class=\"chart\"").count - 1)
        #expect(svgs >= 2 + 6 + 8)
    }
}
