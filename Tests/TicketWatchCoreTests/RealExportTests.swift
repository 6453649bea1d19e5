import Foundation
import Testing
@testable import TicketWatchCore

/// Exports as ITSM tools and spreadsheets write them (`Tests/Samples/itsm/`, synthetic values in the shape of an
/// HP Service Manager incident export): loaded with options only, run as the real executable.
@Suite struct RealExportTests {
    static let incidentOptions = [
        "--column", "ticket_id=Incident ID", "--column", "created_at=Open Time",
        "--column", "queue=Service Component (aff)", "--column", "subject=Note",
        "--null", "#N/B", "--null", "NULL", "--priority-map", "1=urgent,2=high,3=medium,4=low,5=low",
    ]

    @Test func aSemicolonDayFirstExportLoadsWithOptionsOnly() throws {
        let db = TestPaths.temporaryWarehousePath()
        let file = Samples.path("itsm/incidents-semicolon.csv")
        let result = try Binary.run(["ingest", "--db", db] + Self.incidentOptions
                                    + ["--date-format", "dd/MM/yyyy HH:mm:ss", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("7 loaded, 0 duplicates, 0 rejected, 3 empty rows skipped"), "\(result.stdout)")
        // The named columns the mapping left out are listed; the four unnamed trailing ones are not.
        #expect(result.stdout.contains("ignored columns: CI Type (aff), Category\n"), "\(result.stdout)")
        let warehouse = try makeWarehouse(path: db)
        #expect(try warehouse.count("ingest_rejects") == 0)
        // Day first: 13/01 is the 13th of January; 03/01 the 3rd of January, not the 1st of March.
        #expect(try warehouse.db.scalar("SELECT day FROM tickets WHERE ticket_id = 'IM0000104'")?.string == "2025-01-13")
        #expect(try warehouse.db.scalar("SELECT day FROM tickets WHERE ticket_id = 'IM0000101'")?.string == "2025-01-03")
        // The quoted ';' keeps its field whole.
        #expect(try warehouse.db.scalar("SELECT subject FROM tickets WHERE ticket_id = 'IM0000104'")?.string
                == "Printer; 2nd floor")
        // '#N/B' is missing: no queue, no subject.
        #expect(try warehouse.count("tickets", where: "queue IS NULL") == 2)
        #expect(try warehouse.count("tickets", where: "subject = '#N/B'") == 0)
        // Priorities 1-2 are the high set (urgent, high); '5 - Very Low' is read by its number.
        let priorities = try warehouse.db.query("SELECT ticket_id, priority FROM tickets ORDER BY ticket_id")
            .map { "\($0[0].string!)=\($0[1].string!)" }
        #expect(priorities == ["IM0000101=urgent", "IM0000102=high", "IM0000103=medium", "IM0000104=low",
                               "IM0000105=low", "IM0000106=low", "IM0000107=high"])
        #expect(try warehouse.db.scalar("SELECT priority FROM priority_names WHERE helpdesk = 'generic' AND raw = '1'")?.string
                == "urgent")
        #expect(try warehouse.db.scalar("SELECT origin FROM priority_names WHERE raw = '5 - Very Low'")?.string == "mapped")
    }

    @Test func dayFirstIsReadWithoutTheOptionWhenAValueDecides() throws {
        let db = TestPaths.temporaryWarehousePath()
        let result = try Binary.run(["ingest", "--db", db] + Self.incidentOptions
                                    + [Samples.path("itsm/incidents-semicolon.csv")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("7 loaded"), "\(result.stdout)")
        #expect(result.stdout.contains("dates read as dd/MM/yyyy HH:mm:ss"), "\(result.stdout)")
        let warehouse = try makeWarehouse(path: db)
        #expect(try warehouse.db.scalar("SELECT day FROM tickets WHERE ticket_id = 'IM0000101'")?.string == "2025-01-03")
        #expect(try warehouse.db.scalar("SELECT created_at FROM tickets WHERE ticket_id = 'IM0000106'")?.string
                == "2025-01-25T16:45:01Z")
    }

    @Test func ambiguousDayMonthDatesAreRefusedWithBothReadings() throws {
        let db = TestPaths.temporaryWarehousePath()
        let result = try Binary.run(["ingest", "--db", db, "--column", "ticket_id=Incident ID",
                                     "--column", "created_at=Open Time", Samples.path("itsm/dates-ambiguous.csv")])
        #expect(result.status != 0)
        #expect(result.stderr.contains("'03/01/2025 08:15:00' is 2025-01-03 day first or 2025-03-01 month first"),
                "\(result.stderr)")
        #expect(result.stderr.contains("--date-format 'dd/MM/yyyy HH:mm:ss' (day first)"))
        #expect(result.stderr.contains("--date-format 'MM/dd/yyyy HH:mm:ss' (month first)"))
        #expect(try makeWarehouse(path: db).count("tickets") == 0)

        let monthFirst = try Binary.run(["ingest", "--db", db, "--column", "ticket_id=Incident ID",
                                         "--column", "created_at=Open Time", "--date-format", "MM/dd/yyyy HH:mm:ss",
                                         Samples.path("itsm/dates-ambiguous.csv")])
        #expect(monthFirst.status == 0, "\(monthFirst.stderr)")
        #expect(try makeWarehouse(path: db).db.scalar("SELECT day FROM tickets WHERE ticket_id = 'IM3'")?.string
                == "2025-12-11")
    }

    @Test func anEventLogStoresEachTicketsNewestVersion() throws {
        let db = TestPaths.temporaryWarehousePath()
        let result = try Binary.run(["ingest", "--db", db, Samples.path("itsm/event-log.csv")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("2 rows were earlier versions of tickets in the file"), "\(result.stdout)")
        let warehouse = try makeWarehouse(path: db)
        #expect(try warehouse.count("tickets") == 2)
        let newest = try warehouse.db.query("SELECT queue, priority, updated_at FROM tickets WHERE ticket_id = 'T-1'")[0]
        #expect(newest[0].string == "Access" && newest[1].string == "urgent")
        #expect(newest[2].string == "2025-03-03T16:00:00Z")
    }

    @Test func tagColumnsAndTheirPrefix() throws {
        let db = TestPaths.temporaryWarehousePath()
        let result = try Binary.run(["ingest", "--db", db] + Self.incidentOptions + [
            "--tag-column", "Category", "--tag-column", "CI Type (aff)", "--tag-prefix",
            Samples.path("itsm/incidents-semicolon.csv"),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let warehouse = try makeWarehouse(path: db)
        let tags = try warehouse.db.query("SELECT tag FROM ticket_tags WHERE ticket_id = 'IM0000103' ORDER BY position")
            .map { $0[0].string! }
        #expect(tags == ["Category:request for information", "CI Type (aff):subapplication"])
        // '#N/B' is no tag.
        #expect(try warehouse.db.scalar("SELECT count(*) FROM ticket_tags WHERE tag LIKE '%#N/B%'")?.int == 0)
        #expect(try warehouse.db.scalar("SELECT count(*) FROM ticket_tags WHERE ticket_id = 'IM0000107'")?.int == 1)
    }

    @Test func jsonLinesTakeTheSameDialect() throws {
        let file = try writeTemporaryFile("export.jsonl", """
            {"id": "J1", "created_at": "02/03/2025 10:00", "priority": "1 - Critical", "queue": "NULL", "Category": "network"}
            {"id": "J2", "created_at": "25/03/2025 10:00", "priority": "4 - Low", "queue": "Desk", "Category": "NULL"}
            {"id": "NULL", "created_at": "26/03/2025 10:00", "priority": "4 - Low", "queue": "Desk"}

            """)
        let db = TestPaths.temporaryWarehousePath()
        let result = try Binary.run(["ingest", "--db", db, "--null", "NULL", "--priority-map", "1=urgent,4=low",
                                     "--tag-column", "Category", "--tag-prefix", file])
        #expect(result.stdout.contains("2 loaded, 0 duplicates, 1 rejected"), "\(result.stdout)")
        #expect(result.stdout.contains("dates read as dd/MM/yyyy HH:mm"), "\(result.stdout)")
        let warehouse = try makeWarehouse(path: db)
        let rows = try warehouse.db.query("SELECT ticket_id, day, priority, queue, tags FROM tickets ORDER BY ticket_id")
            .map { row in (0..<5).map { row[$0].string ?? "NULL" }.joined(separator: " ") }
        #expect(rows == ["J1 2025-03-02 urgent NULL [\"Category:network\"]", "J2 2025-03-25 low Desk NULL"])
        #expect(try warehouse.db.scalar("SELECT reason FROM ingest_rejects")?.string
                == "ticket_id is 'NULL', a missing-value marker (--null)")
    }

    @Test func aValueUnderAnUnnamedColumnIsRejectedAndADelimiterCanBeGiven() throws {
        let file = try writeTemporaryFile("pipes.csv", """
            id|created_at|queue||
            A|2025-01-02|Net||
            B|2025-01-02|Net|oops|
            C|2025-01-02|Net

            """)
        let db = TestPaths.temporaryWarehousePath()
        let result = try Binary.run(["ingest", "--db", db, file])
        #expect(result.stdout.contains("2 loaded, 0 duplicates, 1 rejected"), "\(result.stdout)")
        let reason = try makeWarehouse(path: db).db.scalar("SELECT reason FROM ingest_rejects")?.string ?? ""
        #expect(reason.contains("a value in column 4, which the header leaves unnamed"), "\(reason)")

        let forced = try Binary.run(["ingest", "--db", TestPaths.temporaryWarehousePath(), "--delimiter", ",", file])
        #expect(forced.status != 0)
        #expect(forced.stderr.contains("columns separated by ','; if another separator is used, give --delimiter"),
                "\(forced.stderr)")
    }

    @Test func theConfigFileCarriesTheDialect() throws {
        let config = try writeTemporaryFile("config.toml", """
            [ingest]
            delimiter = ";"
            nulls = ["#N/B"]
            date_format = "dd/MM/yyyy HH:mm:ss"
            tag_columns = ["Category"]

            [ingest.priorities]
            1 = "urgent"
            2 = "high"

            """)
        let db = TestPaths.temporaryWarehousePath()
        let result = try Binary.run(["ingest", "--db", db, "--config", config,
                                     "--column", "ticket_id=Incident ID", "--column", "created_at=Open Time",
                                     "--column", "queue=Service Component (aff)",
                                     Samples.path("itsm/incidents-semicolon.csv")])
        #expect(result.status == 0, "\(result.stderr)")
        let warehouse = try makeWarehouse(path: db)
        #expect(try warehouse.count("tickets", where: "priority IN ('urgent', 'high')") == 3)
        #expect(try warehouse.count("tickets", where: "queue IS NULL") == 2)
        #expect(try warehouse.db.scalar("SELECT count(*) FROM ticket_tags WHERE tag = 'incident'")?.int == 4)
    }
}

/// The pieces on their own: the delimiter sniffer, date patterns and the day/month inference.
@Suite struct ImportDialectTests {
    @Test func theDelimiterIsTheOneTheHeaderAndRowsAgreeOn() {
        func detect(_ text: String) -> UInt8 { DelimiterSniffer.detect(sample: Array(text.utf8)) }
        #expect(detect("id,created_at,tags\n1,2025-01-01,a | b\n") == UInt8(ascii: ","))
        #expect(detect("a;b;c\n1;\"x;y\";3\n") == UInt8(ascii: ";"))
        #expect(detect("a\tb\tc\n1\t2\t3\n") == 0x09)
        #expect(detect("a|b\n1|2\n") == UInt8(ascii: "|"))
        // A comma inside a header name does not outvote the separator the rows agree on.
        #expect(detect("Name, first;Name, last;Id\nA;B;1\nC;D;2\n") == UInt8(ascii: ";"))
    }

    @Test func datePatternsReadTheirTexts() throws {
        func read(_ pattern: String, _ text: String) throws -> String? {
            let compiled = try DatePattern(pattern)
            let arena = ByteArena(capacity: 32)
            var text = text
            guard text.withUTF8({ compiled.writeISO($0, to: arena) }) else { return nil }
            return String(decoding: arena.span(0, arena.count), as: UTF8.self)
        }
        #expect(try read("dd/MM/yyyy HH:mm:ss", "05/02/2012 13:32:57") == "2012-02-05T13:32:57")
        #expect(try read("d/M/yyyy H:mm", "5/2/2012 3:07") == "2012-02-05T03:07:00")
        #expect(try read("M/d/yyyy h:mm a", "2/5/2012 12:30 AM") == "2012-02-05T00:30:00")
        #expect(try read("M/d/yyyy h:mm a", "2/5/2012 1:30 pm") == "2012-02-05T13:30:00")
        #expect(try read("dd/MMM/yy h:mm a", "28/Nov/25 5:03 PM") == "2025-11-28T17:03:00")
        #expect(try read("dd/MM/yyyy HH:mm:ss", "31/02/2012 13:32:57") == nil)
        #expect(try read("dd/MM/yyyy", "05/02/2012 13:32") == nil)
        #expect(throws: IngestError.self) { try DatePattern("dd/MM/yyyy hh:mm") }
        #expect(throws: IngestError.self) { try DatePattern("HH:mm") }
    }

    @Test func theValuesDecideTheOrderOrNothingIsGuessed() {
        func verdict(_ values: [String]) -> DateOrderInference.Verdict {
            var inference = DateOrderInference()
            values.forEach { inference.add($0) }
            return inference.verdict
        }
        #expect(verdict(["01/02/2025 10:00", "13/02/2025 10:00"]) == .settled(pattern: "dd/MM/yyyy HH:mm"))
        #expect(verdict(["1/2/2025 9:00 PM", "2/13/2025 9:00 PM"]) == .settled(pattern: "M/d/yyyy h:mm a"))
        #expect(verdict(["01.02.25", "02.03.25"])
                == .ambiguous(example: "01.02.25", dayFirst: "dd.MM.yy", monthFirst: "MM.dd.yy"))
        #expect(verdict(["13/01/2025", "01/13/2025"])
                == .mixed(dayFirstExample: "13/01/2025", monthFirstExample: "01/13/2025"))
        #expect(verdict(["2025-01-02"]) == .notApplicable)
    }

    @Test func priorityMapsAreReadByNameThenByNumber() throws {
        let map = try ImportDialect.parsePriorityMap("1=urgent, 2 = high,3=medium")
        var vocabulary = PriorityVocabulary(source: .generic, map: map)
        #expect(vocabulary.normalize("1") == "urgent")
        #expect(vocabulary.normalize(" 2 - High ") == "high")
        #expect(vocabulary.normalize("3:Moderate") == "medium")
        #expect(vocabulary.normalize("12") == "12")
        #expect(vocabulary.normalize("1st line") == "1st line")
        #expect(throws: IngestError.self) { try ImportDialect.parsePriorityMap("1=urgent,1=low") }
        #expect(throws: IngestError.self) { try ImportDialect.parsePriorityMap("urgent") }
    }
}
