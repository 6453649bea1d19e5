import Foundation

/// The daily job's "one at a time" guard: an exclusive `flock` on `<warehouse>.lock`.
///
/// The kernel drops the lock when the process exits for any reason — killed, crashed, out of memory — so a run
/// that died never leaves a stale lock behind, unlike a PID file. The file also records who holds it, so the
/// second run can say which process it is waiting on.
public final class JobLock {
    private let descriptor: Int32
    public let path: String

    public enum LockError: Error, CustomStringConvertible {
        case held(path: String, holder: String)
        case cannotOpen(path: String, reason: String)

        public var description: String {
            switch self {
            case let .held(path, holder):
                "another ticketwatch run is already working on this warehouse (\(holder); lock \(path)); this run exits and changes nothing. The next scheduled run will pick up whatever is left"
            case let .cannotOpen(path, reason):
                "cannot open the job lock \(path): \(reason); check that the warehouse's directory is writable"
            }
        }
    }

    /// Takes the lock or throws `.held` at once: a second run never queues behind the first.
    public init(warehousePath: String) throws {
        path = warehousePath + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LockError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            throw LockError.held(path: path, holder: holder.isEmpty ? "holder unknown" : holder)
        }
        descriptor = fd
        let note = "pid \(getpid()) since \(Clock.nowUTC())\n"
        _ = ftruncate(fd, 0)
        _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit {
        _ = ftruncate(descriptor, 0)
        close(descriptor)  // releases the flock
    }
}
