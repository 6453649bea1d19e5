import Foundation
import Testing
@testable import TicketWatchCore

/// The real executable, run as users and the systemd unit run it.
@Suite struct CommandLineTests {
    @Test func helpDocumentsEveryCommand() throws {
        let result = try Binary.run(["--help"])
        #expect(result.status == 0)
        for command in ["ingest", "aggregate", "detect", "alerts", "rejects", "demo"] {
            #expect(result.stdout.contains("  \(command)"), "help lists \(command)")
        }
        let ingest = try Binary.run(["ingest", "--help"])
        #expect(ingest.stdout.contains("--column") && ingest.stdout.contains("--timeline") && ingest.stdout.contains("TICKETWATCH_DB"))
    }

    @Test func pipelineFromTheCommandLine() throws {
        let db = TestPaths.temporaryWarehousePath()
        let fixture = TestPaths.fixture("seed-parity/tickets.csv").path
        let ingest = try Binary.run(["ingest", "--db", db, fixture])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(ingest.stdout.contains("23958 loaded, 0 duplicates, 0 rejected"))
        #expect(!ingest.stderr.contains("\r"), "no progress line when standard error is not a terminal")

        let again = try Binary.run(["ingest", "--db", db, fixture])
        #expect(again.stdout.contains("already loaded") && again.stdout.contains("nothing added"))

        // ingest added the new tickets to the daily figures; a recount of every day from the tickets agrees.
        #expect(try Binary.run(["aggregate", "--db", db]).stdout.contains("daily figures are up to date"))
        #expect(try Binary.run(["aggregate", "--db", db, "--rebuild"]).stdout.contains("148 days recounted"))
        let detect = try Binary.run(["detect", "--db", db, "--detector", "seed"])
        #expect(detect.status == 0)
        #expect(detect.stdout.contains("17 alerts — 17 new"))
        #expect(try Binary.run(["detect", "--db", db, "--detector", "seed"]).stdout.contains("0 new, 0 updated, 17 unchanged"))

        let csv = try Binary.run(["alerts", "--db", db, "--format", "csv"])
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("date,signal,value,z,level,") == true)
        #expect(lines.count == 18)
        #expect(lines.contains { $0.hasPrefix("2025-03-21,tag_volume,471.0,3.51890091136782") })

        let json = try Binary.run(["alerts", "--db", db, "--format", "json", "--signal", "high_rate"])
        let decoded = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(decoded?.count == 1)
        #expect(decoded?.first?["date"] as? String == "2025-03-31")

        let since = try Binary.run(["alerts", "--db", db, "--since", "2025-04-01"])
        #expect(since.stdout.contains("2025-04-28") && !since.stdout.contains("2025-03-31"))
    }

    @Test func progressLineOnATerminal() throws {
        // `script` gives the command a pseudo-terminal, as a person's shell would.
        let db = TestPaths.temporaryWarehousePath()
        let fixture = TestPaths.fixture("seed-parity/tickets.csv").path
        let run = try Binary.run(executable: "/usr/bin/script", ["-qec", "\(Binary.path) ingest --db \(db) \(fixture)", "/dev/null"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("rows/s"))
        #expect(run.stdout.contains("23958 loaded"))
    }

    @Test func dbDefaultsToTheEnvironment() throws {
        let db = TestPaths.temporaryWarehousePath()
        let file = try writeTemporaryFile("t.csv", "id,created_at\n1,2025-01-01\n")
        let result = try Binary.run(["ingest", file], environment: ["TICKETWATCH_DB": db])
        #expect(result.status == 0)
        #expect(FileManager.default.fileExists(atPath: db))
    }

    @Test func rejectsAreReportedWithTheCommandToSeeThem() throws {
        let db = TestPaths.temporaryWarehousePath()
        let file = try writeTemporaryFile("bad.csv", "id,created_at\n1,2025-01-01\n2,yesterday\n3,2025-01-02,extra\n")
        let result = try Binary.run(["ingest", "--db", db, file])
        #expect(result.status == 0)
        #expect(result.stdout.contains("1 loaded, 0 duplicates, 2 rejected"))
        #expect(result.stdout.contains("ticketwatch rejects --db"))
        let rejects = try Binary.run(["rejects", "--db", db, "--source", file])
        #expect(rejects.stdout.contains("\(file):3: unparseable created_at 'yesterday'"))
        #expect(rejects.stdout.contains("\(file):4: expected 2 fields"))
    }

    /// Header names and rejected rows are the file's data: ESC and C1 sequences (U+009B is a CSI on its own) and
    /// bidi overrides in them reach the terminal only as `\u{…}` text.
    @Test func controlSequencesInAFileAreShownNotSentToTheTerminal() throws {
        let db = TestPaths.temporaryWarehousePath()
        let esc = "\u{1b}[2J", csi = "\u{9b}31m", bidi = "\u{202e}gpj.exe\u{2066}"
        let file = try writeTemporaryFile("ctl.csv", "id,created_at,note\(esc),x\(csi)\(bidi)\n"
            + "1,2025-01-01,a,b\n2,bad\(esc)\(csi)\(bidi),a,b\n")
        let ingest = try Binary.run(["ingest", "--db", db, file])
        let rejects = try Binary.run(["rejects", "--db", db])
        let noDate = try writeTemporaryFile("nodate.csv", "id,when\(esc)\(csi)\(bidi)\n1,2025-01-01\n")
        let refused = try Binary.run(["ingest", "--db", db, noDate])
        let mapped = try Binary.run(["ingest", "--db", db, "--column", "queue=q\(csi)", noDate])
        #expect(ingest.status == 0 && rejects.status == 0, "\(ingest.stderr)\(rejects.stderr)")
        #expect(refused.status != 0 && mapped.status != 0)
        #expect(ingest.stdout.contains("ignored columns: note\\u{1b}[2J, x\\u{9b}31m\\u{202e}gpj.exe\\u{2066}"))
        #expect(rejects.stdout.contains("unparseable created_at 'bad\\u{1b}[2J\\u{9b}31m\\u{202e}gpj.exe\\u{2066}'"))
        #expect(rejects.stdout.contains("    2,bad\\u{1b}[2J\\u{9b}31m\\u{202e}gpj.exe\\u{2066},a,b"))
        #expect(refused.stderr.contains("no date column among [id, when\\u{1b}[2J\\u{9b}31m\\u{202e}gpj.exe\\u{2066}]"))
        #expect(mapped.stderr.contains("q\\u{9b}"), "\(mapped.stderr)")
        for output in [ingest.stdout, ingest.stderr, rejects.stdout, refused.stderr, mapped.stderr] {
            let raw = output.unicodeScalars.filter { AlertFormatter.isUnprintable($0) && $0 != "\n" }
            #expect(raw.isEmpty, "raw control characters reached the terminal: \(raw.map { String($0.value, radix: 16) })")
        }
    }

    @Test func standardInputIsRecordedAsDash() throws {
        let db = TestPaths.temporaryWarehousePath()
        let jsonl = #"{"id": "s1", "created_at": "2025-01-05T10:00:00Z", "tags": ["x"]}"# + "\n" + "{broken\n"
        let result = try Binary.run(["ingest", "--db", db, "--format", "jsonl", "-"], stdin: Data(jsonl.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("-: 1 loaded, 0 duplicates, 1 rejected"))
        let warehouse = try makeWarehouse(path: db)
        #expect(try warehouse.db.scalar("SELECT source || ':' || line FROM ingest_rejects")?.string == "-:2")
        #expect(try warehouse.db.scalar("SELECT source FROM ingest_files")?.string == "-")
    }

    @Test func aMissingFileIsAClearErrorAndLeavesTheWarehouseUntouched() throws {
        let db = TestPaths.temporaryWarehousePath()
        let good = try writeTemporaryFile("good.csv", "id,created_at\n1,2025-01-01\n")
        let result = try Binary.run(["ingest", "--db", db, good, "/no/such/tickets.csv"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("/no/such/tickets.csv: no such file"))
        #expect(try makeWarehouse(path: db).count("tickets") == 0)

        let noDates = try writeTemporaryFile("nodates.csv", "id,queue\n1,A\n")
        let header = try Binary.run(["ingest", "--db", db, noDates])
        #expect(header.status != 0)
        #expect(header.stderr.contains("nodates.csv: no date column"))
    }

    /// `ingest` alone leaves the daily tables agreeing with the tickets: a day that already had figures (a late
    /// file, an updated ticket) is recounted before it returns.
    @Test func ingestLeavesTheDailyFiguresCurrentAfterAnUpdate() throws {
        let db = TestPaths.temporaryWarehousePath()
        let first = try writeTemporaryFile("a.csv", "id,created_at,priority\n1,2025-03-01,low\n2,2025-03-01,low\n")
        let second = try writeTemporaryFile("b.csv", "id,created_at,priority\n2,2025-03-01,high\n3,2025-03-01,high\n")
        #expect(try Binary.run(["ingest", "--db", db, first]).status == 0)
        let again = try Binary.run(["ingest", "--db", db, second])
        #expect(again.stdout.contains("1 loaded, 0 duplicates, 0 rejected, 1 updated"), "\(again.stdout)")
        #expect(again.stdout.contains("daily figures recounted for 1 day that already had some"))
        let totals = try makeWarehouse(path: db).db.query("SELECT tickets_total, tickets_high FROM daily_totals")
        #expect(totals.map(\.values) == [[.integer(3), .integer(2)]])
    }

    @Test func twoIngestsAtOnceBothCompleteAndStoreEachTicketOnce() throws {
        let db = TestPaths.temporaryWarehousePath()
        _ = try makeWarehouse(path: db)
        // Two exports that overlap by half: ids 0..<30000 and 15000..<45000.
        func export(_ range: Range<Int>, _ name: String) throws -> String {
            let rows = range.map { "C\($0),2025-01-\(String(format: "%02d", $0 % 28 + 1))T08:00:00Z,Q\($0 % 5),low,a | b" }
            return try writeTemporaryFile(name, "ticket_id,created_at,queue,priority,tags\n" + rows.joined(separator: "\n") + "\n")
        }
        let first = try export(0..<30_000, "first.csv"), second = try export(15_000..<45_000, "second.csv")
        let a = try Binary.spawn(["ingest", "--db", db, first])
        let b = try Binary.spawn(["ingest", "--db", db, second])
        let (ra, rb) = (a.wait(), b.wait())
        #expect(ra.status == 0, "\(ra.stderr)")
        #expect(rb.status == 0, "\(rb.stderr)")
        let warehouse = try makeWarehouse(path: db)
        #expect(try warehouse.count("tickets") == 45_000)
        #expect(try warehouse.count("ticket_tags") == 90_000)
        #expect(try warehouse.db.scalar("SELECT sum(rows_loaded) + sum(rows_duplicate) FROM ingest_files")?.int == 60_000)
        #expect(try warehouse.db.scalar("PRAGMA integrity_check")?.string == "ok")
    }

    @Test func demoRunsOnBuiltInDataAndFindsItsIncident() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tw-demo-\(UUID().uuidString)").path
        let result = try Binary.run(["demo", "--dir", dir])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("2025-03-19  queue_volume   queue:IT Support"))
        #expect(result.stdout.contains("sqlite3 "))
        #expect(FileManager.default.fileExists(atPath: dir + "/report/index.html"))
        // Run twice: the same result, from a fresh warehouse.
        let again = try Binary.run(["demo", "--dir", dir])
        #expect(again.stdout == result.stdout)
    }
}
