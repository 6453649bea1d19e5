import Foundation

/// Tells from a file's content which tool wrote it, so `ingest` needs no `--source` for the usual exports and a
/// wrong `--source` is caught before anything is loaded (a Freshdesk file read as Zendesk would store numbers as
/// priorities and lose every queue).
///
/// Evidence is graded. Strong: fields only that tool writes (Zendesk's `via` and `submitter_id`, Freshdesk's
/// `fr_due_by` and `responder_id`, Jira's "Issue key" column, Zendesk's `{"tickets":[…]}` page). Weak: a
/// plausible shape (a numeric priority, a `group_id`). A given `--source` is refused when another source has
/// strong evidence, or when the given one has none at all.
struct SourceDetection {
    enum Strength: Int, Comparable {
        case none = 0, weak, strong
        static func < (a: Strength, b: Strength) -> Bool { a.rawValue < b.rawValue }
    }

    /// The most likely source, and why.
    let source: TicketSource
    let evidence: String
    /// How strongly the content points at each source.
    let strengths: [TicketSource: Strength]
    /// The file holds no ticket (an empty export page): nothing to contradict a given source.
    var empty = false

    func strength(_ source: TicketSource) -> Strength { strengths[source] ?? .none }

    /// Looks at the header (CSV) or the first ticket object (JSON) of `input`.
    static func detect(_ input: InputFile) throws -> SourceDetection {
        switch input.format {
        case .csv: return try csv(header: CSVHeader.read(input))
        case .jsonl:
            let (object, wrapper) = try JSONTicketRecords.first(path: input.path)
            guard let object else {
                // An empty page still says whose it is: only Zendesk pages list "tickets", Freshdesk's search "results".
                let source: TicketSource = wrapper == "tickets" ? .zendesk : wrapper == "results" ? .freshdesk
                    : wrapper == "result" ? .servicenow : .generic
                return SourceDetection(source: source, evidence: "it holds no ticket", strengths: [:], empty: true)
            }
            return json(object, wrapper: wrapper)
        }
    }

    static func csv(header: [String]) -> SourceDetection {
        let names = Set(header.map { $0.trimmedWhitespace.lowercased() })
        if names.contains("issue key") {
            return SourceDetection(source: .jira, evidence: "its header has Jira's \"Issue key\" column",
                                   strengths: [.jira: .strong])
        }
        let generic = TicketField.createdAt.aliases.contains(where: names.contains)
            || TicketField.ticketID.aliases.contains(where: names.contains)
        // Jira's "Summary" and "Created" without "Issue key" are also plausible generic names: enough to accept
        // --source jira (which then asks for "Issue key"), not to pick Jira unasked.
        let jiraLike = names.contains("summary") && names.contains("created")
        return SourceDetection(
            source: .generic,
            evidence: generic ? "its header has TicketWatch's own column names" : "its header names no helpdesk's columns",
            strengths: [.generic: generic ? .weak : .none, .jira: jiraLike ? .weak : .none])
    }

    static func json(_ object: [String: Any], wrapper: String?) -> SourceDetection {
        var strengths: [TicketSource: Strength] = [.generic: .weak]
        var reasons: [TicketSource: [String]] = [:]
        func note(_ source: TicketSource, _ strength: Strength, _ reason: String) {
            strengths[source] = max(strengths[source] ?? .none, strength)
            reasons[source, default: []].append(reason)
        }
        for key in ["via", "submitter_id", "brand_id", "raw_subject", "satisfaction_rating", "organization_id"]
        where object[key] != nil {
            note(.zendesk, .strong, "\"\(key)\"")
        }
        if let url = object["url"] as? String, url.contains(".zendesk.com/") { note(.zendesk, .strong, "a zendesk.com url") }
        if wrapper == "tickets" { note(.zendesk, .strong, #"pages shaped {"tickets":[…]}"#) }
        for key in ["fr_due_by", "fr_escalated", "is_escalated", "responder_id", "due_by", "email_config_id"]
        where object[key] != nil {
            note(.freshdesk, .strong, "\"\(key)\"")
        }
        for key in ["sys_id", "sys_updated_on", "sys_class_name"] where object[key] != nil {
            note(.servicenow, .strong, "\"\(key)\"")
        }
        if wrapper == "result" { note(.servicenow, .strong, #"pages shaped {"result":[…]}"#) }
        let priority = object["priority"]
        if let number = priority as? NSNumber, String(cString: number.objCType) != "c" {
            note(.freshdesk, .weak, "a numeric priority")
        } else if object["group_id"] != nil, priority == nil || priority is String || priority is NSNull {
            note(.zendesk, .weak, "\"group_id\" with a named priority")
        }
        let ranked = TicketSource.allCases.filter { $0 != .generic }
            .map { ($0, strengths[$0] ?? .none) }
            .filter { $0.1 > .none }
            .sorted { $0.1 > $1.1 }
        guard let (best, _) = ranked.first else {
            return SourceDetection(source: .generic, evidence: "its tickets have no helpdesk's fields", strengths: strengths)
        }
        let evidence = "its tickets have " + (reasons[best] ?? []).prefix(3).joined(separator: ", ")
        return SourceDetection(source: best, evidence: evidence, strengths: strengths)
    }

    /// The source to load `input` as: `given` when the content does not contradict it, else the detected one.
    static func resolve(_ input: InputFile, given: TicketSource?) throws -> TicketSource {
        let detected = try detect(input)
        guard let given else { return detected.source }
        if detected.empty { return given }
        if given == detected.source || detected.strength(given) == .strong { return given }
        // Another tool's own fields, or none of the given one's: loading would misread every ticket.
        let refused = detected.strength(detected.source) == .strong
            || (given != .generic && detected.strength(given) == .none)
        if refused {
            throw IngestError.wrongSource(source: input.source, given: given, likely: detected.source, evidence: detected.evidence)
        }
        return given
    }
}

/// The first row of a CSV file, as text.
enum CSVHeader {
    /// `delimiter` nil: the one `DelimiterSniffer` finds.
    static func read(_ input: InputFile, delimiter: UInt8? = nil) throws -> [String] {
        let scanner = try CSVScanner(path: input.path,
                                     delimiter: delimiter ?? DelimiterSniffer.detect(path: input.path))
        guard let first = try scanner.next() else { throw IngestError.emptyFile(input.source) }
        guard case .record(let record) = first else {
            if case let .malformed(_, reason, _) = first {
                throw IngestError.fileUnreadable(input.source, reason: "its header row is not valid CSV: \(reason)")
            }
            throw IngestError.emptyFile(input.source)
        }
        return (0..<record.count).map { record.string($0) }
    }
}
