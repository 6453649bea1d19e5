/// Where the ticket fields are in a Jira Service Management CSV export. Jira writes one column per value of a
/// multi-valued field, all under the same header: three labels are three `Labels` columns, two components two
/// `Component/s` columns (and rows with fewer values leave the extra cells empty).
struct JiraColumns {
    var issueKey: Int
    var created: Int
    var updated: Int?
    var priority: Int?
    var summary: Int?
    var issueType: Int?
    var labels: [Int] = []
    /// Every column with the queue's header, first non-empty value wins (components are repeated too).
    var queue: [Int] = []
    var queueHeader: String?
    var headerCount: Int
    var ignored: [String] = []

    /// The queue comes from the request type, the way JSM groups requests; projects without request types
    /// usually group by component. The export names the request type differently by version and language setting.
    static let defaultQueueColumns = [
        "Request Type", "Customer Request Type", "Custom field (Request Type)", "Custom field (Customer Request Type)",
        "Component/s",
    ]

    static func resolve(header: [String], queueColumn: String?, source: String) throws -> JiraColumns {
        let normalized = header.map { $0.trimmedWhitespace.lowercased() }
        func all(_ name: String) -> [Int] {
            let wanted = name.trimmedWhitespace.lowercased()
            return normalized.indices.filter { normalized[$0] == wanted }
        }
        guard let key = all("Issue key").first else {
            throw IngestError.jiraColumnMissing(source: source, column: "Issue key", available: header)
        }
        guard let created = all("Created").first else {
            throw IngestError.jiraColumnMissing(source: source, column: "Created", available: header)
        }
        var columns = JiraColumns(issueKey: key, created: created, headerCount: header.count)
        columns.updated = all("Updated").first
        columns.priority = all("Priority").first
        columns.summary = all("Summary").first
        columns.issueType = all("Issue Type").first
        columns.labels = all("Labels")
        if let queueColumn {
            columns.queue = all(queueColumn)
            guard !columns.queue.isEmpty else {
                throw IngestError.jiraColumnMissing(source: source, column: queueColumn, available: header)
            }
            columns.queueHeader = queueColumn
        } else if let name = defaultQueueColumns.first(where: { !all($0).isEmpty }) {
            columns.queue = all(name)
            columns.queueHeader = name
        }
        var used = Set([key, created] + columns.labels + columns.queue)
        for index in [columns.updated, columns.priority, columns.summary, columns.issueType] {
            if let index { used.insert(index) }
        }
        var ignored: [String] = []
        for (offset, name) in header.enumerated() where !used.contains(offset) && !ignored.contains(name) {
            ignored.append(name)
        }
        columns.ignored = ignored
        return columns
    }

    /// Every column read, for the UTF-8 check.
    var used: [Int] {
        [issueKey, created] + [updated, priority, summary, issueType].compactMap { $0 } + labels + queue
    }
}
