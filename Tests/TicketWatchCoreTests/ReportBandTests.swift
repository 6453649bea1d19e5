import Foundation
import Testing
@testable import TicketWatchCore

/// The report draws what the default detector expected (detector_expectations), not only the notebook's band:
/// on a generated stream with known surges and gaps, the drawn band on a surge day is the alert's expectation and
/// model spread and leaves the observed value out, and days the detector did not judge are drawn as such.
@Suite struct ReportBandTests {
    private struct Stream {
        let warehouse: Warehouse
        let incidents: [[String: Any]]
        let gapDays: [String]
    }

    /// scripts/generate-tickets.py: 150 days of ~60 tickets, volume and queue surges, two empty days.
    private func judgedStream() throws -> Stream {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tw-bands-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let csv = dir.appendingPathComponent("stream.csv").path, truth = dir.appendingPathComponent("truth.json").path
        try Generator.write(csv, truth: truth, [
            "--seed", "5", "--days", "150", "--per-day", "60", "--incidents", "8", "--gaps", "2", "--no-text",
            "--kinds", "volume,queue",
        ])
        let warehouse = try makeWarehouse()
        _ = try warehouse.ingest([csv])
        try Aggregator(warehouse: warehouse, logger: quietLogger).run()
        try DefaultDetector().run(in: warehouse.db, now: "2026-01-01T00:00:00Z")
        let truthText = try Data(contentsOf: URL(fileURLWithPath: truth))
        let object = try JSONSerialization.jsonObject(with: truthText) as? [String: Any]
        return Stream(warehouse: warehouse, incidents: object?["incidents"] as? [[String: Any]] ?? [],
                      gapDays: object?["gap_days"] as? [String] ?? [])
    }

    private func content(_ warehouse: Warehouse, _ options: ReportOptions = ReportOptions()) throws -> ReportContent {
        try #require(try ReportBuilder(db: warehouse.db, options: options).build())
    }

    private func detail(_ key: String, of alert: Alert) -> Double? {
        guard let data = alert.details?.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object[key] as? Double
    }

    @Test func theSurgeDaysBandIsTheAlertsExpectationAndLeavesTheValueOut() throws {
        let stream = try judgedStream()
        let alerts = try AlertStore(db: stream.warehouse.db).list(detector: DefaultDetector.name)
        let surgeDays = stream.incidents.filter { $0["kind"] as? String == "volume" }
            .compactMap { $0["start"] as? String }
        let surges = alerts.filter { $0.signal == "tickets_total" && surgeDays.contains($0.date) }
        try #require(!surges.isEmpty, "the generated volume surges (\(surgeDays)) should be alerted")
        let page = try content(stream.warehouse)
        let volume = try #require(page.global.first { $0.signal == "tickets_total" })
        #expect(volume.bandSource == .detector)
        for alert in surges {
            let i = try #require(volume.days.firstIndex { $0.description == alert.date })
            let band = try #require(volume.band[i], "no band drawn on \(alert.date)")
            let mean = try #require(alert.baselineMean), std = try #require(alert.baselineStd)
            let size = try #require(detail("nb_size", of: alert))
            #expect(abs((volume.expected[i] ?? -1) - mean) < 1e-9 * max(mean, 1), "expected value is not baseline_mean")
            // The upper edge is the negative binomial's 99.5 % point (widened a little for the spread's
            // uncertainty, never narrowed), so the mean ± spread of the alert.
            let plainTail = CountTests.negativeBinomialUpperTail(band.upper + 1, mean: mean, size: size)
            #expect(plainTail <= 0.005,
                    "upper edge \(band.upper) leaves \(plainTail) above it under NB(\(mean), \(size))")
            #expect(band.upper - mean > 2.3 * std && band.upper - mean < 3.6 * std,
                    "upper edge \(band.upper) is not about 2.6 σ above \(mean) (σ \(std))")
            #expect(band.lower < mean && mean - band.lower > 2 * std && mean - band.lower < 3.2 * std)
            #expect(alert.value > band.upper, "the observed \(alert.value) should be outside the band")
        }
        // A queue surge: its band is the share test's expectation for that day, and leaves the value out.
        let queueAlerts = alerts.filter { $0.signal == "queue_volume" }
        try #require(!queueAlerts.isEmpty)
        for alert in queueAlerts {
            let plot = try #require(page.queues.first { $0.level == alert.level })
            let i = try #require(plot.days.firstIndex { $0.description == alert.date })
            #expect(plot.bandSource == .detector)
            let band = try #require(plot.band[i])
            #expect(abs((plot.expected[i] ?? -1) - (alert.baselineMean ?? -2)) < 1e-9 * max(alert.value, 1))
            #expect(alert.value > band.upper && band.lower <= (alert.baselineMean ?? 0))
            // Followed around the alert: the judged days before it have a band too.
            #expect(plot.band[max(0, i - 5)..<i].contains { $0 != nil })
        }
        // The page draws the detector's band on the volume plot, the notebook's as thin lines, and says which.
        let html = HTMLPage(content: page, warehousePath: "w.db", generatedAt: "now").render()
        let volumeChart = try #require(html.components(separatedBy: "<svg class=\"chart\"").first {
            $0.contains("data-signal=\"tickets_total\"") && $0.contains("data-level=\"global\"")
        })
        #expect(volumeChart.contains("data-band=\"detector\""))
        #expect(volumeChart.contains("class=\"band-notebook\""))
        #expect(html.contains("expected by the default detector (central 99 %"))
    }

    @Test func daysNotJudgedAreDrawnAsSuch() throws {
        let stream = try judgedStream()
        try #require(stream.gapDays.count == 2)
        let page = try content(stream.warehouse)
        let volume = try #require(page.global.first { $0.signal == "tickets_total" })
        for gap in stream.gapDays {
            let i = try #require(volume.days.firstIndex { $0.description == gap })
            #expect(volume.notJudged[i] == "gap")
            #expect(volume.band[i] == nil)
        }
        // The first two weeks are warm-up: no band, marked as not judged.
        #expect(volume.notJudged[0] == "warmup" && volume.band[0] == nil)
        let statuses = Set(volume.notJudged.compactMap { $0 })
        #expect(statuses.isSubset(of: ["gap", "drop", "warmup", "quiet"]))
        let html = HTMLPage(content: page, warehousePath: "w.db", generatedAt: "now").render()
        for gap in stream.gapDays {
            #expect(html.contains("data-date=\"\(gap)\" data-status=\"gap\""))
        }
    }

    @Test func theSeedDetectorsPageDrawsTheNotebooksBand() throws {
        let stream = try judgedStream()
        let seedAlerts = try SeedDetector().detect(in: stream.warehouse.db)
        try AlertStore(db: stream.warehouse.db).replace(detector: SeedDetector.name, with: seedAlerts,
                                                        now: "2026-01-01T00:00:00Z")
        let page = try content(stream.warehouse, ReportOptions(detector: SeedDetector.name))
        #expect(page.allSeries.allSatisfy { $0.bandSource == .notebook && $0.notJudged.isEmpty })
        let html = HTMLPage(content: page, warehousePath: "w.db", generatedAt: "now").render()
        #expect(!html.contains("data-band=\"detector\"") && !html.contains("expected by the default detector"))
        #expect(html.contains("data-band=\"notebook\""))
    }

    @Test func anUnknownGlobalSignalIsDrawnOnTheVolumePlot() throws {
        let stream = try judgedStream()
        let day = stream.gapDays[0]
        let noData = Alert(detector: DefaultDetector.name, date: day, signal: "no_data", level: "global", value: 0,
                           z: 4, threshold: 3)
        try stream.warehouse.db.writeTransaction {
            _ = try AlertStore(db: stream.warehouse.db).upsertWithinTransaction(
                detector: DefaultDetector.name, days: [], alerts: [noData], now: "2026-01-01T00:00:00Z")
        }
        let page = try content(stream.warehouse)
        let volume = try #require(page.global.first { $0.signal == "tickets_total" })
        #expect(volume.alerts.contains { $0.id == noData.id })
        #expect(page.anchor(for: noData) == "plot-total")
    }

    @Test func theStoredExpectationsStaySmall() throws {
        let stream = try judgedStream()
        let db = stream.warehouse.db
        let judged = try #require(try db.scalar("SELECT count(*) FROM detector_days WHERE status = 'judged'")?.int)
        let rows = try #require(try db.scalar("SELECT count(*) FROM detector_expectations")?.int)
        let series = try #require(try db.scalar("SELECT count(DISTINCT queue) FROM daily_queues")?.int)
            + (try db.scalar("SELECT count(DISTINCT tag) FROM daily_tags")?.int ?? 0)
        // Two global rows a judged day, plus the alerted queues around their alerts: far from one per series.
        #expect(rows >= 2 * judged)
        #expect(rows < judged * 12, "\(rows) rows for \(judged) judged days")
        #expect(rows < judged * series / 4, "\(rows) rows: about one per series and day")
        // Every row is on a judged day, with its band around its expected value.
        #expect(try db.scalar("""
            SELECT count(*) FROM detector_expectations e LEFT JOIN detector_days d USING (detector, day)
            WHERE d.status IS NOT 'judged' OR NOT (lower <= expected AND expected <= upper)
            """)?.int == 0)
    }
}
