import Crypto
import Foundation
import Logging

/// Settings of one `pull` (or the pull step of `run`).
public struct PullOptions: Sendable {
    /// Widens this pull backwards to this day (UTC); never moves a stored mark back.
    public var since: CivilDate?
    /// Seconds one request may take.
    public var timeout: Double = 10
    /// 429s, 5xx and network failures are retried within this many seconds per request.
    public var retry = RetryPolicy()
    /// `[ingest.priorities]` / `--priority-map`, applied to pulled tickets as to loaded files.
    public var priorityMap: [String: String] = [:]

    public init() {}
}

/// How far one source's pull got.
public struct SourcePullSummary: Sendable {
    public let name: String
    public let kind: PullKind
    public var pages = 0
    public var loaded = 0
    public var duplicates = 0
    public var updated = 0
    public var outdated = 0
    public var rejected = 0
    /// The greatest update time stored after this pull (UTC).
    public var reached: String?
    /// Why it stopped short; nil when it got to the present.
    public var problem: String?

    public var succeeded: Bool { problem == nil }
}

/// What a pull shows while it runs: pages, tickets, and the date reached.
public struct PullProgress: Sendable {
    public let source: String
    public let pages: Int
    public let tickets: Int
    public let reached: String?
}

/// Fetches each source's changes since its mark and loads them page by page, as `ingest` loads that helpdesk's
/// export: each page's tickets and the mark that moved past them commit in one transaction, so a pull killed
/// anywhere resumes at the first page not committed, and no page is lost or counted twice. One source failing
/// (a refused credential, a helpdesk down past `--retry-for`) leaves it as it was and the others are pulled.
public struct Puller {
    let warehouse: Warehouse
    let options: PullOptions
    let logger: Logger
    let progress: ((PullProgress) -> Void)?

    public init(warehouse: Warehouse, options: PullOptions, logger: Logger,
                progress: ((PullProgress) -> Void)? = nil) {
        self.warehouse = warehouse
        self.options = options
        self.logger = logger
        self.progress = progress
    }

    public func pull(_ sources: [ConfiguredSource]) throws -> [SourcePullSummary] {
        try CurlGlobal.initialize()
        var summaries: [SourcePullSummary] = []
        for source in sources {
            var summary = SourcePullSummary(name: source.name, kind: source.kind)
            do {
                try pull(source, into: &summary)
            } catch let error as PullError {
                summary.problem = "\(error)"
            } catch let error as PageProblem {
                summary.problem = "\(PullError.badAnswer(source: source.name, reason: error.description))"
            } catch let error as HTTPError {
                summary.problem = "\(PullError.refused(source: source.name, answer: "\(error)"))"
            } catch {
                // Anything else (the warehouse busy or full): this source stops, the others are still pulled.
                summary.problem = "\(PullError.stopped(source: source.name, reason: "\(error)"))"
            }
            if let problem = summary.problem {
                logger.error("pull stopped", metadata: ["source": "\(source.name)", "reason": "\(problem)"])
            }
            do {
                try SourceCursors(db: warehouse.db).finish(source, outcome: summary, now: Clock.nowUTC())
            } catch {
                logger.error("outcome not recorded", metadata: ["source": "\(source.name)", "reason": "\(error)"])
                summary.problem = summary.problem ?? "\(PullError.stopped(source: source.name, reason: "\(error)"))"
            }
            summaries.append(summary)
        }
        return summaries
    }

    private func pull(_ source: ConfiguredSource, into summary: inout SourcePullSummary) throws {
        let cursors = SourceCursors(db: warehouse.db)
        // A mark stored in the future (before marks were capped) is brought back to now, as new ones are.
        let stored = try cursors.mark(source.name)?.capped(at: PullMark.limit(helpdeskNow: nil))
        summary.reached = stored?.reached
        let authorization = try PullCredential.authorization(for: source)
        let client = try HTTPClient(timeout: options.timeout)
        let fetcher = PageFetcher(source: source, authorization: authorization, client: client, retry: options.retry,
                                  logger: logger)
        var api = HelpdeskAPIs.make(source)
        try api.prepare(fetcher)
        let sinceDay = [options.since, stored == nil ? source.start : nil].compactMap { $0 }.min()
        let since = sinceDay.map { Date(timeIntervalSince1970: Double($0.daysSinceEpoch) * 86_400) } ?? .distantFuture
        var request: String? = api.firstRequest(mark: stored, since: since)
        var mark = stored
        let dialect = ImportDialect(priorityMap: options.priorityMap)
        let ingestor = Ingestor(warehouse: warehouse, options: IngestOptions(dialect: dialect), logger: logger)
        var asked: Set<String> = []
        while let url = request {
            // A helpdesk answering with the request just made (a cursor or token repeated without an end) would
            // be asked forever.
            guard asked.insert(url).inserted else {
                throw PullError.repeatedPage(source: source.name, after: summary.pages)
            }
            let response = try fetcher.get(url)
            let page = try api.read(response, request: url, mark: mark)
            // A widened pull (--since) goes over old ground first: its marks stay behind the stored one until it
            // passes it, and a mark never moves back. One ticket dated in the future does not take the mark there.
            let limit = PullMark.limit(helpdeskNow: RetryPolicy.httpDate(response.headers["date"]))
            var next = (page.mark ?? mark)?.capped(at: limit)
            if let candidate = next, let held = mark, (candidate.reached ?? "") < (held.reached ?? "") {
                next = held
            }
            let moved = next != mark
            let sha256 = SHA256.hash(data: response.bytes).map { String(format: "%02x", $0) }.joined()
            let pulled = PulledPage(source: "pull:\(source.name)", helpdesk: api.helpdesk, bytes: response.bytes.count,
                                    sha256: sha256, records: page.records)
            let now = Clock.nowUTC()
            func storeMark(_ db: Database) throws {
                if moved, let next { try cursors.store(next, source: source, now: now) }
            }
            if pulled.records.isEmpty {
                try warehouse.db.writeTransaction { try storeMark(warehouse.db) }
            } else {
                var loaded = try ingestor.load(page: pulled, alongside: storeMark)
                // The same bytes loaded before (a page asked for again): the same versions, nothing to change.
                if loaded.alreadyLoadedAs != nil { loaded.duplicates = pulled.records.count }
                summary.loaded += loaded.loaded
                summary.duplicates += loaded.duplicates
                summary.updated += loaded.updated
                summary.outdated += loaded.outdated
                summary.rejected += loaded.rejected
            }
            mark = next
            summary.pages += 1
            summary.reached = mark?.reached
            logger.info("page pulled", metadata: [
                "source": "\(source.name)", "page": "\(summary.pages)", "items": "\(pulled.records.count)",
                "reached": "\(mark?.reached ?? "-")",
            ])
            progress?(PullProgress(source: source.name, pages: summary.pages,
                                   tickets: summary.loaded + summary.updated, reached: mark?.reached))
            request = page.next
        }
    }
}
