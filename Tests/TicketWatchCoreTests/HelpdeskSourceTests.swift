import Foundation
import Testing
@testable import TicketWatchCore

/// The Zendesk, Freshdesk and Jira samples (Tests/Samples) loaded through the real `Ingestor` into real warehouses.
@Suite struct HelpdeskSourceTests {
    private func options(_ source: TicketSource? = nil, groups: String? = nil,
                         configure: (inout SourceOptions) -> Void = { _ in }) throws -> IngestOptions {
        var sources = SourceOptions(source: source)
        if let groups { try sources.groups.load(file: Samples.path(groups)) }
        configure(&sources)
        return IngestOptions(sources: sources)
    }

    private func column(_ warehouse: Warehouse, _ name: String, ticket: String) throws -> String? {
        try warehouse.db.scalar("SELECT \(name) FROM tickets WHERE ticket_id = ?", [.text(ticket)])?.string
    }

    private func tags(_ warehouse: Warehouse, ticket: String) throws -> [String] {
        try warehouse.db.query("SELECT tag FROM ticket_tags WHERE ticket_id = ? ORDER BY position", [.text(ticket)])
            .map { $0[0].string! }
    }

    /// Ticket objects in a JSON sample, counted with Foundation's parser rather than the loader's splitter.
    private func ticketCount(json relative: String) throws -> Int {
        let data = try Data(contentsOf: URL(fileURLWithPath: Samples.path(relative)))
        let value = try JSONSerialization.jsonObject(with: data)
        return ((value as? [String: Any])?["tickets"] as? [Any])?.count ?? (value as? [Any])?.count ?? -1
    }

    private func accounted(_ s: FileSummary) -> Int { s.loaded + s.updated + s.duplicates + s.outdated + s.rejected }

    @Test func zendeskPageLoadsEveryTicketWithGroupsChannelsAndTheVocabulary() throws {
        let warehouse = try makeWarehouse()
        let file = "zendesk/export-2025-11-28.json"
        let summary = try #require(try warehouse.ingest([Samples.path(file)], options: options(groups: "zendesk/groups.json")).first)
        #expect(summary.helpdesk == .zendesk, "detected from the content")
        #expect(accounted(summary) == (try ticketCount(json: file)))
        #expect(summary.loaded == 6 && summary.rejected == 0)
        #expect(try warehouse.count("tickets") == 6)

        #expect(try column(warehouse, "queue", ticket: "4101") == "Billing")
        #expect(try column(warehouse, "queue", ticket: "4105") == "Tier 1 – Technical")
        #expect(try column(warehouse, "queue", ticket: "4103") == "360009876543", "an unlisted group keeps its id")
        #expect(try column(warehouse, "queue", ticket: "4102") == nil, "no group: Unknown in the aggregates")
        #expect(try column(warehouse, "priority", ticket: "4104") == "medium")
        #expect(try column(warehouse, "priority_raw", ticket: "4104") == "normal")
        #expect(try column(warehouse, "priority", ticket: "4103") == "urgent")
        #expect(try column(warehouse, "priority", ticket: "4102") == nil)
        #expect(try column(warehouse, "channel", ticket: "4103") == "chat")
        #expect(try column(warehouse, "ticket_type", ticket: "4101") == "problem")
        #expect(try column(warehouse, "updated_at", ticket: "4101") == "2025-11-27T09:00:00Z")
        #expect(try column(warehouse, "subject", ticket: "4102") == "Commande non reçue – où est mon colis ?")
        #expect(try tags(warehouse, ticket: "4105") == ["login", "password_reset", "login"])
        #expect(try tags(warehouse, ticket: "4102") == [])
        // The line a ticket starts on inside the pretty-printed page: its opening brace, just above its "url".
        let urlLine = try Samples.line(of: "tickets/4103.json", in: file)
        #expect(try warehouse.db.scalar("SELECT line FROM tickets WHERE ticket_id = '4103'")?.int == urlLine - 1)
        #expect(try warehouse.db.scalar("SELECT helpdesk FROM ingest_files")?.string == "zendesk")
    }

    @Test func aNewerExportUpdatesPrioritiesAndTagsAndReaggregatesExactlyTheDaysInvolved() throws {
        let warehouse = try makeWarehouse()
        let aggregator = Aggregator(warehouse: warehouse, logger: quietLogger)
        _ = try warehouse.ingest([Samples.path("zendesk/export-2025-11-28.json")])
        try aggregator.run()
        let before = try dailyFigures(warehouse)

        let summary = try #require(try warehouse.ingest([Samples.path("zendesk/export-2025-11-29.jsonl")]).first)
        #expect(summary.helpdesk == .zendesk)
        #expect(summary.loaded == 1, "4106 is new")
        #expect(summary.updated == 2, "4101 raised to urgent with a tag added; 4104 tagged vip")
        #expect(summary.duplicates == 1, "4102: only its update time moved")
        #expect(summary.outdated == 1, "4101's older version, repeated by the time-based export, does not win")
        #expect(accounted(summary) == 5)
        // The updated tickets' days wait for aggregate's recount; the new ticket's day was counted as it loaded.
        #expect(try warehouse.db.query("SELECT day FROM dirty_days ORDER BY day").map { $0[0].string! }
                == ["2025-11-27", "2025-11-28"])

        #expect(try column(warehouse, "priority", ticket: "4101") == "urgent")
        #expect(try tags(warehouse, ticket: "4101") == ["refund", "card_declined", "chargeback"])
        #expect(try column(warehouse, "updated_at", ticket: "4101") == "2025-11-28T16:00:00Z")
        #expect(try tags(warehouse, ticket: "4104") == ["invoice", "vip"])
        #expect(try column(warehouse, "updated_at", ticket: "4102") == "2025-11-28T09:00:00Z", "the newest time is kept")
        #expect(try warehouse.count("tickets") == 7)

        try aggregator.run()
        let after = try dailyFigures(warehouse)
        #expect(after["2025-11-26"] == before["2025-11-26"], "a day no ticket of the new export touches keeps its figures")
        #expect(after["2025-11-27"] != before["2025-11-27"])
        #expect(after["2025-11-28"] != before["2025-11-28"])
        #expect(before["2025-11-29"] == nil && after["2025-11-29"] != nil)
        // What moved: on the 27th the notebook's count of 'high' drops (4101 is urgent now); the tags follow.
        #expect(try warehouse.db.scalar("SELECT tickets_high FROM daily_totals WHERE day = '2025-11-27'")?.int == 0)
        #expect(try warehouse.db.scalar("SELECT tickets FROM daily_tags WHERE day = '2025-11-27' AND tag = 'chargeback'")?.int == 1)
        #expect(try warehouse.db.scalar("SELECT tickets FROM daily_tags WHERE day = '2025-11-28' AND tag = 'vip'")?.int == 1)
        #expect(try warehouse.db.scalar("SELECT tickets FROM daily_priorities WHERE day = '2025-11-27' AND priority = 'urgent'")?.int == 1)
        #expect(try warehouse.db.query("SELECT rows_loaded, rows_updated, rows_duplicate, rows_outdated, rows_changed FROM ingest_files ORDER BY id DESC LIMIT 1")
                .first?.values.compactMap(\.int) == [1, 2, 1, 1, 3])
    }

    /// Every daily table's rows, by day.
    private func dailyFigures(_ warehouse: Warehouse) throws -> [String: [String]] {
        var byDay: [String: [String]] = [:]
        for table in ["daily_totals", "daily_priorities", "daily_queues", "daily_tags"] {
            for row in try warehouse.db.query("SELECT * FROM \(table) ORDER BY 1, 2") {
                byDay[row[0].string!, default: []].append(table + ":" + row.values.map(\.description).joined(separator: ","))
            }
        }
        return byDay
    }

    @Test func aTicketMovedToAnotherDayMarksBothDays() throws {
        let warehouse = try makeWarehouse()
        let first = try writeTemporaryFile("a.jsonl", #"{"id": 9, "created_at": "2025-11-01T10:00:00Z", "updated_at": "2025-11-01T10:00:00Z", "priority": "low", "group_id": 1, "via": {"channel": "web"}}"# + "\n")
        let second = try writeTemporaryFile("b.jsonl", #"{"id": 9, "created_at": "2025-11-03T10:00:00Z", "updated_at": "2025-11-04T10:00:00Z", "priority": "low", "group_id": 1, "via": {"channel": "web"}}"# + "\n")
        _ = try warehouse.ingest([first])
        try Aggregator(warehouse: warehouse, logger: quietLogger).run()
        #expect(try warehouse.ingest([second]).first?.updated == 1)
        #expect(try warehouse.db.query("SELECT day FROM dirty_days ORDER BY day").map { $0[0].string! } == ["2025-11-01", "2025-11-03"])
        try Aggregator(warehouse: warehouse, logger: quietLogger).run()
        #expect(try warehouse.db.query("SELECT day FROM daily_totals").map { $0[0].string! } == ["2025-11-03"])
    }

    /// A copy without update times (a generic CSV) is applied as the later load, but keeps the stored update
    /// time: an older helpdesk version arriving after it must still lose.
    @Test func aCopyWithoutUpdateTimesKeepsTheNewestTimeSoAnOlderVersionStillLoses() throws {
        let warehouse = try makeWarehouse()
        let newest = try writeTemporaryFile("new.jsonl", #"{"id": 7, "created_at": "2025-11-01T10:00:00Z", "updated_at": "2025-11-05T10:00:00Z", "priority": "urgent", "via": {"channel": "web"}}"# + "\n")
        let copy = try writeTemporaryFile("copy.csv", "id,created_at,priority\n7,2025-11-01T10:00:00Z,high\n")
        let older = try writeTemporaryFile("old.jsonl", #"{"id": 7, "created_at": "2025-11-01T10:00:00Z", "updated_at": "2025-11-02T10:00:00Z", "priority": "low", "via": {"channel": "web"}}"# + "\n")
        _ = try warehouse.ingest([newest], options: options(.zendesk))
        #expect(try warehouse.ingest([copy]).first?.updated == 1)
        #expect(try column(warehouse, "updated_at", ticket: "7") == "2025-11-05T10:00:00Z")
        #expect(try warehouse.ingest([older], options: options(.zendesk)).first?.outdated == 1)
        #expect(try column(warehouse, "priority", ticket: "7") == "high")
    }

    @Test func freshdeskSampleLoadsAndPriorityFourCountsAsHigh() throws {
        let warehouse = try makeWarehouse()
        let file = "freshdesk/tickets.json"
        let summary = try #require(try warehouse.ingest([Samples.path(file)], options: options(groups: "freshdesk/groups.json")).first)
        #expect(summary.helpdesk == .freshdesk)
        #expect(accounted(summary) == (try ticketCount(json: file)))
        #expect(summary.loaded == 5 && summary.rejected == 0)
        #expect(try column(warehouse, "priority", ticket: "812") == "urgent")
        #expect(try column(warehouse, "priority_raw", ticket: "812") == "4")
        #expect(try column(warehouse, "priority", ticket: "813") == "high")
        #expect(try column(warehouse, "priority", ticket: "814") == "medium")
        #expect(try column(warehouse, "priority", ticket: "815") == "low")
        #expect(try column(warehouse, "queue", ticket: "812") == "Payments")
        #expect(try column(warehouse, "queue", ticket: "815") == "43000077777")
        #expect(try column(warehouse, "queue", ticket: "814") == nil)
        #expect(try column(warehouse, "ticket_type", ticket: "812") == "Refund")
        #expect(try column(warehouse, "channel", ticket: "816") == "phone")
        #expect(try column(warehouse, "channel", ticket: "815") == "chat")
        #expect(try tags(warehouse, ticket: "816") == ["outage", "payments"])

        // The default detector's high set (high, urgent) counts 812, the only ticket of the 27th; the notebook's
        // 'high' alone does not.
        try Aggregator(warehouse: warehouse, logger: quietLogger).run()
        let day = CivilDate("2025-11-27")!.daysSinceEpoch
        let counts = try DailyCounts.load(from: warehouse.db, from: day, through: day,
                                          highPriorities: DefaultDetectorOptions().highPriorities)
        #expect(counts.totals == [1] && counts.highs == [1])
        #expect(try warehouse.db.scalar("SELECT tickets_high FROM daily_totals WHERE day = '2025-11-27'")?.int == 0)
        #expect(try warehouse.db.scalar("SELECT priority FROM priority_names WHERE helpdesk = 'freshdesk' AND raw = '4'")?.string == "urgent")
    }

    @Test func jiraExportLoadsLabelsColumnsAsTagsAndItsDates() throws {
        let warehouse = try makeWarehouse()
        let summary = try #require(try warehouse.ingest([Samples.path("jira/jsm-export.csv")]).first)
        #expect(summary.helpdesk == .jira)
        #expect(summary.loaded == 5 && summary.rejected == 0 && accounted(summary) == 5)
        #expect(try tags(warehouse, ticket: "SUP-101") == ["vpn", "outage", "remote-work"], "three Labels columns, three tags")
        #expect(try tags(warehouse, ticket: "SUP-102") == ["hardware"])
        #expect(try tags(warehouse, ticket: "SUP-103") == [])
        #expect(try column(warehouse, "created_at", ticket: "SUP-101") == "2025-11-28T17:03:00Z")
        #expect(try column(warehouse, "updated_at", ticket: "SUP-101") == "2025-11-28T17:40:00Z")
        #expect(try column(warehouse, "day", ticket: "SUP-103") == "2025-11-27", "11:58 PM stays on its day")
        #expect(try column(warehouse, "priority", ticket: "SUP-101") == "urgent")
        #expect(try column(warehouse, "priority_raw", ticket: "SUP-101") == "Highest")
        #expect(try column(warehouse, "priority", ticket: "SUP-104") == "low")
        #expect(try column(warehouse, "queue", ticket: "SUP-101") == "Get IT help")
        #expect(try column(warehouse, "queue", ticket: "SUP-103") == nil)
        #expect(try column(warehouse, "subject", ticket: "SUP-102") == "New laptop for starter on 1 December")
        #expect(try column(warehouse, "ticket_type", ticket: "SUP-105") == "[System] Incident")
        #expect(try warehouse.db.scalar("SELECT line FROM tickets WHERE ticket_id = 'SUP-102'")?.int == 4, "after a two-line description")
    }

    @Test func jiraQueueColumnCanBeChosen() throws {
        let warehouse = try makeWarehouse()
        _ = try warehouse.ingest([Samples.path("jira/jsm-export.csv")], options: options(configure: { $0.jiraQueueColumn = "Component/s" }))
        #expect(try column(warehouse, "queue", ticket: "SUP-102") == "Hardware", "the first of two components")
        #expect(try column(warehouse, "queue", ticket: "SUP-104") == nil)
        #expect {
            try makeWarehouse().ingest([Samples.path("jira/jsm-export.csv")], options: options(configure: { $0.jiraQueueColumn = "Team" }))
        } throws: { "\($0)".contains("no \"Team\" column") }
    }

    @Test func jiraDateFormatOptionISODatesAndBadDatesRejectedWithLine() throws {
        let header = "Issue key,Summary,Created,Priority,Labels,Labels\n"
        let custom = try writeTemporaryFile("jira.csv", header + """
            SUP-1,a,2025.11.28 17:03,High,x,y
            SUP-2,b,2025-11-29T08:00:00.000+0100,Medium,,
            SUP-3,c,28/Nov/25 5:03 PM,Low,,

            """)
        let warehouse = try makeWarehouse()
        let summary = try #require(try warehouse.ingest([custom], options: options(configure: { $0.jiraDateFormat = "yyyy.MM.dd HH:mm" })).first)
        #expect(summary.loaded == 2 && summary.rejected == 1)
        #expect(try column(warehouse, "created_at", ticket: "SUP-1") == "2025-11-28T17:03:00Z")
        #expect(try column(warehouse, "created_at", ticket: "SUP-2") == "2025-11-29T07:00:00Z", "ISO needs no option")
        let reject = try #require(try warehouse.db.query("SELECT line, reason FROM ingest_rejects").first)
        #expect(reject[0].int == 4)
        #expect(reject[1].string!.contains("unparseable Created '28/Nov/25 5:03 PM'") && reject[1].string!.contains("yyyy.MM.dd HH:mm"))
        #expect(throws: IngestError.self) {
            try makeWarehouse().ingest([custom], options: options(configure: { $0.jiraDateFormat = "  " }))
        }
    }

    @Test func aWrongSourceIsRefusedNamingTheLikelyOne() throws {
        let cases: [(String, TicketSource, String)] = [
            ("zendesk/export-2025-11-28.json", .freshdesk, "--source zendesk"),
            ("freshdesk/tickets.json", .zendesk, "--source freshdesk"),
            ("jira/jsm-export.csv", .zendesk, "--source jira"),
            ("freshdesk/tickets.json", .jira, "--source freshdesk"),
            ("zendesk/export-2025-11-29.jsonl", .generic, "--source zendesk"),
        ]
        for (file, wrong, hint) in cases {
            let warehouse = try makeWarehouse()
            #expect {
                try warehouse.ingest([Samples.path(file)], options: options(wrong))
            } throws: { error in
                guard case IngestError.wrongSource = error else { return false }
                return "\(error)".contains(hint) && "\(error)".contains(Samples.path(file))
            }
            #expect(try warehouse.count("tickets") == 0 && warehouse.count("ingest_files") == 0)
        }
        // A generic file given as a helpdesk's: the helpdesk's fields are missing, so it is refused too.
        let generic = try writeTemporaryFile("t.csv", "ticket_id,created_at,queue,priority\n1,2025-01-01,Q,high\n")
        #expect { try makeWarehouse().ingest([generic], options: options(.jira)) } throws: { "\($0)".contains("generic ticket file") }
        // The right source, given, is accepted.
        #expect(try makeWarehouse().ingest([Samples.path("jira/jsm-export.csv")], options: options(.jira)).first?.loaded == 5)
    }

    @Test func theSameIdFromAnotherHelpdeskIsNotMerged() throws {
        let warehouse = try makeWarehouse()
        let zendesk = try writeTemporaryFile("z.jsonl", #"{"id": 812, "created_at": "2025-11-27T10:00:00Z", "priority": "low", "via": {"channel": "web"}}"# + "\n")
        _ = try warehouse.ingest([zendesk])
        let summary = try #require(try warehouse.ingest([Samples.path("freshdesk/tickets.json")]).first)
        #expect(summary.loaded == 4 && summary.rejected == 1)
        #expect(try warehouse.db.scalar("SELECT reason FROM ingest_rejects")?.string?.contains("already stored from a zendesk file") == true)
        #expect(try column(warehouse, "priority", ticket: "812") == "low")
    }

    @Test func jsonLayoutsPagesPerLineAppendedPagesAndATruncatedDownload() throws {
        let ticket = { (id: Int) in #"{"id": \#(id), "created_at": "2025-11-27T10:00:00Z", "priority": "high", "via": {"channel": "web"}, "tags": ["a"]}"# }
        let warehouse = try makeWarehouse()
        // Pages one per line, as `curl … >> file` collects them, with an empty last page.
        let perLine = try writeTemporaryFile("pages.jsonl", """
            {"tickets": [\(ticket(1)), \(ticket(2))], "next_page": "x"}
            {"tickets": [], "end_of_stream": true}
            {"ticket": \(ticket(3))}

            """)
        #expect(try warehouse.ingest([perLine]).first?.loaded == 3)
        // Two pretty-printed pages one after the other, the second cut off mid-ticket.
        let cut = try writeTemporaryFile("cut.json", """
            {
              "tickets": [
                \(ticket(4))
              ],
              "count": 1
            }
            {
              "tickets": [
                \(ticket(5)),
                {"id": 6, "created_at": "2025-11-
            """)
        let summary = try #require(try warehouse.ingest([cut]).first)
        #expect(summary.loaded == 2 && summary.rejected == 1)
        let reject = try #require(try warehouse.db.query("SELECT line, reason FROM ingest_rejects").first)
        #expect(reject[0].int == 10, "the line the cut-off ticket starts on")
        #expect(reject[1].string!.contains("truncated"))
    }

    @Test func anEmptyExportPageLoadsNothingAndRejectsNothing() throws {
        let warehouse = try makeWarehouse()
        let zendesk = try writeTemporaryFile("last-page.json", """
            {
              "tickets": [],
              "after_cursor": null,
              "end_of_stream": true
            }

            """)
        let freshdesk = try writeTemporaryFile("page-7.json", "[]\n")
        let summaries = try warehouse.ingest([zendesk, freshdesk], options: options())
        #expect(summaries.map(\.helpdesk) == [.zendesk, .generic])
        #expect(try warehouse.ingest([try writeTemporaryFile("page-8.json", "[ ]\n")], options: options(.freshdesk)).first?.helpdesk == .freshdesk,
                "nothing in it contradicts the given source")
        #expect(summaries[0].rejected == 0 && summaries[0].loaded == 0)
    }

    @Test func priorityVocabularyInTheSchemaMatchesTheLoader() throws {
        let warehouse = try makeWarehouse()
        let stored = Set(try warehouse.db.query("SELECT helpdesk, raw, priority FROM priority_names WHERE origin = 'built-in'")
            .map { "\($0[0].string!)|\($0[1].string!)|\($0[2].string!)" })
        let builtIn = Set(PriorityVocabulary.builtIn.flatMap { source, pairs in pairs.map { "\(source.rawValue)|\($0.0)|\($0.1)" } })
        #expect(stored == builtIn)
        // A name outside the list is kept, lower-cased, and recorded as seen.
        let custom = try writeTemporaryFile("j.csv", "Issue key,Created,Priority\nOPS-1,2025-11-28 10:00,P1 - Critical\nOPS-2,2025-11-28 11:00,HIGHEST\n")
        _ = try warehouse.ingest([custom])
        #expect(try column(warehouse, "priority", ticket: "OPS-1") == "p1 - critical")
        #expect(try column(warehouse, "priority", ticket: "OPS-2") == "urgent")
        #expect(try warehouse.db.query("SELECT raw, priority FROM priority_names WHERE origin = 'seen'").map { "\($0[0].string!)=\($0[1].string!)" }
                == ["P1 - Critical=p1 - critical"])
    }

    @Test func groupListsInEachForm() throws {
        var groups = GroupNames()
        try groups.load(file: Samples.path("zendesk/groups.json"))
        try groups.load(file: Samples.path("freshdesk/groups.json"))
        let lines = try writeTemporaryFile("groups.csv", "id,name\n# the old queue\n77,\"Returns, EU\"\n78=Shipping\n")
        try groups.load(file: lines)
        try groups.add(option: "79=Sales = EMEA")
        #expect(groups.names == ["360001234567": "Billing", "360002345678": "Tier 1 – Technical", "43000012345": "Payments",
                                 "43000012346": "Technical Support", "77": "Returns, EU", "78": "Shipping", "79": "Sales = EMEA"])
        #expect(throws: IngestError.self) { try groups.add(option: "Billing") }
        let bad = try writeTemporaryFile("g.json", #"{"groups": [{"name": "no id"}]}"#)
        #expect(throws: IngestError.self) { try groups.load(file: bad) }
    }
}
