import Foundation

/// The daily job's "one at a time" guard: an exclusive lock on `<warehouse>.lock` that a second run finds held
/// and leaves at once (never queueing behind the first). The file records who holds it, so the second run can
/// say which process it met.
public final class JobLock {
    private let lock: FileLock
    public var path: String { lock.path }

    public enum LockError: Error, CustomStringConvertible {
        case held(path: String, holder: String)

        public var description: String {
            switch self {
            case let .held(path, holder):
                "another ticketwatch run is already working on this warehouse (\(holder); lock \(path)); this run exits and changes nothing. The next scheduled run will pick up whatever is left"
            }
        }
    }

    /// Takes the lock or throws `.held` at once.
    public init(warehousePath: String) throws {
        let path = warehousePath + ".lock"
        switch try FileLock.acquire(path, wait: false) {
        case .acquired(let lock):
            self.lock = lock
            lock.write("pid \(getpid()) since \(Clock.nowUTC())\n")
        case .held:
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            throw LockError.held(path: path, holder: holder.isEmpty ? "holder unknown" : holder)
        }
    }

    deinit {
        lock.write("")
    }
}
