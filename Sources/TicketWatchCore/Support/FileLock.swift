import Foundation

/// An exclusive advisory `flock` on a file beside the warehouse, held for the owner's lifetime.
///
/// The kernel drops it when the process exits for any reason — killed, crashed, out of memory — so a run that
/// died never leaves a stale lock behind, unlike a PID file.
final class FileLock {
    private let descriptor: Int32
    let path: String

    enum Outcome {
        case acquired(FileLock)
        /// Only with `wait: false`: another process holds it.
        case held
    }

    /// Takes the lock, waiting for it (`wait: true`) or returning `.held` at once.
    static func acquire(_ path: String, wait: Bool) throws -> Outcome {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileProblem(message: "cannot open the lock \(path): \(String(cString: strerror(errno)))") }
        while flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            if errno == EINTR { continue }
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { return .held }
            throw FileProblem(message: "cannot lock \(path): \(String(cString: strerror(code)))")
        }
        return .acquired(FileLock(descriptor: fd, path: path))
    }

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    /// Replaces the lock file's content (who holds it, for the message of whoever finds it held).
    func write(_ text: String) {
        _ = ftruncate(descriptor, 0)
        _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    deinit {
        close(descriptor)  // releases the flock
    }
}
