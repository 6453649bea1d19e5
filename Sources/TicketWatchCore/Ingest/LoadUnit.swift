/// What one load transaction reads, and where it came from: the `ingest_files` row it writes. A file (`ingest`,
/// the inbox) or a page pulled from a helpdesk's API (`pull`); both go through the same validator, writer and
/// rejects.
enum LoadUnit {
    case file(PreparedFile)
    case page(PulledPage)

    /// `ingest_files.source`: the path as given, or `pull:NAME`.
    var source: String {
        switch self {
        case .file(let file): file.input.source
        case .page(let page): page.source
        }
    }

    var sha256: String {
        switch self {
        case .file(let file): file.input.sha256
        case .page(let page): page.sha256
        }
    }

    var format: TicketFormat {
        switch self {
        case .file(let file): file.input.format
        case .page: .jsonl  // JSON of any layout
        }
    }

    var bytes: Int {
        switch self {
        case .file(let file): file.input.bytes
        case .page(let page): page.bytes
        }
    }

    var helpdesk: TicketSource {
        switch self {
        case .file(let file): file.kind.kind
        case .page(let page): page.helpdesk
        }
    }

    var columns: ColumnMapping.CSVColumns? {
        if case .file(let file) = self { return file.columns }
        return nil
    }
}

/// One answer of a helpdesk's API, read into records by the source's kind (`Pull/`): its tickets as the
/// helpdesk's export reader maps them, or why an item is not one. Recorded in `ingest_files` as `pull:NAME` with
/// the SHA-256 of the answer's bytes; a reject's `line` is the item's 1-based position in the page.
struct PulledPage {
    enum Record {
        case ticket(RawTicket, raw: String)
        case malformed(reason: String, raw: String?)
    }

    let source: String
    let helpdesk: TicketSource
    let bytes: Int
    let sha256: String
    var records: [Record]
}
