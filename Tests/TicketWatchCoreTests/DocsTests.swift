import Foundation
import Testing
@testable import TicketWatchCore

/// The documentation as a reader meets it: the README's commands are the ones that exist, every link lands on a
/// file and a heading, and the SQL of "Several desks" runs as written against warehouses the real binary built.
@Suite struct DocsTests {
    /// README.md and every page of docs/, as paths relative to the repository.
    static func pages() throws -> [String] {
        let docs = try FileManager.default.contentsOfDirectory(atPath: TestPaths.file("docs").path)
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
        return ["README.md"] + docs
    }

    static func read(_ relativePath: String) throws -> String {
        try String(contentsOf: TestPaths.file(relativePath), encoding: .utf8)
    }

    /// What is wrong with each relative link of `page` (a repository path): a target file that does not exist, or
    /// a `#fragment` that is no heading of its target. Web links are left to the web.
    static func brokenLinks(in page: String, _ markdown: Markdown) throws -> [String] {
        return try markdown.links.compactMap { link -> String? in
            let target = link.target
            if target.contains("://") || target.hasPrefix("mailto:") { return nil }
            let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let file = resolve(parts[0], from: page)
            let where_ = "\(page):\(link.line): \(target)"
            if parts[0].isEmpty {
                return markdown.anchors.contains(parts[1]) ? nil : "\(where_): no heading with that anchor here"
            }
            guard FileManager.default.fileExists(atPath: TestPaths.file(file).path) else {
                return "\(where_): no file \(file)"
            }
            guard parts.count == 2 else { return nil }
            guard file.hasSuffix(".md") else { return "\(where_): an anchor into a file that is not Markdown" }
            let anchors = Markdown(try read(file)).anchors
            return anchors.contains(parts[1]) ? nil : "\(where_): no heading with that anchor in \(file)"
        }
    }

    /// `target` as written in `page`, as a repository path: `../README.md` from `docs/x.md` is `README.md`.
    static func resolve(_ target: String, from page: String) -> String {
        var components = page.split(separator: "/").dropLast().map(String.init)
        for component in target.split(separator: "/").map(String.init) where component != "." {
            if component == "..", !components.isEmpty { components.removeLast() } else { components.append(component) }
        }
        return components.joined(separator: "/")
    }

    @Test func everyRelativeLinkLandsOnAFileAndAHeading() throws {
        let pages = try Self.pages()
        #expect(pages.count >= 10, "README.md and the docs pages: \(pages)")
        var linksChecked = 0
        for page in pages {
            let markdown = Markdown(try Self.read(page))
            linksChecked += markdown.links.count
            for problem in try Self.brokenLinks(in: page, markdown) {
                Issue.record(Comment(rawValue: problem))
            }
        }
        #expect(linksChecked >= 40, "found only \(linksChecked) links: is the link reader still reading them?")
    }

    /// The checker itself: GitHub's anchors, and a broken file, a broken anchor and a link in code told apart.
    @Test func theLinkCheckerFindsWhatIsBroken() throws {
        #expect(Markdown.slug("How `seed` differs") == "how-seed-differs")
        #expect(Markdown.slug("Real exports: separators, day-first dates") == "real-exports-separators-day-first-dates")
        #expect(Markdown.slug("2. Your own export") == "2-your-own-export")
        #expect(Markdown.slug("Performance (measured)") == "performance-measured")
        let page = Markdown("""
            # Title
            ## Title
            See [a](warehouse.md#several-desks), [b](warehouse.md#no-such-heading), [c](no-such-file.md),
            [d](#title-1), [e](#title-2), [f](https://example.com/x), `[g](in-code.md)`.
            ```
            [h](in-a-fence.md)
            ```
            """)
        #expect(Self.resolve("../README.md", from: "docs/example.md") == "README.md")
        #expect(Self.resolve("images/report.png", from: "docs/example.md") == "docs/images/report.png")
        #expect(page.anchors == ["title", "title-1"])
        #expect(page.links.map(\.target) == ["warehouse.md#several-desks", "warehouse.md#no-such-heading",
                                             "no-such-file.md", "#title-1", "#title-2", "https://example.com/x"])
        let problems = try Self.brokenLinks(in: "docs/example.md", page)
        #expect(problems.count == 3, "\(problems)")
        #expect(problems.contains { $0.contains("no-such-heading") })
        #expect(problems.contains { $0.contains("no file docs/no-such-file.md") })
        #expect(problems.contains { $0.contains("#title-2") })
    }

    /// CI runs `make test` because the README says it is the test command: the README opens with the demo and the
    /// test commands, and both are targets of the Makefile.
    @Test func theReadmeOpensWithTheTwoCommandsThatExist() throws {
        let readme = try Self.read("README.md")
        let opening = readme.components(separatedBy: "\n").prefix(10).joined(separator: "\n")
        let block = try #require(Markdown(opening).codeBlocks(inSection: "TicketWatch").first,
                                 "no code block in the README's first ten lines")
        let commands = block.text.components(separatedBy: "\n").map { $0.components(separatedBy: "#")[0] }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(commands == ["make demo", "make test"])
        let makefile = try Self.read("Makefile")
        for target in ["demo", "test"] {
            #expect(makefile.components(separatedBy: "\n").contains { $0.hasPrefix(target + ":") },
                    "the Makefile has no `\(target)` target")
        }
        #expect(try Self.read(".ci/run").components(separatedBy: "\n").contains("make test"))
    }

    @Test func severalDesksQueriesRunAsDocumented() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tw-desks-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Two desks of different size over the same months, whose exports both stopped on the same two days: one
        // day on which both alerted, at least, for the second query to find.
        let desks = [("billing", "3", "40"), ("it", "4", "120")]
        for (desk, seed, perDay) in desks {
            let csv = "\(dir)/\(desk)-export.csv"
            try Generator.write(csv, truth: "\(dir)/\(desk)-truth.json", [
                "--seed", seed, "--days", "70", "--per-day", perDay, "--incidents", "2", "--no-text",
                "--feed-stop", "2025-02-20:2",
            ])
            for arguments in [["ingest", "--db", "\(dir)/\(desk).db", csv], ["detect", "--db", "\(dir)/\(desk).db"]] {
                let result = try Binary.run(arguments)
                try #require(result.status == 0, "\(arguments): \(result.stderr)")
            }
        }

        let page = Markdown(try Self.read("docs/warehouse.md"))
        let blocks = page.codeBlocks(inSection: "Several desks").filter { $0.language == "sql" }
        try #require(blocks.count == 2, "expected the ATTACH block and the queries block")
        // The doc attaches 'billing.db' and 'it.db' from the current directory; the test's are in `dir` (a test
        // cannot change the process's directory under the others), so only those two file names are replaced.
        var setup = blocks[0].text
        for (desk, _, _) in desks {
            try #require(setup.contains("'\(desk).db'"))
            setup = setup.replacingOccurrences(of: "'\(desk).db'", with: "'\(dir)/\(desk).db'")
        }
        let queries = blocks[1].text.components(separatedBy: ";")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        try #require(queries.count == 2)

        // As `sqlite3 -readonly` runs it: an in-memory database, the desks attached read-only, temporary views.
        let session = try Database(path: ":memory:", readOnly: true)
        try session.execute(setup)
        let months = try session.query(queries[0])
        let overlap = try session.query(queries[1])

        // What each desk's own warehouse says, read apart from the doc's SQL.
        for (desk, _, _) in desks {
            let warehouse = try Database(path: "\(dir)/\(desk).db", readOnly: true)
            let tickets = try #require(try warehouse.scalar("SELECT count(*) FROM tickets")?.int)
            let rows = months.filter { $0[0].string == desk }
            #expect(rows.reduce(0) { $0 + ($1[2].int ?? 0) } == tickets, "\(desk): tickets per month add up")
            let ownMonths = try warehouse.query("SELECT DISTINCT substr(day, 1, 7) FROM daily_totals ORDER BY 1")
            #expect(rows.map { $0[1].string } == ownMonths.map { $0[0].string })
        }
        let alertDays = try desks.map { desk, _, _ -> [String: Int] in
            let warehouse = try Database(path: "\(dir)/\(desk).db", readOnly: true)
            let rows = try warehouse.query("SELECT date, count(*) FROM alerts WHERE withdrawn_at IS NULL GROUP BY date")
            return Dictionary(uniqueKeysWithValues: rows.map { ($0[0].string!, $0[1].int!) })
        }
        let shared = alertDays[0].keys.filter { alertDays[1][$0] != nil }.sorted()
        #expect(shared.contains("2025-02-20"), "both exports stopped on 2025-02-20: \(shared)")
        #expect(overlap.map { $0[0].string! } == shared)
        for row in overlap {
            let date = row[0].string!
            #expect(Set(row[1].string!.split(separator: ",")) == ["billing", "it"])
            #expect(row[2].int == alertDays[0][date]! + alertDays[1][date]!, "alerts on \(date)")
        }
    }
}
