import Crypto
import Foundation

/// A ticket file ready to load: a seekable path (standard input is spooled to a temporary file first, so it is
/// read like any file and its content hash is known before loading), its SHA-256 and its format.
struct InputFile {
    /// The path as given: what `ingest_files.source` and `ingest_rejects.source` record ('-' for standard input).
    let source: String
    /// Where the bytes are read from.
    let path: String
    let sha256: String
    let bytes: Int
    let format: TicketFormat
    private let isSpooled: Bool

    static let chunkSize = 1 << 20

    init(source: String, format explicitFormat: TicketFormat?) throws {
        self.source = source
        if source == "-" {
            let spool = FileManager.default.temporaryDirectory
                .appendingPathComponent("ticketwatch-stdin-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
                .path
            (sha256, bytes) = try InputFile.copyHashing(from: FileHandle.standardInput, to: spool, source: source)
            path = spool
            isSpooled = true
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else {
                throw IngestError.fileMissing(source)
            }
            guard !isDirectory.boolValue else { throw IngestError.fileUnreadable(source, reason: "it is a directory") }
            guard let handle = FileHandle(forReadingAtPath: source) else {
                throw IngestError.fileUnreadable(source, reason: String(cString: strerror(errno)))
            }
            defer { try? handle.close() }
            (sha256, bytes) = try InputFile.copyHashing(from: handle, to: nil, source: source)
            path = source
            isSpooled = false
        }
        if let explicitFormat {
            format = explicitFormat
        } else if let byName = TicketFormat.fromExtension(source) {
            format = byName
        } else if let sniffed = TicketFormat.sniff(try InputFile.prefix(of: path, source: source)) {
            format = sniffed
        } else {
            throw IngestError.emptyFile(source)
        }
    }

    /// Removes the spool file of standard input; a path the user gave is never touched.
    func cleanUp() {
        if isSpooled { try? FileManager.default.removeItem(atPath: path) }
    }

    private static func copyHashing(from handle: FileHandle, to spoolPath: String?, source: String) throws -> (String, Int) {
        var hasher = SHA256()
        var total = 0
        var spool: FileHandle?
        if let spoolPath {
            guard FileManager.default.createFile(atPath: spoolPath, contents: nil, attributes: [.posixPermissions: 0o600]),
                  let out = FileHandle(forWritingAtPath: spoolPath) else {
                throw IngestError.fileUnreadable(source, reason: "cannot create a temporary copy at \(spoolPath)")
            }
            spool = out
        }
        defer { try? spool?.close() }
        do {
            while let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty {
                hasher.update(data: chunk)
                total += chunk.count
                try spool?.write(contentsOf: chunk)
            }
        } catch {
            throw IngestError.fileUnreadable(source, reason: "\(error.localizedDescription)")
        }
        let digest = hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        return (digest, total)
    }

    private static func prefix(of path: String, source: String) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw IngestError.fileUnreadable(source, reason: String(cString: strerror(errno)))
        }
        defer { try? handle.close() }
        return Array((try? handle.read(upToCount: 4096)) ?? Data())
    }
}
