import Foundation
import Testing
@testable import TicketWatchCore

/// `ticketwatch run`, the daily job, run as the systemd timer runs it: the real binary on a real inbox.
@Suite struct DailyJobTests {
    /// A generated stream (scripts/generate-tickets.py), split into one CSV per day: what a helpdesk export drops each morning.
    private func dailyFiles(seed: Int, days: Int, perDay: Int) throws -> (all: String, byDay: [(day: String, text: String)]) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tw-stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let csv = dir.appendingPathComponent("stream.csv").path
        try Generator.write(csv, truth: dir.appendingPathComponent("truth.json").path, [
            "--seed", "\(seed)", "--days", "\(days)", "--per-day", "\(perDay)", "--no-text", "--strength", "2",
        ])
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(whereSeparator: \.isNewline)
        let header = String(lines[0])
        var byDay: [(String, String)] = []
        for line in lines.dropFirst() {
            let day = String(line.split(separator: ",")[1].prefix(10))
            if byDay.last?.0 == day { byDay[byDay.count - 1].1 += line + "\n" } else { byDay.append((day, header + "\n" + line + "\n")) }
        }
        return (csv, byDay)
    }

    private func newInbox() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tw-inbox-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    private func alertsCSV(_ db: String) throws -> String {
        try Binary.run(["alerts", "--db", db, "--detector", "default", "--format", "csv"]).stdout
    }

    /// Every fifth day's export arrives a morning late, as happens: its day must still be judged, once it is in.
    /// The daily runs end with one batch run's findings and incidents. Their alerts are the batch run's, and one
    /// rule adds to them: an alert already stored (and maybe delivered) is kept while its finding holds, even
    /// when late tickets make its day part of an incident that began earlier, which one run would not alert again.
    @Test func dayByDayRunsEqualOneBatchRunEvenWithLateFiles() throws {
        let stream = try dailyFiles(seed: 31, days: 75, perDay: 60)
        let lastDay = try #require(CivilDate(stream.byDay.last!.day))

        let batchDB = TestPaths.temporaryWarehousePath(), batchInbox = try newInbox()
        try FileManager.default.copyItem(atPath: stream.all, toPath: batchInbox + "/all.csv")
        let batch = try Binary.run(["run", "--db", batchDB, "--inbox", batchInbox, "--settle-seconds", "0",
                                    "--today", lastDay.adding(days: 1).description])
        #expect(batch.status == 0, "\(batch.stderr)")

        let dailyDB = TestPaths.temporaryWarehousePath(), dailyInbox = try newInbox()
        var late: (day: String, text: String)?
        for (index, (day, text)) in stream.byDay.enumerated() {
            if let held = late {
                try held.text.write(toFile: "\(dailyInbox)/export-\(held.day).csv", atomically: true, encoding: .utf8)
                late = nil
            }
            if index % 5 == 3, index < stream.byDay.count - 1 {
                late = (day, text)
            } else {
                try text.write(toFile: "\(dailyInbox)/export-\(day).csv", atomically: true, encoding: .utf8)
            }
            let run = try Binary.run(["run", "--db", dailyDB, "--inbox", dailyInbox, "--settle-seconds", "0",
                                      "--today", CivilDate(day)!.adding(days: 1).description])
            #expect(run.status == 0, "\(day): \(run.stderr)")
        }
        let batchWarehouse = try makeWarehouse(path: batchDB), dailyWarehouse = try makeWarehouse(path: dailyDB)
        for table in ["SELECT day, signal, level, incident, value, excess, p, alerted FROM detector_findings",
                      "SELECT day, status, figures FROM detector_days"] {
            let rows = { (w: Warehouse) in try w.db.query(table + " ORDER BY 1, 2, 3").map(\.values) }
            #expect(try rows(dailyWarehouse) == rows(batchWarehouse), "\(table)")
        }
        let batchAlerts = try AlertStore(db: batchWarehouse.db).list(detector: "default")
        let dailyAlerts = try AlertStore(db: dailyWarehouse.db).list(detector: "default")
        #expect(batchAlerts.count > 3, "the stream should have alerts to compare")
        let batchIDs = Set(batchAlerts.map(\.id))
        #expect(dailyAlerts.filter { batchIDs.contains($0.id) } == batchAlerts)
        // Any other is a kept alert: its finding holds, in the alert's incident, and one run did not alert it.
        for kept in dailyAlerts where !batchIDs.contains(kept.id) {
            let finding = try dailyWarehouse.db.query("""
                SELECT incident, alerted FROM detector_findings WHERE day = ? AND signal = ? AND level = ?
                """, [.text(kept.date), .text(kept.signal), .text(kept.level)]).first?.values
            #expect(finding == [SQLValue(kept.incident), .integer(0)], "\(kept.date) \(kept.level)")
        }
        #expect(try alertsCSV(batchDB).split(separator: "\n").count == batchAlerts.count + 1, "the CSV lists them")
        // Every day-file run was recorded.
        #expect(try makeWarehouse(path: dailyDB).count("job_runs", where: "outcome = 'ok'") == stream.byDay.count)
    }

    @Test func aSecondRunWithNothingNewChangesNothing() throws {
        let db = TestPaths.temporaryWarehousePath(), inbox = try newInbox()
        try FileManager.default.copyItem(atPath: TestPaths.fixture("seed-parity/tickets.csv").path, toPath: inbox + "/t.csv")
        let first = try Binary.run(["run", "--db", db, "--inbox", inbox, "--settle-seconds", "0", "--today", "2025-06-01"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("23958 loaded"))
        let before = try makeWarehouse(path: db).dump().replacingOccurrences(of: #"job_runs:[\s\S]*?(?=\n[a-z_]+:\n|$)"#, with: "", options: .regularExpression)
        let second = try Binary.run(["run", "--db", db, "--inbox", inbox, "--settle-seconds", "0", "--today", "2025-06-01"])
        #expect(second.status == 0)
        #expect(second.stdout.contains("0 days, 0 new alerts"))
        let after = try makeWarehouse(path: db).dump().replacingOccurrences(of: #"job_runs:[\s\S]*?(?=\n[a-z_]+:\n|$)"#, with: "", options: .regularExpression)
        #expect(after == before)
        let status = try Binary.run(["status", "--db", db])
        #expect(status.status == 0)
        #expect(status.stdout.contains("#2 ok") && status.stdout.contains("newest day judged: 2025-05-30 (default)"))
    }

    @Test func unchangedInboxFilesAreNotReadAgainButRewritesAre() throws {
        let db = TestPaths.temporaryWarehousePath(), inbox = try newInbox()
        let path = inbox + "/a.csv"
        let arguments = ["run", "--db", db, "--inbox", inbox, "--settle-seconds", "0", "--today", "2025-01-02", "--verbose"]
        try "id,created_at\n1,2025-01-01\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try Binary.run(arguments).status == 0)
        let again = try Binary.run(arguments)
        #expect(again.stderr.contains("inbox file unchanged since it was loaded; not read again"))
        // Rewritten with the same size and modification time (as cp -p or rsync -t do): still noticed, and loaded.
        let replacement = inbox + "/.replacement"
        try "id,created_at\n2,2025-01-01\n".write(toFile: replacement, atomically: false, encoding: .utf8)
        #expect(try Binary.run(executable: "/usr/bin/touch", ["-r", path, replacement]).status == 0)  // to the nanosecond
        _ = rename(replacement, path)
        let rewritten = try Binary.run(arguments)
        #expect(rewritten.status == 0)
        #expect(!rewritten.stderr.contains("not read again"))
        #expect(try makeWarehouse(path: db).count("tickets") == 2)
    }

    @Test func filesStillBeingWrittenWait() throws {
        let db = TestPaths.temporaryWarehousePath(), inbox = try newInbox()
        try "id,created_at\n1,2025-01-01\n".write(toFile: inbox + "/fresh.csv", atomically: true, encoding: .utf8)
        try "id,created_at\n2,2025-01-01\n".write(toFile: inbox + "/big.csv.part", atomically: true, encoding: .utf8)
        let run = try Binary.run(["run", "--db", db, "--inbox", inbox, "--settle-seconds", "600"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("waiting (still being written): 2 files"))
        #expect(try makeWarehouse(path: db).count("tickets") == 0)
    }

    @Test func aSecondRunWhileOneWorksExitsAtOnce() throws {
        let db = TestPaths.temporaryWarehousePath(), inbox = try newInbox()
        let lock = try JobLock(warehousePath: db)  // a run in progress, as far as the OS is concerned
        let second = try Binary.run(["run", "--db", db, "--inbox", inbox])
        #expect(second.status == 75)
        #expect(second.stderr.contains("another ticketwatch run is already working on this warehouse"))
        #expect(second.stderr.contains("pid \(getpid())"))
        withExtendedLifetime(lock) {}
    }

    @Test func aRunKilledMidIngestIsCompletedByTheNext() throws {
        let db = TestPaths.temporaryWarehousePath(), inbox = try newInbox()
        var text = "ticket_id,created_at,queue,priority,tags\n"
        for i in 0..<250_000 { text += "K\(i),2025-03-\(String(format: "%02d", i % 28 + 1))T09:00:00Z,Q\(i % 9),low,a | b\n" }
        try text.write(toFile: inbox + "/big.csv", atomically: true, encoding: .utf8)
        let running = try Binary.spawn(["run", "--db", db, "--inbox", inbox, "--settle-seconds", "0", "--today", "2025-04-01"])
        // Kill it once the load is under way: the warehouse exists and the run is recorded, the file not committed.
        // Watched through a plain read-only connection: opening the warehouse asks for WAL, which waits for a
        // first load (written under a rollback journal) to end.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let runs: SQLValue? = try? Database(path: db, readOnly: true).scalar("SELECT count(*) FROM job_runs")
            if runs?.int == 1 { break }
            usleep(50_000)
        }
        usleep(300_000)
        kill(running.pid, SIGKILL)
        let killed = running.wait()
        #expect(killed.status == 128 + SIGKILL)
        // Monitoring hears of it before the next run: the run is still marked running, but nobody holds the lock.
        let status = try Binary.run(["status", "--db", db])
        #expect(status.status == 1)
        #expect(status.stderr.contains("was interrupted"))
        do {
            let warehouse = try makeWarehouse(path: db)
            #expect(try warehouse.db.scalar("PRAGMA integrity_check")?.string == "ok")
            #expect(try warehouse.count("tickets") == 0, "a file's load is one transaction")
            #expect(try warehouse.db.scalar("SELECT outcome FROM job_runs")?.string == "running")
        }
        let next = try Binary.run(["run", "--db", db, "--inbox", inbox, "--settle-seconds", "0", "--today", "2025-04-01"])
        #expect(next.status == 0, "\(next.stderr)")
        let warehouse = try makeWarehouse(path: db)
        #expect(try warehouse.count("tickets") == 250_000)
        #expect(try warehouse.db.query("SELECT outcome FROM job_runs ORDER BY id").map { $0[0].string! } == ["interrupted", "ok"])
        // The tickets end on 2025-03-28; on the morning of 2025-04-01 the days after them are judged empty up to
        // the grace of one morning (stale_after_days): through 2025-03-30.
        #expect(try warehouse.db.scalar("SELECT max(day) FROM detector_days")?.string == "2025-03-30")
    }

    @Test func aRunKilledMidNotifyIsCompletedByTheNextAndSendsNothingTwice() throws {
        let hanging = HangSwitch()
        let server = try TestHTTPServer.standard(hanging: hanging)
        defer { server.stop() }
        let db = TestPaths.temporaryWarehousePath(), inbox = try newInbox()
        try FileManager.default.copyItem(atPath: TestPaths.fixture("seed-parity/tickets.csv").path, toPath: inbox + "/t.csv")
        let urls = try writeTemporaryFile("hooks", "ops=\(server.url("/hang/ops"))\n")
        let arguments = ["run", "--db", db, "--inbox", inbox, "--settle-seconds", "0", "--today", "2025-06-01",
                         "--detector", "seed", "--webhook-file", urls, "--backfill", "all", "--timeout", "30"]
        // The receiver takes the post and never answers: kill the run while it waits.
        let running = try Binary.spawn(arguments)
        let deadline = Date().addingTimeInterval(60)
        while server.requests(to: "/hang/ops").isEmpty, Date() < deadline { usleep(50_000) }
        #expect(!server.requests(to: "/hang/ops").isEmpty, "the run never posted")
        kill(running.pid, SIGKILL)
        #expect(running.wait().status == 128 + SIGKILL)
        do {
            let warehouse = try makeWarehouse(path: db)
            #expect(try warehouse.db.scalar("PRAGMA integrity_check")?.string == "ok")
            #expect(try warehouse.count("deliveries", where: "status = 'pending'") == 17)
        }
        // The next run finds the outbox as it was and delivers every alert once.
        hanging.isOn = false
        let next = try Binary.run(arguments)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stdout.contains("webhook ops: 17 delivered, 0 pending, 0 refused"))
        let warehouse = try makeWarehouse(path: db)
        #expect(try warehouse.count("deliveries", where: "status = 'delivered'") == 17)
        #expect(try warehouse.db.query("SELECT outcome FROM job_runs ORDER BY id").map { $0[0].string! } == ["interrupted", "ok"])
        let third = try Binary.run(arguments)
        #expect(third.stdout.contains("webhook ops: 0 delivered"))
        #expect(server.requests(to: "/hang/ops").count == 2, "one post that hung, one that was answered; nothing after")
    }

    @Test func statusFailsWhenTheLastRunFailed() throws {
        let db = TestPaths.temporaryWarehousePath(), inbox = try newInbox()
        try "id,queue\n1,A\n".write(toFile: inbox + "/nodates.csv", atomically: true, encoding: .utf8)
        let run = try Binary.run(["run", "--db", db, "--inbox", inbox, "--settle-seconds", "0"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("nodates.csv: no date column"))
        let status = try Binary.run(["status", "--db", db])
        #expect(status.status == 1)
        #expect(status.stdout.contains("#1 failed") && status.stdout.contains("no date column"))
    }

    @Test func configFileSuppliesSettingsAndNamesItsMistakes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tw-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/inbox", withIntermediateDirectories: true)
        try "id,created_at\n1,2025-01-01\n".write(toFile: dir + "/inbox/a.csv", atomically: true, encoding: .utf8)
        let config = dir + "/config.toml"
        try """
            db = "\(dir)/tw.db"
            inbox = "\(dir)/inbox"
            timezone = "Europe/Berlin"
            settle_seconds = 0
            [detect]
            detector = "seed"
            [detect.seed]
            queue_threshold = 3.2
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let run = try Binary.run(["run", "--config", config])
        #expect(run.status == 0, "\(run.stderr)")
        let warehouse = try makeWarehouse(path: dir + "/tw.db")
        #expect(warehouse.timeZone.identifier == "Europe/Berlin")
        #expect(try warehouse.count("tickets") == 1)
        // TICKETWATCH_CONFIG works the same way, and the option wins over the environment.
        let viaEnvironment = try Binary.run(["status"], environment: ["TICKETWATCH_CONFIG": config])
        #expect(viaEnvironment.stdout.contains("warehouse: \(dir)/tw.db"))

        try "[detect.seed]\nqueue_treshold = 3\n".write(toFile: config, atomically: true, encoding: .utf8)
        let typo = try Binary.run(["run", "--config", config, "--inbox", dir + "/inbox", "--db", dir + "/tw.db"])
        #expect(typo.status != 0)
        #expect(typo.stderr.contains("\(config): detect.seed.queue_treshold: unknown"))
        try "[[destinations]]\nname = \"oncall\"\nkind = \"slack\"\nurl = \"https://hooks.example/x\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let inline = try Binary.run(["status", "--config", config, "--db", dir + "/tw.db"])
        #expect(inline.status != 0)
        #expect(inline.stderr.contains("destinations[1].url") && !inline.stderr.contains("hooks.example"))
    }

    @Test func systemdUnitsVerifyAndAreSandboxed() throws {
        let analyze = "/usr/bin/systemd-analyze"
        try #require(FileManager.default.isExecutableFile(atPath: analyze), "systemd-analyze is needed (apt-get install systemd)")
        let units = TestPaths.repositoryRoot.appendingPathComponent("systemd")
        let security = try Binary.run(executable: analyze, ["security", "--offline=yes", "--threshold=20", units.appendingPathComponent("ticketwatch.service").path])
        #expect(security.status == 0, "\(security.stdout.suffix(300))")
        let score = security.stdout.components(separatedBy: "Overall exposure level for ticketwatch.service: ").last?.split(separator: " ").first.flatMap { Double($0) }
        #expect((score ?? 10) <= 2.0)
        // verify needs the ExecStart binary to exist: check copies that point at the one just built.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tw-units-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let service = try String(contentsOf: units.appendingPathComponent("ticketwatch.service"), encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/ticketwatch", with: Binary.path)
        try service.write(toFile: dir + "/ticketwatch.service", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: units.appendingPathComponent("ticketwatch.timer").path, toPath: dir + "/ticketwatch.timer")
        let verify = try Binary.run(executable: analyze, ["verify", dir + "/ticketwatch.service", dir + "/ticketwatch.timer"])
        #expect(verify.status == 0)
        #expect(verify.stdout.isEmpty && verify.stderr.isEmpty, "\(verify.stderr)")
    }
}

@Suite struct ConfigExampleTests {
    /// The documented example must stay a valid configuration.
    @Test func credentialsComeFromTheSystemdDirectory() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tw-creds-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "https://hooks.slack.test/services/T/B/secret\n".write(toFile: dir + "/slack-oncall", atomically: true, encoding: .utf8)
        let entry = ConfiguredDestination(name: "oncall", kind: "slack", credential: "slack-oncall", origin: "cfg: destinations[1]")
        let (found, problems) = ConfiguredDestinations.resolve([entry], credentialsDirectory: dir)
        #expect(problems.isEmpty)
        #expect(found.first?.configuredName == "oncall")
        let (_, missing) = ConfiguredDestinations.resolve([entry], credentialsDirectory: nil)
        #expect(missing.first.map { "\($0)" }?.contains("$CREDENTIALS_DIRECTORY is not set") == true)
    }
}
