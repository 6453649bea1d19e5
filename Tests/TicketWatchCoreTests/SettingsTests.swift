import Foundation
import Testing
@testable import TicketWatchCore

/// The resolver itself: the config file read through `SettingsTable`, the layers, and the mistakes it refuses.
@Suite struct SettingsTests {
    private func resolve(_ text: String, environment: [String: String] = [:],
                         options: [String: [String]] = [:]) throws -> Settings {
        try SettingsResolver(environment: environment).resolve(file: SettingsFile(text: text, path: "cfg.toml"),
                                                               options: options)
    }

    private func problem(_ text: String, environment: [String: String] = [:], options: [String: [String]] = [:]) -> String {
        do { _ = try resolve(text, environment: environment, options: options); return "no error" } catch { return "\(error)" }
    }

    /// The documented example must stay a valid configuration, and say what it claims.
    @Test func theExampleConfigResolves() throws {
        let path = TestPaths.repositoryRoot.appendingPathComponent("config.example.toml").path
        let settings = try SettingsResolver(environment: [:]).resolve(file: SettingsFile.load(path: path))
        #expect(settings.job.inbox == "/var/spool/ticketwatch/inbox")
        #expect(settings.detect.detector == "default")
        #expect(settings.destinations.map(\.name) == ["oncall"])
        #expect(settings.destinations.first?.credential == "slack-oncall")
        #expect(settings.detect.seedDetector == SeedDetector.Options())
        #expect(settings.detect.defaultDetector == DefaultDetectorOptions())
        #expect(settings.origin(of: "inbox") == .file && settings.origin(of: "detect.default.growth") == .builtIn)
    }

    @Test func everyLayerWinsOverTheOneBefore() throws {
        let text = "db = \"file.db\"\n[detect.default]\nfalse_discovery_rate = 0.01\ntag_weight = 0.5\n"
        let fileOnly = try resolve(text)
        #expect(fileOnly.warehouse.db == "file.db" && fileOnly.origin(of: "db") == .file)
        #expect(fileOnly.detect.defaultDetector.falseDiscoveryRate == 0.01)
        let environment = try resolve(text, environment: ["TICKETWATCH_DB": "env.db"])
        #expect(environment.warehouse.db == "env.db" && environment.origin(of: "db") == .environment)
        let option = try resolve(text, environment: ["TICKETWATCH_DB": "env.db"],
                                 options: ["db": ["option.db"], "fdr": ["0.02"]])
        #expect(option.warehouse.db == "option.db" && option.origin(of: "db") == .option)
        #expect(option.detect.defaultDetector.falseDiscoveryRate == 0.02)
        #expect(option.detect.defaultDetector.weights.tags == 0.5 && option.origin(of: "detect.default.tag_weight") == .file)
    }

    /// The sensitivity sets the rate and the floor together; either given itself wins, from any layer.
    @Test func sensitivitySetsRateAndFloorUnlessTheyAreGiven() throws {
        let low = try resolve("[detect.default]\nsensitivity = \"low\"\n")
        #expect(low.detect.defaultDetector.falseDiscoveryRate == Sensitivity.low.falseDiscoveryRate)
        #expect(low.detect.defaultDetector.practicalFloor == Sensitivity.low.practicalFloor)
        let rateGiven = try resolve("[detect.default]\nfalse_discovery_rate = 0.01\n", options: ["sensitivity": ["high"]])
        #expect(rateGiven.detect.defaultDetector.falseDiscoveryRate == 0.01)
        #expect(rateGiven.detect.defaultDetector.practicalFloor == Sensitivity.high.practicalFloor)
        #expect(problem("[detect.default]\nsensitivity = \"loud\"\n").contains("sensitivity"))
    }

    /// Holidays from the file's list and from a file of dates add up; a line that is not a date names its file
    /// and line.
    @Test func holidaysComeFromTheListAndAFileOfDates() throws {
        let file = try writeTemporaryFile("holidays", "# bank holidays\n2025-12-25\n2025-12-26  # boxing day\n\n")
        let settings = try resolve("[calendar]\nholidays = [\"2025-01-01\"]\nholidays_file = \"\(file)\"\n")
        #expect(settings.detect.defaultDetector.holidays == ["2025-01-01", "2025-12-25", "2025-12-26"])
        let bad = try writeTemporaryFile("holidays", "2025-12-25\n25/12/2025\n")
        #expect(problem("[calendar]\nholidays_file = \"\(bad)\"\n").contains("\(bad), line 2: '25/12/2025' is not a date"))
        #expect(problem("[calendar]\nholidays = [\"2025-13-01\"]\n").contains("'2025-13-01' is not a date"))
    }

    /// notify waits out an incident exactly as detect and run group it: one value, read once.
    @Test func notifyTakesTheDetectorsIncidentGapAndLateWindow() throws {
        let settings = try resolve("[detect.default]\nincident_gap_days = 4\nlate_days = 2\n[notify]\nbackfill = \"all\"\n")
        #expect(settings.detect.defaultDetector.incidentGapDays == 4)
        #expect(settings.notifyOptions.incidentGapDays == 4 && settings.notifyOptions.lateDays == 2)
        #expect(settings.notifyOptions.backfill == .all)
        let option = try resolve("[detect.default]\nincident_gap_days = 4\n", options: ["incident-gap-days": ["0"]])
        #expect(option.notifyOptions.incidentGapDays == 0 && option.detect.defaultDetector.incidentGapDays == 0)
    }

    @Test func theDeprecatedWeightReadsAloneAndIsRefusedWithItsReplacement() throws {
        let alone = try resolve("[detect.default]\nglobal_weight = 1.5\n")
        #expect(alone.detect.defaultDetector.weights.total == 1.5 && alone.detect.defaultDetector.weights.highRate == 1.5)
        #expect(alone.origin(of: "detect.default.high_rate_weight") == .file)
        #expect(problem("[detect.default]\nglobal_weight = 1.5\ntotal_weight = 3\n") == "cfg.toml: "
            + "detect.default.global_weight: deprecated, replaced by detect.default.total_weight, which is set too; keep only total_weight")
        #expect(problem("[detect.default]\nhigh_rate_weight = 1\nglobal_weight = 1.5\n")
            .contains("global_weight: deprecated, replaced by detect.default.high_rate_weight"))
    }

    @Test func mistakesNameTheFileAndTheKeyOrTheOption() throws {
        #expect(problem("inbox = 3") == "cfg.toml: inbox: expected a string in quotes")
        #expect(problem("timezone = \"Mars/Base\"").hasPrefix("cfg.toml: timezone: unknown time zone"))
        #expect(problem("[notify]\ntimeout = 0") == "cfg.toml: notify.timeout: must be more than 0 and at most 600 seconds")
        #expect(problem("[[destinations]]\nname = \"a\"\nkind = \"sms\"\ncredential = \"x\"")
            == "cfg.toml: destinations[1].kind: expected \"slack\" or \"webhook\"")
        #expect(problem("[[destinations]]\nname = \"a\"\nkind = \"slack\"") == "cfg.toml: destinations[1]: give exactly one of url_file or credential")
        #expect(problem("inbox = \"x\"\ninbox_dir = \"y\"").contains("cfg.toml: inbox_dir: unknown key"))
        #expect(problem("[detect.default]\nfalse_discovery_rte = 0.1").contains("cfg.toml: detect.default.false_discovery_rte: unknown key"))
        #expect(problem("detect = 3") == "cfg.toml: detect: expected a table ([detect])")
        #expect(problem("[detect.seed]\nwindow = 1.5") == "cfg.toml: detect.seed.window: expected a whole number")
        #expect(problem("[detect.default]\nspan_weight = 1") == "cfg.toml: detect.default: the span weight must be between 0 and 1")
        #expect(problem("[ingest.groups]\n42 = 7") == "cfg.toml: ingest.groups.42: expected a string in quotes")
        #expect(problem("this is not toml").hasPrefix("cfg.toml: not valid TOML at line 1"))
        #expect(problem("", options: ["fdr": ["lots"]]) == "--fdr lots: expected a number")
        #expect(problem("", environment: ["TICKETWATCH_DB": "x.db"], options: ["span-weight": ["1"]])
            == "the default detector's settings: the span weight must be between 0 and 1 (given: --span-weight)")
        #expect(problem("", options: ["detector": ["seed"], "fdr": ["0.1"]]).hasPrefix("--fdr applies to the default detector"))
        #expect(problem("", options: ["window": ["20"]]).hasPrefix("--window applies to the seed detector"))
    }

    /// Every option a command declares is a row of the table, and every row's option is on some command.
    @Test func everyOptionIsARowOfTheTable() throws {
        var offered = ""
        for command in ["ingest", "detect", "run", "notify"] {
            let help = try Binary.run([command, "--help"])
            #expect(help.status == 0)
            // Help wraps at the terminal's width: one space for any run of blanks and newlines.
            offered += help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ") + " "
        }
        for setting in SettingsTable.all {
            guard let option = setting.option else { continue }
            #expect(offered.contains("--\(option) "), "--\(option) (\(setting.key)) is offered by a command")
            #expect(offered.contains("config: \(setting.key)"), "\(setting.key)'s help comes from the table")
        }
    }

    @Test func configShowLeavesSecretsOut() throws {
        var settings = try resolve("[[destinations]]\nname = \"hooks\"\nkind = \"webhook\"\nurl_file = \"/etc/tw/url\"\n"
                                   + "secret_file = \"/etc/tw/whsec\"\n")
        settings.origins["db"] = .option
        let text = SettingsReport.text(settings)
        #expect(text.contains("destinations[1] = webhook \"hooks\" (URL from a file, signed; not shown)"))
        #expect(!text.contains("/etc/tw/url") && !text.contains("/etc/tw/whsec"))
        #expect(text.contains("\ndb = \"ticketwatch.db\"") && text.contains("# option\n"))
        // A value is the file's data: an escape sequence in it is shown, not acted on by the terminal.
        let odd = SettingsReport.text(try resolve("inbox = \"in\\u001B[2Jbox \\\"q\\\"\""))
        #expect(odd.contains("inbox = \"in\\u001B[2Jbox \\\"q\\\"\""))
    }
}
