import ArgumentParser
import Foundation
import TicketWatchCore

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the last runs, the newest day judged, pending deliveries and the warehouse's size.",
        discussion: """
        Lists each helpdesk source pulled into the warehouse: its last pull, the outcome, and how far it has got \
        (the latest update time stored). Exits 1 when the last run failed or was interrupted, or a source's last \
        pull failed, and 0 otherwise, so a monitoring check can call it as it is.
        """)

    @OptionGroup var warehouse: WarehouseOptions

    @Option(help: "How many of the latest runs to show.")
    var runs = 5

    func run() throws {
        try reportingErrors {
            let store = try warehouse.open(logger: warehouse.makeLogger())
            let db = store.db
            let rows = try db.query("""
                SELECT id, started_at, coalesce(ended_at, '-'), outcome, files_loaded, tickets_loaded, days_judged,
                       alerts_found, notifications_sent, notifications_failed, coalesce(error, '')
                FROM job_runs ORDER BY id DESC LIMIT ?
                """, [SQLValue(runs)])
            print("warehouse: \(store.path) (\(sizeText(store.path)))")
            let judged = try db.query("SELECT detector, max(day) FROM detector_days GROUP BY detector").map {
                "\($0[1].string ?? "-") (\($0[0].string ?? "?"))"
            }
            print("newest day judged: \(judged.isEmpty ? "none yet" : judged.joined(separator: ", "))")
            let newestData = try db.scalar("SELECT max(day) FROM daily_totals")?.string ?? "none"
            print("newest day with tickets: \(newestData)")
            let recount = try Aggregator(warehouse: store, logger: warehouse.makeLogger()).pendingDays()
            if recount > 0 { print("days waiting for a recount of their figures: \(recount) (ticketwatch aggregate)") }
            let pending = try db.query("""
                SELECT destination, count(*) FROM deliveries WHERE status = 'pending'
                GROUP BY destination ORDER BY destination
                """)
            print("pending deliveries: " + (pending.isEmpty ? "none" : pending.map { "\($0[1].int ?? 0) to \($0[0].string ?? "?")" }.joined(separator: ", ")))
            let sources = try SourceCursors.rows(db)
            for source in sources {
                if source.name == sources.first?.name { print("sources:") }
                let pages = "\(source.pages) page\(source.pages == 1 ? "" : "s")"
                print("  \(source.name) (\(source.kind)): last pull \(source.lastPullAt ?? "never finished") "
                      + "\(source.outcome ?? "-"), \(pages), \(source.tickets) new or updated; "
                      + "reached \(source.reached ?? "nothing yet")")
                if let error = source.error { print("      \(error)") }
            }
            let failedSources = sources.filter { $0.outcome == "failed" }.map(\.name)
            if rows.isEmpty {
                if !failedSources.isEmpty {
                    printError("the last pull of \(failedSources.joined(separator: ", ")) failed")
                    throw ExitCode.failure
                }
                print("runs: none yet (ticketwatch run has not been started on this warehouse)")
                return
            }
            print("last runs:")
            for r in rows {
                var line = "  #\(r[0].int ?? 0) \(r[3].string ?? "?")  started \(r[1].string ?? "")  ended \(r[2].string ?? "")"
                line += "  files \(r[4].int ?? 0), tickets \(r[5].int ?? 0), days \(r[6].int ?? 0), alerts \(r[7].int ?? 0), sent \(r[8].int ?? 0), failed \(r[9].int ?? 0)"
                print(line)
                if let error = r[10].string, !error.isEmpty { print("      \(error)") }
            }
            var last = rows[0][3].string ?? ""
            // A run still marked 'running' while nobody holds the job lock was killed; the next run will say so
            // in job_runs, but monitoring should hear it now.
            if last == "running", (try? JobLock(warehousePath: store.path)) != nil {
                last = "interrupted"
            }
            if !failedSources.isEmpty {
                printError("the last pull of \(failedSources.joined(separator: ", ")) failed")
                throw ExitCode.failure
            }
            if last == "failed" || last == "interrupted" {
                printError("the last run \(last == "failed" ? "failed" : "was interrupted (killed, or the machine stopped) and did not finish")")
                throw ExitCode.failure
            }
        }
    }

    private func sizeText(_ path: String) -> String {
        let bytes = ["", "-wal"].compactMap { try? FileManager.default.attributesOfItem(atPath: path + $0)[.size] as? Int }.reduce(0, +)
        return String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }
}
