/// The one place that says which files a given date format cannot apply to: generic ticket files, today, whose
/// dates are read as ISO 8601 only. Such a file given a date format is refused before a row is read, instead of
/// loading with every non-ISO row rejected and exit status 0 (issue #22). Jira's CSV export reads the format;
/// Zendesk's and Freshdesk's API exports always carry ISO dates, so a site-wide `ingest.date_format` for its
/// Jira files does not stop them. When the date format applies to generic files too (issue #18), this check
/// goes, and nothing else changes.
enum DateFormatScope {
    static let refusedFor: Set<TicketSource> = [.generic]

    static func check(_ options: SourceOptions, kind: TicketSource, source: String) throws {
        guard options.dateFormatGiven, refusedFor.contains(kind) else { return }
        throw IngestError.dateFormatNotForSource(source: source, kind: kind)
    }
}
