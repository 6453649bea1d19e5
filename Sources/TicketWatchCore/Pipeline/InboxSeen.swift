import Foundation

/// Remembers inbox files by path, size and modification time, so `run` skips a file it already loaded without
/// hashing it again. Anything that changed (size, time, or content loaded under another name that was since
/// removed from the manifest) falls back to the full content check in `Ingestor`.
struct InboxSeen {
    let db: Database

    typealias Stamp = (size: Int64, modifiedNs: Int64)

    func stamp(_ path: String) -> Stamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (Int64(info.st_size), Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
    }

    func isUnchangedAndLoaded(_ path: String) throws -> Bool {
        guard let now = stamp(path) else { return false }
        return try db.scalar("""
            SELECT count(*) FROM inbox_seen s JOIN ingest_files f ON f.content_sha256 = s.content_sha256
            WHERE s.path = ? AND s.size = ? AND s.modified_ns = ?
            """, [.text(path), .integer(now.size), .integer(now.modifiedNs)])?.int == 1
    }

    /// `stamp` is taken before the file was read: a file changed while it loaded then looks changed next time.
    func record(_ path: String, stamp now: Stamp?, sha256: String) throws {
        guard let now, !sha256.isEmpty else { return }
        try db.run("""
            INSERT INTO inbox_seen(path, size, modified_ns, content_sha256) VALUES (?, ?, ?, ?)
            ON CONFLICT(path) DO UPDATE SET size = excluded.size, modified_ns = excluded.modified_ns,
                content_sha256 = excluded.content_sha256
            """, [.text(path), .integer(now.size), .integer(now.modifiedNs), .text(sha256)])
    }
}
