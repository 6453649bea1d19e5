import Foundation

/// Reads a regular file in fixed-size chunks with `pread(2)` into one reusable buffer, so scanning a file of any
/// size takes constant memory. It reads at explicit offsets rather than a file position so the CSV scanner can
/// jump back after an unterminated quote without re-opening the file.
///
/// The scanners walk `base[position..<count]` themselves (no call per byte); `advance()` replaces the contents.
/// Errors are `CSVScannerError`, shared by both scanners.
final class ChunkedFileReader {
    static let defaultChunkSize = 1 << 20

    let path: String
    /// Size when opened; used for progress only (reading goes on until `pread` reports end of file).
    let fileSize: Int
    let chunkSize: Int
    /// Chunk storage. Its address never changes, so a hot loop may keep it across `advance()`.
    let base: UnsafeMutablePointer<UInt8>
    /// Valid bytes in `base`.
    private(set) var count = 0
    /// File offset of `base[0]`.
    private(set) var chunkOffset = 0
    /// The consumer's cursor into `base`; the consumer keeps it up to date before calling any method here.
    var position = 0

    private let fd: Int32

    /// File offset of the next unconsumed byte.
    var offset: Int { chunkOffset + position }

    init(path: String, chunkSize: Int = defaultChunkSize) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw CSVScannerError.cannotOpen(path: path, reason: Self.errnoText())
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = Self.errnoText()
            close(fd)
            throw CSVScannerError.cannotOpen(path: path, reason: reason)
        }
        // Seeking back needs a regular file; a pipe or directory would fail later with a less useful message.
        let kind = info.st_mode & 0o170000
        guard kind == 0o100000 else {
            close(fd)
            let reason = kind == 0o040000 ? "is a directory" : "not a regular file"
            throw CSVScannerError.cannotOpen(path: path, reason: reason)
        }
        self.fd = fd
        self.path = path
        self.fileSize = Int(info.st_size)
        self.chunkSize = max(1, chunkSize)
        self.base = .allocate(capacity: self.chunkSize)
    }

    deinit {
        base.deallocate()
        close(fd)
    }

    /// Replaces the buffer with the bytes that follow it. Returns false at end of file (then `count` is 0).
    func advance() throws -> Bool {
        chunkOffset += count
        count = 0
        position = 0
        count = try fill(base, capacity: chunkSize, at: chunkOffset)
        return count > 0
    }

    /// Moves the cursor to a file offset: free when it is inside the buffer, otherwise the next `advance()` reads there.
    func seek(to target: Int) {
        if target >= chunkOffset && target <= chunkOffset + count {
            position = target - chunkOffset
        } else {
            chunkOffset = target
            count = 0
            position = 0
        }
    }

    /// Up to `maxCount` bytes at `offset`, without disturbing the buffer (for error reports).
    func bytes(at offset: Int, maxCount: Int) throws -> [UInt8] {
        guard maxCount > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: maxCount)
        let got = try out.withUnsafeMutableBufferPointer { buffer -> Int in
            guard let dest = buffer.baseAddress else { return 0 }
            return try fill(dest, capacity: maxCount, at: offset)
        }
        out.removeLast(maxCount - got)
        return out
    }

    /// Moves past a UTF-8 byte-order mark at the start of the file; call before the first `advance()`.
    func skipByteOrderMark() throws {
        if try bytes(at: 0, maxCount: 3) == [0xEF, 0xBB, 0xBF] {
            seek(to: 3)
        }
    }

    private func fill(_ dest: UnsafeMutablePointer<UInt8>, capacity: Int, at offset: Int) throws -> Int {
        var filled = 0
        while filled < capacity {
            let got = pread(fd, dest + filled, capacity - filled, off_t(offset + filled))
            if got > 0 {
                filled += got
            } else if got == 0 {
                break
            } else if errno != EINTR {
                throw CSVScannerError.readFailed(path: path, reason: Self.errnoText())
            }
        }
        return filled
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
