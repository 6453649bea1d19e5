import Foundation
import Testing
@testable import TicketWatchCore

/// A file with the faults of real exports, one per line, with a BOM and CRLF line ends throughout.
private func faultyExport() -> Data {
    let lines = [
        "ticket_id,created_at,queue,priority,tags,subject",                                      // 1 header
        "A1,2025-01-01T10:00:00Z,Billing,high,refund | login,\"Hello, world\"",                 // 2 ok
        "A2,2025-01-01T11:00:00Z,\"<b>x</b> & <!here>\",High ,\"<script>alert(1)</script> | a \"\"quoted\"\" tag\",m", // 3 ok
        "A3,not-a-date,Billing,low,,x",                                                          // 4 bad date
        "A4,2025-01-02,Billing,low",                                                             // 5 field count
        ",2025-01-02,Billing,low,,x",                                                            // 6 no id
        "A5,,Billing,low,,x",                                                                    // 7 no date
        "A6,2025-01-02T09:00:00+02:00,Tech,medium,bug,\"line one",                              // 8 ok, spans 2 lines
        "line two\"",                                                                            // 9
        "A7,2025-01-02,Tech,medium,bug,BAD",                                                     // 10 invalid UTF-8
        "A1,2025-01-01T10:00:00Z,Billing,high,refund | login,\"Hello, world\"",                 // 11 duplicate
        "A8,2025-01-03,Tech,low,\"bug | bug\",x",                                                // 12 ok, tag twice
        "A9,2025-01-03,Tech,\"unterminated,x",                                                   // 13 unterminated quote
        "A10,2025-01-03,Tech,low,ok,fine",                                                       // 14 ok
    ]
    var data = Data([0xef, 0xbb, 0xbf])
    for line in lines {
        var bytes = Array(line.utf8)
        if line.hasSuffix(",BAD") { bytes = Array(bytes.dropLast(3)) + [0xff, 0xfe, 0x41] }
        data.append(contentsOf: bytes)
        data.append(contentsOf: [0x0d, 0x0a])
    }
    return data
}

@Suite struct IngestTests {
    @Test func faultyExportLoadsGoodRowsAndRecordsEveryBadOne() throws {
        let warehouse = try makeWarehouse()
        let path = try writeTemporaryFile("export.csv", faultyExport())
        let summary = try #require(try warehouse.ingest([path]).first)
        #expect(summary.loaded == 5)
        #expect(summary.duplicates == 1)
        #expect(summary.rejected == 6)

        let rejects = try warehouse.db.query("SELECT line, reason, source FROM ingest_rejects ORDER BY line")
        #expect(rejects.map { $0[0].int! } == [4, 5, 6, 7, 10, 13])
        let reasons = rejects.map { $0[1].string! }
        #expect(reasons[0].contains("unparseable created_at"))
        #expect(reasons[1].contains("expected 6 fields") && reasons[1].contains("found 4"))
        #expect(reasons[2].contains("ticket_id"))
        #expect(reasons[3].contains("created_at"))
        #expect(reasons[4].contains("invalid UTF-8"))
        #expect(reasons[5].contains("unterminated"))
        #expect(rejects.allSatisfy { $0[2].string == path })

        let ids = try warehouse.db.query("SELECT ticket_id FROM tickets ORDER BY id").map { $0[0].string! }
        #expect(ids == ["A1", "A2", "A6", "A8", "A10"])
        // Hostile names are stored verbatim; escaping is the job of each output.
        #expect(try warehouse.db.scalar("SELECT queue FROM tickets WHERE ticket_id = 'A2'")?.string == "<b>x</b> & <!here>")
        #expect(try warehouse.db.scalar("SELECT priority FROM tickets WHERE ticket_id = 'A2'")?.string == "high")
        #expect(try warehouse.db.scalar("SELECT priority_raw FROM tickets WHERE ticket_id = 'A2'")?.string == "High ")
        let a2Tags = try warehouse.db.query("SELECT tag FROM ticket_tags WHERE ticket_id = 'A2' ORDER BY position").map { $0[0].string! }
        #expect(a2Tags == ["<script>alert(1)</script>", "a \"quoted\" tag"])
        #expect(try warehouse.count("ticket_tags", where: "ticket_id = 'A8' AND tag = 'bug'") == 2)
        // The offset is converted before the day is taken; the quoted newline (CRLF) is kept.
        let a6 = try #require(try warehouse.db.query("SELECT created_at, day, subject, line FROM tickets WHERE ticket_id = 'A6'").first)
        #expect(a6[0].string == "2025-01-02T07:00:00Z")
        #expect(a6[1].string == "2025-01-02")
        #expect(a6[2].string == "line one\r\nline two")
        #expect(a6[3].int == 8)
        #expect(try warehouse.db.scalar("PRAGMA integrity_check")?.string == "ok")
        #expect(try warehouse.db.scalar("PRAGMA foreign_key_check") == nil)
    }

    @Test func loadingTheSameContentAgainAddsNothing() throws {
        let warehouse = try makeWarehouse()
        let path = try writeTemporaryFile("export.csv", faultyExport())
        _ = try warehouse.ingest([path])
        let before = try warehouse.dump()
        let again = try #require(try warehouse.ingest([path]).first)
        #expect(again.alreadyLoadedAs == path)
        #expect(again.loaded == 0)
        // A renamed copy is the same content.
        let copy = try writeTemporaryFile("renamed.csv", faultyExport())
        #expect(try warehouse.ingest([copy]).first?.alreadyLoadedAs == path)
        #expect(try warehouse.dump() == before)
    }

    @Test func repeatedIdsAreSkippedAndChangedOnesUpdateTheStoredTicket() throws {
        let warehouse = try makeWarehouse()
        let first = try writeTemporaryFile("a.csv", "id,created_at,queue,priority\n1,2025-01-01,Q,low\n2,2025-01-01,Q,low\n")
        let second = try writeTemporaryFile("b.csv", "id,created_at,queue,priority\n1,2025-01-01,Q,low\n2,2025-01-01,Q,urgent\n3,2025-01-02,Q,low\n")
        _ = try warehouse.ingest([first])
        try Aggregator(warehouse: warehouse, logger: quietLogger).run()
        let summary = try #require(try warehouse.ingest([second]).first)
        #expect(summary.loaded == 1)
        #expect(summary.duplicates == 1)
        #expect(summary.updated == 1, "no update time in a generic file: the later load wins")
        #expect(summary.outdated == 0)
        #expect(try warehouse.count("tickets") == 3)
        #expect(try warehouse.db.scalar("SELECT priority FROM tickets WHERE ticket_id = '2'")?.string == "urgent")
        // The update's day waits for a recount; the new ticket's day was counted as it loaded.
        #expect(try warehouse.db.query("SELECT day FROM dirty_days ORDER BY day").map { $0[0].string! } == ["2025-01-01"])
        #expect(try warehouse.db.scalar("SELECT tickets_total FROM daily_totals WHERE day = '2025-01-02'")?.int == 1)
    }

    @Test func jsonLinesWithTagArraysAndStrings() throws {
        let warehouse = try makeWarehouse()
        let text = """
            {"id": 1, "created_at": "2025-01-01T00:00:00Z", "queue": "Q", "priority": "HIGH", "tags": ["a", " b ", ""], "extra": {"x": 1}}
            {"ticket_id": "2", "created": "2025-01-01", "queue": "Q", "tags": "a | c"}
            not json at all
            {"id": "3"}
            [1, 2]

            {"id": "4", "created_at": "2025-01-02T23:30:00-05:00", "tags": []}
            """
        let path = try writeTemporaryFile("t.jsonl", text + "\n")
        let summary = try #require(try warehouse.ingest([path]).first)
        #expect(summary.loaded == 3)
        #expect(summary.rejected == 3)
        let rejects = try warehouse.db.query("SELECT line, reason FROM ingest_rejects ORDER BY line")
        #expect(rejects.map { $0[0].int! } == [3, 4, 5])
        #expect(rejects[0][1].string!.contains("invalid JSON"))
        #expect(rejects[1][1].string!.contains("created_at"))
        #expect(rejects[2][1].string!.contains("not a JSON object"))
        #expect(try warehouse.db.query("SELECT tag FROM ticket_tags WHERE ticket_id = '1' ORDER BY position").map { $0[0].string! } == ["a", "b"])
        #expect(try warehouse.db.query("SELECT tag FROM ticket_tags WHERE ticket_id = '2' ORDER BY position").map { $0[0].string! } == ["a", "c"])
        #expect(try warehouse.db.scalar("SELECT day FROM tickets WHERE ticket_id = '4'")?.string == "2025-01-03")
        #expect(try warehouse.db.scalar("SELECT priority FROM tickets WHERE ticket_id = '1'")?.string == "high")
    }

    @Test func aMissingFileLoadsNothingAtAll() throws {
        let warehouse = try makeWarehouse()
        let good = try writeTemporaryFile("good.csv", "id,created_at\n1,2025-01-01\n")
        #expect {
            try warehouse.ingest([good, "/nonexistent/dir/tickets.csv"])
        } throws: { error in
            "\(error)".contains("/nonexistent/dir/tickets.csv") && "\(error)".contains("no such file")
        }
        #expect(try warehouse.count("tickets") == 0)
        #expect(try warehouse.count("ingest_files") == 0)
    }

    @Test func aHeaderWithoutDatesIsAnErrorUnlessATimelineIsGiven() throws {
        let warehouse = try makeWarehouse()
        let path = try writeTemporaryFile("nodates.csv", "id,queue\n1,A\n2,B\n3,A\n")
        #expect {
            try warehouse.ingest([path])
        } throws: { error in
            "\(error)".contains("nodates.csv") && "\(error)".contains("--timeline")
        }
        #expect(try warehouse.count("ingest_files") == 0)
        _ = try warehouse.ingest([path], options: IngestOptions(timeline: try Timeline(parsing: "batch:2")))
        let days = try warehouse.db.query("SELECT ticket_id, day FROM tickets ORDER BY id").map { "\($0[0].string!)@\($0[1].string!)" }
        #expect(days == ["1@2025-01-01", "2@2025-01-01", "3@2025-01-02"])
        #expect(try warehouse.db.scalar("SELECT timeline FROM ingest_files")?.string?.hasPrefix("batch:2") == true)
    }

    @Test func syntheticTimelineIsDeterministicAndWithinItsSpan() throws {
        let rows = (1...500).map { "\($0),Q\($0 % 3)" }.joined(separator: "\n")
        let path = try writeTemporaryFile("nodates.csv", "id,queue\n" + rows + "\n")
        let options = IngestOptions(timeline: try Timeline(parsing: "synthetic"))
        let one = try makeWarehouse(), two = try makeWarehouse()
        _ = try one.ingest([path], options: options)
        _ = try two.ingest([path], options: options)
        let daysOne = try one.db.query("SELECT day FROM tickets ORDER BY id").map { $0[0].string! }
        let daysTwo = try two.db.query("SELECT day FROM tickets ORDER BY id").map { $0[0].string! }
        #expect(daysOne == daysTwo)
        #expect(daysOne.allSatisfy { $0 >= "2025-01-01" && $0 <= "2025-04-30" })
        #expect(Set(daysOne).count > 90)  // spread over the span, not piled on a few days
    }

    @Test func columnMappingFindsDifferentlyNamedColumns() throws {
        let warehouse = try makeWarehouse()
        let path = try writeTemporaryFile("jira.csv", "Key,Created Date,Team,Sev,Noise\nK-1,2025-02-01,Ops,High,zz\n")
        var mapping = ColumnMapping()
        for option in ["ticket_id=Key", "created_at=Created Date", "queue=Team", "priority=Sev"] {
            let (field, header) = try ColumnMapping.parseOverride(option)
            mapping.overrides[field] = header
        }
        let summary = try #require(try warehouse.ingest([path], options: IngestOptions(mapping: mapping)).first)
        #expect(summary.loaded == 1)
        #expect(summary.ignoredColumns == ["Noise"])
        let row = try #require(try warehouse.db.query("SELECT ticket_id, day, queue, priority FROM tickets").first)
        #expect(row.values == [.text("K-1"), .text("2025-02-01"), .text("Ops"), .text("high")])

        var wrong = ColumnMapping()
        wrong.overrides[.queue] = "Group"
        #expect {
            try warehouse.ingest([try writeTemporaryFile("x.csv", "id,created_at,Team\n1,2025-01-01,A\n")], options: IngestOptions(mapping: wrong))
        } throws: { error in
            "\(error)".contains("queue=Group") && "\(error)".contains("Team")
        }
        #expect(throws: IngestError.self) { try ColumnMapping.parseOverride("colour=Paint") }
    }

    @Test func offsetsAreConvertedIntoTheWarehouseZone() throws {
        let warehouse = try makeWarehouse(timeZone: "America/New_York")
        let path = try writeTemporaryFile("tz.csv", """
            id,created_at
            utc,2025-01-02T03:00:00Z
            local,2025-01-02T03:00:00
            plain,2025-07-04
            offset,2025-07-04T01:30:00+0200

            """)
        _ = try warehouse.ingest([path])
        let rows = Dictionary(uniqueKeysWithValues: try warehouse.db.query("SELECT ticket_id, day, created_at FROM tickets").map {
            ($0[0].string!, "\($0[1].string!) \($0[2].string!)")
        })
        #expect(rows["utc"] == "2025-01-01 2025-01-02T03:00:00Z")
        #expect(rows["local"] == "2025-01-02 2025-01-02T08:00:00Z")
        #expect(rows["plain"] == "2025-07-04 2025-07-04T04:00:00Z")
        #expect(rows["offset"] == "2025-07-03 2025-07-03T23:30:00Z")
    }

    @Test func aFullDiskRollsBackTheWholeFile() throws {
        let warehouse = try makeWarehouse()
        let pages = try #require(try warehouse.db.scalar("PRAGMA page_count")?.int)
        // A warehouse that cannot grow by more than a few pages: SQLite answers SQLITE_FULL, as on a full disk.
        try warehouse.db.execute("PRAGMA max_page_count = \(pages + 3)")
        let rows = (1...3000).map { "T\($0),2025-01-01T00:00:00Z,Queue \($0 % 7),high,a | b | c,\(String(repeating: "s", count: 80))" }
        let path = try writeTemporaryFile("big.csv", "ticket_id,created_at,queue,priority,tags,subject\n" + rows.joined(separator: "\n"))
        #expect {
            try warehouse.ingest([path])
        } throws: { error in
            (error as? SQLiteError)?.isDiskFull == true && "\(error)".contains("full")
        }
        #expect(try warehouse.count("tickets") == 0)
        #expect(try warehouse.count("ingest_files") == 0)
        #expect(try warehouse.count("ingest_rejects") == 0)
        #expect(try warehouse.db.scalar("PRAGMA integrity_check")?.string == "ok")
    }

    @Test func ingestWritesNewDaysAndAggregateRecountsDaysThatHadFigures() throws {
        let warehouse = try makeWarehouse()
        let aggregator = Aggregator(warehouse: warehouse, logger: quietLogger)
        _ = try warehouse.ingest([try writeTemporaryFile("d1.csv", """
            id,created_at,queue,priority,tags
            1,2025-01-01,A,high,x | x
            2,2025-01-01,,low,y
            3,2025-01-02,A,HIGH,
            """)])
        let jan1 = try #require(try warehouse.db.query("SELECT tickets_total, tickets_high, high_rate FROM daily_totals WHERE day = '2025-01-01'").first)
        #expect(jan1.values == [.integer(2), .integer(1), .real(0.5)])
        #expect(try warehouse.db.scalar("SELECT tickets FROM daily_queues WHERE day = '2025-01-01' AND queue = 'Unknown'")?.int == 1)
        #expect(try warehouse.db.scalar("SELECT tickets FROM daily_tags WHERE day = '2025-01-01' AND tag = 'x'")?.int == 2)
        #expect(try aggregator.run() == 0, "new days were written by ingest")

        // Mark an untouched day's figures: a recount of it would overwrite the mark.
        try warehouse.db.run("UPDATE daily_totals SET tickets_total = 999 WHERE day = '2025-01-01'")
        _ = try warehouse.ingest([try writeTemporaryFile("d2.csv", "id,created_at,queue,priority\n4,2025-01-02,B,low\n3,2025-01-02,A,HIGH\n5,2025-01-03,B,low\n")])
        #expect(try warehouse.db.scalar("SELECT tickets_total FROM daily_totals WHERE day = '2025-01-03'")?.int == 1)
        // January 2 had figures: it waits for aggregate's recount.
        #expect(try warehouse.db.query("SELECT day FROM dirty_days").map { $0[0].string! } == ["2025-01-02"])
        #expect(try aggregator.run() == 1)
        #expect(try warehouse.db.scalar("SELECT tickets_total FROM daily_totals WHERE day = '2025-01-01'")?.int == 999)
        #expect(try warehouse.db.scalar("SELECT tickets_total FROM daily_totals WHERE day = '2025-01-02'")?.int == 2)
        #expect(try warehouse.db.scalar("SELECT tickets_high FROM daily_totals WHERE day = '2025-01-02'")?.int == 1)
        // --rebuild recounts every day from the tickets, repairing the mark.
        #expect(try aggregator.rebuild() == 3)
        #expect(try warehouse.db.scalar("SELECT tickets_total FROM daily_totals WHERE day = '2025-01-01'")?.int == 2)
    }

    /// The history load into an empty warehouse is written under a rollback journal (each page once), but only
    /// when no other connection has the warehouse open, and the warehouse is back in WAL afterwards.
    @Test func theFirstLoadSwitchesJournalOnlyWhenAloneAndLeavesTheWarehouseInWAL() throws {
        let path = TestPaths.temporaryWarehousePath()
        var other: Warehouse? = try makeWarehouse(path: path)
        let warehouse = try makeWarehouse(path: path)
        #expect(warehouse.switchToRollbackJournal() == false, "another connection is open")
        #expect(try warehouse.db.scalar("PRAGMA journal_mode")?.string == "wal")
        other = nil
        #expect(other == nil && warehouse.switchToRollbackJournal() == true)
        warehouse.switchToWriteAheadLog()
        #expect(try warehouse.db.scalar("PRAGMA journal_mode")?.string == "wal")

        _ = try warehouse.ingest([try writeTemporaryFile("h.csv", "id,created_at\n1,2025-01-01\n2,2025-01-02\n")])
        #expect(try warehouse.db.scalar("PRAGMA journal_mode")?.string == "wal")
        #expect(try warehouse.count("tickets") == 2)
        #expect(try warehouse.db.scalar("PRAGMA integrity_check")?.string == "ok")
    }

    /// The counts ingest adds while streaming, with `aggregate`'s recount of days whose tickets were updated, must
    /// equal a recount of every day from the stored tickets, whatever the files hold: repeats within and across
    /// files, an update, rejects, tag columns, no queue beside a queue named 'Unknown', names that need JSON
    /// escaping, several files in one run and in separate runs.
    @Test func countsAddedWhileLoadingEqualARecountFromTheTickets() throws {
        let warehouse = try makeWarehouse()
        let first = try writeTemporaryFile("a.csv", #"""
            id,created_at,queue,priority,tags
            1,2025-01-01T10:00:00Z,Unknown,High,"say ""hi"" | back\slash | x"
            2,2025-01-01T11:00:00Z,,high,x | x |  | y
            3,2025-01-02T09:00:00Z,Billing, ,y
            1,2025-01-01T10:00:00Z,Unknown,High,"say ""hi"" | back\slash | x"
            4,not a date,Billing,low,z
            5,2025-01-03T00:00:00+05:00,Billing,urgent,
            """#)
        let second = try writeTemporaryFile("b.csv", """
            ticket_id,created_at,queue,priority,tag_1,tag_2
            6,2025-01-02,Billing,low,y, z\u{00A0}
            2,2025-01-01T11:00:00Z,,high,x,x
            7,2025-01-04,Ünïcode,LOW,é,
            """)
        let third = try writeTemporaryFile("c.jsonl", """
            {"id": "8", "created_at": "2025-01-04", "queue": "Billing", "priority": "high", "tags": ["x", "w"]}
            {"id": "9", "created_at": "2025-01-01", "tags": "x | y"}
            """)
        _ = try warehouse.ingest([first, second])
        _ = try warehouse.ingest([third])
        try Aggregator(warehouse: warehouse, logger: quietLogger).run()
        func daily() throws -> [String] {
            try ["daily_totals", "daily_priorities", "daily_queues", "daily_tags"].flatMap { table in
                try warehouse.db.query("SELECT * FROM \(table) ORDER BY 1, 2").map { "\(table): \($0.values)" }
            }
        }
        let streamed = try daily()
        try Aggregator(warehouse: warehouse, logger: quietLogger).rebuild()
        #expect(try daily() == streamed)
        #expect(streamed.contains("daily_queues: [2025-01-01, Unknown, 3]"))
        #expect(streamed.contains("daily_tags: [2025-01-01, x, 4]"), "ticket 2's update replaced x, x, y by x, x")
        #expect(streamed.contains("daily_tags: [2025-01-01, y, 1]"))
        #expect(streamed.contains("daily_tags: [2025-01-02, z, 1]"))
        // The JSON column gives the tags back exactly, through the public view.
        let tags = try warehouse.db.query("SELECT tag FROM ticket_tags WHERE ticket_id = '1' ORDER BY position")
            .compactMap { $0[0].string }
        #expect(tags == [#"say "hi""#, #"back\slash"#, "x"])
    }
}
