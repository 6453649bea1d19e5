import ArgumentParser
import Foundation
import TicketWatchCore

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole pipeline on built-in sample data, with no set-up.",
        discussion: """
        Generates four months of sample tickets (seeded: the same every time) with one incident, a login \
        outage on 2025-03-19, then ingests, aggregates and detects (default and seed detectors) into a fresh \
        warehouse in --dir, prints the alerts, writes the report page to --dir/report/index.html, and shows how \
        to query the warehouse with sqlite3.
        """)

    @Option(help: ArgumentHelp("Where the sample tickets and the demo warehouse go.", valueName: "dir"))
    var dir = "ticketwatch-demo"

    @Flag(name: .shortAndLong, help: "Log each step (to standard error).")
    var verbose = false

    func run() throws {
        try reportingErrors {
            var logger = WarehouseOptions.logger(verbose: verbose)
            logger[metadataKey: "command"] = "demo"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let csv = (dir as NSString).appendingPathComponent("sample-tickets.csv")
            let dbPath = (dir as NSString).appendingPathComponent("ticketwatch.db")
            // A fresh warehouse each time, so the demo shows the same result however often it runs.
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: dbPath + suffix) }

            let tickets = try DemoDataGenerator().writeCSV(to: csv)
            print("1. generated \(tickets) sample tickets: \(csv)")

            let store = try Warehouse(path: dbPath, logger: logger)
            let summaries = try Ingestor(warehouse: store, options: IngestOptions(), logger: logger).ingest([csv])
            print("2. ingest: \(summaries.map(\.loaded).reduce(0, +)) tickets loaded into \(dbPath)")

            try Aggregator(warehouse: store, logger: logger).run()
            let days = try store.db.scalar("SELECT count(*) FROM daily_totals")?.int ?? 0
            print("3. aggregate: \(days) days of daily figures (daily_totals, daily_queues, daily_tags)")

            let outcome = try DefaultDetector().run(in: store.db, now: Clock.nowUTC())
            let incidents = Set(outcome.alerts.compactMap(\.incident)).count
            print("4. detect (default): \(outcome.alerts.count) alerts in \(incidents) incident\(incidents == 1 ? "" : "s")\n")
            print(AlertFormatter.table(outcome.alerts), terminator: "")

            let alerts = try SeedDetector().detect(in: store.db)
            try AlertStore(db: store.db).replace(detector: SeedDetector.name, with: alerts, now: Clock.nowUTC())
            print("\n5. detect (seed, the notebook's detector, for comparison): \(alerts.count) alerts\n")
            print(AlertFormatter.table(alerts), terminator: "")

            let reportDir = (dir as NSString).appendingPathComponent("report")
            let page = try ReportWriter(warehouse: store, options: ReportOptions(), logger: logger).write(to: reportDir)
            print("\n6. report: \(page.pagePath) (open it in a browser) and \(page.csvPath)")

            let quoted = shellQuoted(dbPath)
            print("""

                Query the warehouse with plain SQL:
                  sqlite3 \(quoted) "SELECT date, signal, level, value, round(z, 2) FROM alerts ORDER BY date"
                  sqlite3 \(quoted) "SELECT day, tickets_total, tickets_high FROM daily_totals ORDER BY day DESC LIMIT 7"
                Or with ticketwatch:
                  ticketwatch alerts --db \(quoted) --format csv
                """)
        }
    }
}
