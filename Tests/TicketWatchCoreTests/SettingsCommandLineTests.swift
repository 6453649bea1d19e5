import Foundation
import Testing
@testable import TicketWatchCore

/// One config file, read the same way by every command: the real binary, a real config file, real warehouses.
@Suite struct SettingsCommandLineTests {
    private func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tw-settings-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/inbox", withIntermediateDirectories: true)
        return dir
    }

    private func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Date, signal and level of each of the default detector's alerts.
    private func alerts(_ db: String) throws -> [String] {
        let csv = try Binary.run(["alerts", "--db", db, "--detector", "default", "--format", "csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        return csv.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").prefix(5).joined(separator: ",") }
    }

    /// The detect concern: `[detect.default]` reaches `detect` as it reaches `run` (the operator's report in #22:
    /// 60 alerts from run, 6 from detect), and `[detect.seed]` reaches `report`'s bands.
    @Test func theDetectSettingsReachDetectRunAndReport() throws {
        let dir = try scratch()
        try DemoDataGenerator().writeCSV(to: dir + "/inbox/tickets.csv")
        try write("[detect.default]\nfalse_discovery_rate = 0.3\n[detect.seed]\nqueue_threshold = 2.25\ntag_threshold = 2.25\n", to: dir + "/cfg.toml")

        let plain = dir + "/plain.db", detected = dir + "/detect.db", ran = dir + "/run.db"
        for db in [plain, detected] {
            #expect(try Binary.run(["ingest", "--db", db, dir + "/inbox/tickets.csv"]).status == 0)
        }
        #expect(try Binary.run(["detect", "--db", plain]).status == 0)
        let detect = try Binary.run(["detect", "--db", detected, "--config", dir + "/cfg.toml"])
        #expect(detect.status == 0, "\(detect.stderr)")
        let run = try Binary.run(["run", "--db", ran, "--config", dir + "/cfg.toml", "--inbox", dir + "/inbox",
                                  "--settle-seconds", "0", "--today", "2025-05-01"])
        #expect(run.status == 0, "\(run.stderr)")
        let byDefault = try alerts(plain), byDetect = try alerts(detected), byRun = try alerts(ran)
        #expect(byDetect.count > byDefault.count, "a false-discovery rate of 0.3 finds more than 0.006")
        #expect(byDetect == byRun)

        let report = try Binary.run(["report", "--db", ran, "--config", dir + "/cfg.toml", "--out", dir + "/report"])
        #expect(report.status == 0, "\(report.stderr)")
        let page = try String(contentsOfFile: dir + "/report/index.html", encoding: .utf8)
        #expect(page.contains("± 2.25 × std") && !page.contains("± 3.5 × std"))
    }

    /// The notify concern: `[notify] backfill` reaches `notify` and `run` alike (what a new destination gets).
    @Test func theNotifySettingsReachNotifyAndRun() throws {
        let dir = try scratch()
        try DemoDataGenerator().writeCSV(to: dir + "/inbox/tickets.csv")
        try write("[detect.default]\nfalse_discovery_rate = 0.3\n[notify]\nbackfill = 0\ntimeout = 1\nretry_for = 0\n",
                  to: dir + "/cfg.toml")
        // Nothing listens there: every send fails at once and stays pending, which is all this test needs.
        let hook = ["--webhook", "hooks=http://127.0.0.1:9/alerts"]
        let ran = dir + "/run.db"
        _ = try Binary.run(["run", "--db", ran, "--config", dir + "/cfg.toml", "--inbox", dir + "/inbox",
                            "--settle-seconds", "0", "--today", "2025-05-01"] + hook)
        let notified = dir + "/notify.db"
        #expect(try Binary.run(["ingest", "--db", notified, dir + "/inbox/tickets.csv"]).status == 0)
        #expect(try Binary.run(["detect", "--db", notified, "--config", dir + "/cfg.toml"]).status == 0)
        let dryRun = try Binary.run(["notify", "--db", notified, "--config", dir + "/cfg.toml", "--dry-run"] + hook)
        #expect(dryRun.stdout.contains("older alerts recorded as skipped") || dryRun.stdout.contains("older alert recorded"))
        _ = try Binary.run(["notify", "--db", notified, "--config", dir + "/cfg.toml"] + hook)
        for db in [ran, notified] {
            let warehouse = try makeWarehouse(path: db)
            let alerts = try warehouse.count("alerts", where: "detector = 'default'")
            #expect(alerts > 0)
            // backfill = 0: a new destination gets only alerts from now on; every earlier one is skipped.
            #expect(try warehouse.count("deliveries", where: "status = 'skipped'") == alerts, "\(db)")
        }
    }

    /// The ingest concern: a date format, by option or config file, is read by `ingest` and `run` alike for a
    /// generic file (issue #18 made it apply there; before, such a file was refused).
    @Test func aDateFormatAppliesToGenericFilesByOptionAndConfigFile() throws {
        let dir = try scratch()
        // 05/02 alone reads both ways: only the format says it is the 5th of February.
        try write("ticket_id,created_at,queue\n1,05/02/2025 13:32,Billing\n", to: dir + "/inbox/tickets.csv")
        let option = try Binary.run(["ingest", "--db", dir + "/a.db", "--date-format", "dd/MM/yyyy HH:mm",
                                     dir + "/inbox/tickets.csv"])
        #expect(option.status == 0, "\(option.stderr)")
        try write("[ingest]\ndate_format = \"MM/dd/yyyy HH:mm\"\n", to: dir + "/cfg.toml")
        let run = try Binary.run(["run", "--db", dir + "/b.db", "--config", dir + "/cfg.toml", "--inbox", dir + "/inbox",
                                  "--settle-seconds", "0"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try makeWarehouse(path: dir + "/a.db").db.scalar("SELECT day FROM tickets")?.string == "2025-02-05")
        #expect(try makeWarehouse(path: dir + "/b.db").db.scalar("SELECT day FROM tickets")?.string == "2025-05-02")
        let none = try Binary.run(["ingest", "--db", dir + "/c.db", dir + "/inbox/tickets.csv"])
        #expect(none.status == 1 && none.stderr.contains("read both ways"), "\(none.stderr)")
    }

    /// `detect` refuses what `run` refuses, with the same words: a config-file mistake names the file and key.
    @Test func detectFailsOnAConfigMistakeAsRunDoes() throws {
        let dir = try scratch()
        for (text, message) in [
            ("[detect.default]\nfalse_discovery_rte = 0.1\n", "detect.default.false_discovery_rte: unknown key"),
            ("[detect.default]\nglobal_weight = 2\ntotal_weight = 3\n",
             "detect.default.global_weight: deprecated, replaced by detect.default.total_weight"),
        ] {
            try write(text, to: dir + "/cfg.toml")
            let detect = try Binary.run(["detect", "--db", dir + "/tw.db", "--config", dir + "/cfg.toml"])
            let run = try Binary.run(["run", "--db", dir + "/tw.db", "--config", dir + "/cfg.toml", "--inbox", dir + "/inbox"])
            for result in [detect, run] {
                #expect(result.status == 1)
                #expect(result.stderr.hasPrefix("ticketwatch: error: \(dir)/cfg.toml: \(message)"))
            }
            #expect(detect.stderr == run.stderr)
        }
    }

    /// The config file's `db` is the warehouse of every command, not only of `run`.
    @Test func theConfiguredWarehouseIsEveryCommandsWarehouse() throws {
        let dir = try scratch()
        try write("db = \"\(dir)/configured.db\"\n", to: dir + "/cfg.toml")
        for arguments in [["detect"], ["notify", "--dry-run", "--webhook", "http://127.0.0.1:9/x"],
                          ["report", "--out", dir + "/report"], ["run", "--inbox", dir + "/inbox", "--settle-seconds", "0"]] {
            try? FileManager.default.removeItem(atPath: dir + "/configured.db")
            let result = try Binary.run(arguments + ["--config", dir + "/cfg.toml"], environment: ["TICKETWATCH_DB": ""])
            #expect(result.status == 0, "\(arguments[0]): \(result.stderr)")
            #expect(FileManager.default.fileExists(atPath: dir + "/configured.db"), "\(arguments[0]) used the configured db")
        }
    }

    /// The same settings print the same bytes in any process (no dictionary order anywhere), with their origins.
    @Test func configShowIsTheSameInTwentyProcesses() throws {
        let dir = try scratch()
        try write("""
            inbox = "\(dir)/inbox"
            [ingest.groups]
            3 = "Three"
            1 = "One"
            2 = "Two"
            [detect.default]
            global_weight = 1.5
            tag_weight = 0.5
            [[destinations]]
            name = "oncall"
            kind = "slack"
            credential = "slack-oncall"
            """, to: dir + "/cfg.toml")
        let runs = try (0..<20).map { _ in
            try Binary.run(["config", "show", "--config", dir + "/cfg.toml"], environment: ["TICKETWATCH_DB": "/tmp/env.db"])
        }
        #expect(runs.allSatisfy { $0.status == 0 && $0.stdout == runs[0].stdout }, "\(runs[0].stderr)")
        let lines = runs[0].stdout.split(separator: "\n").map(String.init)
        func line(_ key: String) -> String? { lines.first { $0.hasPrefix(key + " = ") } }
        #expect(line("db")?.hasSuffix("# environment") == true && line("db")?.contains("\"/tmp/env.db\"") == true)
        #expect(line("detect.default.total_weight")?.contains("= 1.5") == true)
        #expect(line("detect.default.high_rate_weight")?.hasSuffix("# file") == true)
        #expect(line("detect.default.tag_weight")?.contains("= 0.5") == true)
        #expect(line("detect.default.false_discovery_rate")?.hasSuffix("# default") == true)
        #expect(line("ingest.groups")?.contains("{ \"1\" = \"One\", \"2\" = \"Two\", \"3\" = \"Three\" }") == true)
        #expect(lines.contains { $0.hasPrefix("destinations[1] = slack \"oncall\" (URL from a systemd credential; not shown)") })
        #expect(!runs[0].stdout.contains("slack-oncall"))
        let option = try Binary.run(["config", "show", "--config", dir + "/cfg.toml", "--fdr", "0.01"])
        #expect(option.stdout.split(separator: "\n").contains {
            $0.hasPrefix("detect.default.false_discovery_rate = 0.01 ") && $0.hasSuffix("# option")
        })
    }
}
