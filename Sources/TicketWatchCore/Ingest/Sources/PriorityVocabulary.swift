/// Each helpdesk names priorities its own way (Zendesk `normal`, Freshdesk `2`, Jira `Highest`); people's SQL and
/// the detectors compare `tickets.priority` against one vocabulary — `urgent`, `high`, `medium`, `low`, the
/// notebook's words plus the level above high — so every source's names are translated on the way in. The
/// translation is stored in the `priority_names` table (built-in rows by the schema, names met in a load by
/// `record`), so a query can show what each stored word came from; `priority_raw` keeps the text as written.
///
/// A name outside the built-in list is kept, trimmed and lower-cased (today's generic rule), never dropped: a
/// Jira instance with a custom "P1" stores "p1", which `--high-priorities p1,high` can then count.
struct PriorityVocabulary {
    let source: TicketSource
    /// Built-in names, keyed lower-cased.
    private let table: [String: String]
    /// `--priority-map`, keyed lower-cased: wins over the built-in names, and is also read by a value's leading
    /// number (`1 - Critical` → the entry for `1`), as ServiceNow and HP Service Manager write their scales.
    private let map: [String: String]
    /// Every trimmed name met in this file and what it became: a cache for the per-row work and the rows
    /// `record` writes.
    private(set) var seen: [String: String] = [:]

    init(source: TicketSource, map: [String: String] = [:]) {
        self.source = source
        var table: [String: String] = [:]
        for (raw, priority) in PriorityVocabulary.builtIn[source] ?? [] { table[raw.lowercased()] = priority }
        self.table = table
        self.map = map
    }

    /// What the map says of a name: the whole name, else its leading number.
    private func mapped(_ lower: String) -> String? {
        guard !map.isEmpty else { return nil }
        if let whole = map[lower] { return whole }
        let number = lower.prefix { $0.isASCII && $0.isNumber }
        guard !number.isEmpty, number.count < lower.count else { return nil }
        let rest = lower.dropFirst(number.count).first!
        guard !(rest.isLetter || rest.isNumber) else { return nil }  // "1st", "12b" are names, not numbers
        return map[String(number)]
    }

    /// The stored priority for a raw value, or nil when there is none.
    mutating func normalize(_ raw: String) -> String? {
        if let known = seen[raw] { return known }
        let trimmed = raw.trimmedWhitespace
        guard !trimmed.isEmpty else { return nil }
        let lower = trimmed.lowercased()
        let priority = mapped(lower) ?? table[lower] ?? lower
        if seen.count < 10_000 { seen[raw] = priority }
        return priority
    }

    /// The vocabulary's words, from most to least pressing.
    static let words = ["urgent", "high", "medium", "low"]

    /// How each source's own names map onto `words`, as the schema seeds `priority_names` (keep the two equal; a
    /// test checks). Jira's old default scheme (Blocker…Trivial) is still common on Server/Data Center.
    static let builtIn: [TicketSource: [(String, String)]] = [
        .generic: [("urgent", "urgent"), ("high", "high"), ("medium", "medium"), ("low", "low")],
        .zendesk: [("urgent", "urgent"), ("high", "high"), ("normal", "medium"), ("low", "low")],
        .freshdesk: [("4", "urgent"), ("3", "high"), ("2", "medium"), ("1", "low")],
        .jira: [("Highest", "urgent"), ("High", "high"), ("Medium", "medium"), ("Low", "low"), ("Lowest", "low"),
                ("Blocker", "urgent"), ("Critical", "high"), ("Major", "medium"), ("Minor", "low"), ("Trivial", "low")],
        .servicenow: [("1 - Critical", "urgent"), ("2 - High", "high"), ("3 - Moderate", "medium"), ("4 - Low", "low"),
                      ("5 - Planning", "low")],
    ]

    /// Adds the names this file met that `priority_names` does not list yet (origin 'seen').
    func record(in db: Database) throws {
        guard !seen.isEmpty else { return }
        let insert = try db.prepare("""
            INSERT OR IGNORE INTO priority_names(helpdesk, raw, priority, origin) VALUES (?, ?, ?, 'seen')
            """)
        // A name the map decided says so, and replaces what an earlier load (or the built-in list) said of it: the
        // table shows the scale last applied.
        let mappedInsert = try db.prepare("""
            INSERT OR REPLACE INTO priority_names(helpdesk, raw, priority, origin) VALUES (?, ?, ?, 'mapped')
            """)
        let builtInRaw = Set((PriorityVocabulary.builtIn[source] ?? []).map { $0.0.lowercased() })
        var written = Set<String>()
        for (raw, priority) in seen.sorted(by: { $0.key < $1.key }) {
            let trimmed = raw.trimmedWhitespace
            guard written.insert(trimmed).inserted else { continue }
            if let byMap = mapped(trimmed.lowercased()) {
                // A built-in name keeps its row's spelling, so the map replaces that row instead of adding one.
                let builtInName = (PriorityVocabulary.builtIn[source] ?? [])
                    .first { $0.0.lowercased() == trimmed.lowercased() }?.0
                try mappedInsert.run([.text(source.rawValue), .text(builtInName ?? trimmed), .text(byMap)])
                continue
            }
            // A built-in name in another case ("HIGH") is the built-in row, not a new one.
            guard !builtInRaw.contains(trimmed.lowercased()) else { continue }
            try insert.run([.text(source.rawValue), .text(trimmed), .text(priority)])
        }
    }
}
