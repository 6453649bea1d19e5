/// Which tool wrote a ticket file: it decides how records become tickets (field names, priority vocabulary,
/// date forms). Chosen with `--source`, else detected from the content (`SourceDetection`); recorded per file in
/// `ingest_files.helpdesk`.
public enum TicketSource: String, CaseIterable, Sendable {
    /// TicketWatch's own columns (design.md): ticket_id, created_at, queue, priority, tags, subject.
    case generic
    /// Zendesk ticket JSON: REST pages `{"tickets":[…]}`, incremental exports, or one ticket per line.
    case zendesk
    /// Freshdesk ticket JSON from its API: arrays of tickets, or one per line; numeric priorities.
    case freshdesk
    /// Jira Service Management's CSV export ("Export issues → CSV"); `pull` reads Jira Cloud's REST issues.
    case jira
    /// ServiceNow Table API records (`{"result":[…]}`), as `pull` fetches them or a JSON export saves them.
    case servicenow

    /// As people write it in messages.
    public var displayName: String {
        switch self {
        case .generic: "generic ticket file"
        case .zendesk: "Zendesk export"
        case .freshdesk: "Freshdesk export"
        case .jira: "Jira Service Management CSV export"
        case .servicenow: "ServiceNow Table API export"
        }
    }

    /// The names `--source` accepts, for help and errors.
    public static var names: String { allCases.map(\.rawValue).joined(separator: "|") }
}

/// What the helpdesk sources need beyond the generic loader's options.
public struct SourceOptions: Sendable {
    /// Jira's own default, as in `28/Nov/25 5:03 PM`.
    public static let defaultJiraDateFormat = "dd/MMM/yy h:mm a"

    /// `--source`: nil detects each file's source from its content.
    public var source: TicketSource?
    /// Group (queue) names by group id, for Zendesk and Freshdesk: `--map-group ID=NAME` and `--groups FILE`.
    public var groups = GroupNames()
    /// The Jira instance's date format (Unicode/ICU pattern); ISO 8601 dates are recognised without it.
    public var jiraDateFormat = SourceOptions.defaultJiraDateFormat
    /// The Jira column the queue is taken from; nil: the first of `JiraColumns.defaultQueueColumns` present.
    public var jiraQueueColumn: String?

    public init(source: TicketSource? = nil, groups: GroupNames = GroupNames(),
                jiraDateFormat: String = SourceOptions.defaultJiraDateFormat, jiraQueueColumn: String? = nil) {
        self.source = source
        self.groups = groups
        self.jiraDateFormat = jiraDateFormat
        self.jiraQueueColumn = jiraQueueColumn
    }
}
