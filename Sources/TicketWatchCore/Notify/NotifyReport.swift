/// What one `notify` run did for one destination.
public struct DestinationReport: Sendable {
    public let name: String
    public let kind: DestinationKind
    /// The URL's host: all of the URL a message may show.
    public let host: String
    /// First seen in this run; `backfillFrom` is then the first day it gets alerts of (nil: all).
    public var isNew = false
    public var backfillFrom: String?
    /// Alerts this run recorded as skipped (older than the backfill) and put back to pending.
    public var skipped = 0
    public var requeued = 0
    public var urlChanged = false
    /// Alerts delivered in this run, the posts that carried them, and the HTTP attempts made.
    public var delivered = 0
    /// Follow-ups delivered in this run: corrections of withdrawn alerts, recoveries.
    public var notices = 0
    public var posts = 0
    public var attempts = 0
    /// What the run would post (dry run) or posted.
    public var messages: [OutgoingMessage] = []
    /// After the run: alerts still to send (next run) and alerts the destination refused for good.
    public var pending = 0
    public var failed = 0
    /// Why alerts are left: the last error, retry time used up, the refusal text.
    public var problem: String?

    public var isComplete: Bool { pending == 0 && failed == 0 }
}

/// What one `notify` run did: a report per destination, and the destinations that could not even be set up.
public struct NotifyReport: Sendable {
    public var destinations: [DestinationReport] = []
    public var problems: [DestinationProblem] = []

    /// True when every destination got everything it should have: the exit status.
    public var isComplete: Bool { problems.isEmpty && destinations.allSatisfy(\.isComplete) }
}
