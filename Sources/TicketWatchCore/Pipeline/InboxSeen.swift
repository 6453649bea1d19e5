import Foundation
import Logging

/// Remembers inbox files by path, size, inode and time stamps, so `run` skips a file it already loaded without
/// reading it again. Anything that changed falls back to the full content check in `Ingestor`; the change time
/// (ctime), which programs cannot set, catches a rewrite that kept the size and the modification time.
struct InboxSeen {
    let db: Database
    let logger: Logger

    struct Stamp: Equatable {
        let size: Int64
        let inode: Int64
        let modifiedNs: Int64
        let changedNs: Int64
    }

    func stamp(_ path: String) -> Stamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Stamp(size: Int64(info.st_size), inode: Int64(bitPattern: UInt64(info.st_ino)),
                     modifiedNs: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                     changedNs: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec))
    }

    func isUnchangedAndLoaded(_ path: String) throws -> Bool {
        guard let now = stamp(path) else { return false }
        let unchanged = try db.scalar("""
            SELECT count(*) FROM inbox_seen s JOIN ingest_files f ON f.content_sha256 = s.content_sha256
            WHERE s.path = ? AND s.size = ? AND s.inode = ? AND s.modified_ns = ? AND s.changed_ns = ?
            """, [.text(path), .integer(now.size), .integer(now.inode), .integer(now.modifiedNs), .integer(now.changedNs)])?.int == 1
        if unchanged { logger.debug("inbox file unchanged since it was loaded; not read again", metadata: ["file": "\(path)"]) }
        return unchanged
    }

    /// `stamp` is taken before the file was read: a file changed while it loaded then looks changed next time.
    func record(_ path: String, stamp now: Stamp?, sha256: String) throws {
        guard let now, !sha256.isEmpty else { return }
        try db.run("""
            INSERT INTO inbox_seen(path, size, inode, modified_ns, changed_ns, content_sha256) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(path) DO UPDATE SET size = excluded.size, inode = excluded.inode,
                modified_ns = excluded.modified_ns, changed_ns = excluded.changed_ns, content_sha256 = excluded.content_sha256
            """, [.text(path), .integer(now.size), .integer(now.inode), .integer(now.modifiedNs), .integer(now.changedNs),
                  .text(sha256)])
    }
}
