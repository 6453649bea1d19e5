import Foundation
import TicketWatchCore

/// A one-line progress display on standard error for long loads: percent of the file and rows per second,
/// redrawn at most four times a second. Silent when standard error is not a terminal (systemd, pipes, tests),
/// so logs never fill with carriage returns.
final class ProgressLine {
    private let enabled = isatty(STDERR_FILENO) == 1
    private var started: Date?
    private var lastDrawn = Date.distantPast
    private var shown = false

    func update(_ p: IngestProgress) {
        guard enabled else { return }
        let now = Date()
        if started == nil { started = now }
        guard now.timeIntervalSince(lastDrawn) >= 0.25 else { return }
        lastDrawn = now
        let elapsed = max(now.timeIntervalSince(started ?? now), 0.001)
        let rate = Int(Double(p.records) / elapsed)
        let text = String(format: "\r%@: %3.0f%%  %d rows  %d rows/s ", p.source, p.fraction * 100, p.records, rate)
        FileHandle.standardError.write(Data(text.utf8))
        shown = true
    }

    /// A pull's pages, tickets and the date reached: a first pull of a large history takes a while.
    func update(_ p: PullProgress) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDrawn) >= 0.25 else { return }
        lastDrawn = now
        let reached = p.reached.map { " reached \($0.prefix(10))" } ?? ""
        let text = "\r\u{1B}[K\(p.source): \(p.pages) page\(p.pages == 1 ? "" : "s"), \(p.tickets) tickets\(reached) "
        FileHandle.standardError.write(Data(text.utf8))
        shown = true
    }

    func clear() {
        guard shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        shown = false
        started = nil
    }
}
