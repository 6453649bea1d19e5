import Foundation
import Testing
@testable import TicketWatchCore

/// `ticketwatch ingest` with the helpdesk sources, run as the real executable.
@Suite struct HelpdeskCommandLineTests {
    @Test func helpNamesTheSourcesAndShowsExamples() throws {
        let help = try Binary.run(["ingest", "--help"])
        #expect(help.status == 0)
        for option in ["--source", "--map-group", "--groups", "--date-format", "--queue-column", "zendesk", "freshdesk", "jira"] {
            #expect(help.stdout.contains(option), "ingest --help mentions \(option)")
        }
        #expect(help.stdout.contains("ticketwatch ingest --db tw.db --source zendesk --map-group"))
        #expect(try Binary.run(["run", "--help"]).stdout.contains("--high-priorities"))
    }

    @Test func detectsEachFilesSourceAndRecordsIt() throws {
        let db = TestPaths.temporaryWarehousePath()
        let result = try Binary.run([
            "ingest", "--db", db, "--groups", Samples.path("zendesk/groups.json"), "--map-group", "43000012345=Payments",
            Samples.path("zendesk/export-2025-11-28.json"), Samples.path("freshdesk/tickets.json"), Samples.path("jira/jsm-export.csv"),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("export-2025-11-28.json (zendesk): 6 loaded, 0 duplicates, 0 rejected"))
        #expect(result.stdout.contains("tickets.json (freshdesk): 5 loaded"))
        #expect(result.stdout.contains("jsm-export.csv (jira): 5 loaded"))
        let warehouse = try makeWarehouse(path: db)
        #expect(try warehouse.db.query("SELECT helpdesk FROM ingest_files ORDER BY id").map { $0[0].string! } == ["zendesk", "freshdesk", "jira"])
        #expect(try warehouse.db.scalar("SELECT queue FROM tickets WHERE ticket_id = '812'")?.string == "Payments")
        #expect(try warehouse.db.scalar("SELECT queue FROM tickets WHERE ticket_id = '4101'")?.string == "Billing")

        let update = try Binary.run(["ingest", "--db", db, Samples.path("zendesk/export-2025-11-29.jsonl")])
        #expect(update.stdout.contains("1 loaded, 1 duplicates, 0 rejected, 2 updated, 1 older versions not applied"), "\(update.stdout)")
    }

    @Test func aWrongSourceIsRefusedWithTheLikelyOne() throws {
        let db = TestPaths.temporaryWarehousePath()
        let result = try Binary.run(["ingest", "--db", db, "--source", "freshdesk", Samples.path("zendesk/export-2025-11-28.json")])
        #expect(result.status != 0)
        #expect(result.stderr.contains("does not look like a Freshdesk export but like a Zendesk export"), "\(result.stderr)")
        #expect(result.stderr.contains("Give --source zendesk"))
        #expect(try makeWarehouse(path: db).count("tickets") == 0)
    }

    @Test func theConfigFileSetsTheIngestSettings() throws {
        let db = TestPaths.temporaryWarehousePath()
        let config = try writeTemporaryFile("config.toml", """
            [ingest]
            date_format = "yyyy.MM.dd HH:mm"
            queue_column = "Component/s"
            groups_file = "\(Samples.path("freshdesk/groups.json"))"

            [ingest.groups]
            43000077777 = "Docs"

            """)
        let jira = try writeTemporaryFile("jira.csv", "Issue key,Created,Component/s,Priority\nSUP-1,2025.11.28 17:03,Network,High\n")
        let result = try Binary.run(["ingest", "--db", db, "--config", config, jira, Samples.path("freshdesk/tickets.json")])
        #expect(result.status == 0, "\(result.stderr)")
        let warehouse = try makeWarehouse(path: db)
        #expect(try warehouse.db.scalar("SELECT queue || ' ' || created_at FROM tickets WHERE ticket_id = 'SUP-1'")?.string == "Network 2025-11-28T17:03:00Z")
        #expect(try warehouse.db.scalar("SELECT queue FROM tickets WHERE ticket_id = '815'")?.string == "Docs")
        #expect(try warehouse.db.scalar("SELECT queue FROM tickets WHERE ticket_id = '812'")?.string == "Payments")

        let typo = try writeTemporaryFile("bad.toml", "[ingest]\nsource = \"zendsk\"\n")
        let refused = try Binary.run(["ingest", "--db", db, "--config", typo, jira])
        #expect(refused.status != 0 && refused.stderr.contains("ingest.source"))
    }
}

/// The daily job reads the inbox's helpdesk exports with the config file's [ingest] settings.
@Suite struct HelpdeskDailyJobTests {
    @Test func runLoadsZendeskExportsWithTheConfiguredGroupsAndAppliesUpdates() throws {
        let dir = URL(fileURLWithPath: TestPaths.temporaryWarehousePath()).deletingLastPathComponent()
        let inbox = dir.appendingPathComponent("inbox").path
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        let db = dir.appendingPathComponent("tw.db").path
        let config = try writeTemporaryFile("config.toml", "[ingest]\ngroups_file = \"\(Samples.path("zendesk/groups.json"))\"\n")
        let arguments = ["run", "--db", db, "--inbox", inbox, "--config", config, "--settle-seconds", "0",
                         "--today", "2025-11-30", "--high-priorities", "high,urgent"]

        try FileManager.default.copyItem(atPath: Samples.path("zendesk/export-2025-11-28.json"), toPath: inbox + "/export-2025-11-28.json")
        let first = try Binary.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("export-2025-11-28.json: 6 loaded"))

        try FileManager.default.copyItem(atPath: Samples.path("zendesk/export-2025-11-29.jsonl"), toPath: inbox + "/export-2025-11-29.jsonl")
        let second = try Binary.run(arguments)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("export-2025-11-29.jsonl: 1 loaded, 1 duplicates, 0 rejected, 2 updated, 1 older versions not applied"), "\(second.stdout)")

        let warehouse = try makeWarehouse(path: db)
        #expect(try warehouse.db.scalar("SELECT queue || ' ' || priority FROM tickets WHERE ticket_id = '4101'")?.string == "Billing urgent")
        #expect(try warehouse.count("dirty_days") == 0, "the run aggregated the updated days")
        #expect(try warehouse.db.scalar("SELECT tickets FROM daily_tags WHERE day = '2025-11-27' AND tag = 'chargeback'")?.int == 1)
    }
}
