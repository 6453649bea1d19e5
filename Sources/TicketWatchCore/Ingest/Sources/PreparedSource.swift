/// A file's source, settled before any file is loaded (so a wrong `--source` on the third file stops the
/// command before the first is half-done), with what that source needs read up front.
struct PreparedSource {
    let kind: TicketSource
    /// A Jira file's column positions, from its header.
    var jira: JiraColumns?

    init(kind: TicketSource, jira: JiraColumns? = nil) {
        self.kind = kind
        self.jira = jira
    }

    static func prepare(_ input: InputFile, options: IngestOptions) throws -> PreparedSource {
        let kind = try SourceDetection.resolve(input, given: options.sources.source)
        if kind != .generic, !options.mapping.overrides.isEmpty {
            throw IngestError.optionNotForSource(option: "--column", source: input.source, kind: kind)
        }
        if kind != .generic, !options.dialect.tagColumns.isEmpty {
            throw IngestError.optionNotForSource(option: "--tag-column", source: input.source, kind: kind)
        }
        switch kind {
        case .jira:
            let columns = try JiraColumns.resolve(header: CSVHeader.read(input), queueColumn: options.sources.jiraQueueColumn,
                                                  source: input.source)
            _ = try JiraDates(format: options.sources.jiraDateFormat)  // a bad --date-format fails before loading
            return PreparedSource(kind: kind, jira: columns)
        default:
            return PreparedSource(kind: kind)
        }
    }
}
