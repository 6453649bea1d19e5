import Foundation

/// Keeps two `notify` runs on one warehouse from posting the same pending alerts at once (the timer's run and
/// one started by hand): the second waits for the first, then finds those alerts delivered.
///
/// An advisory `flock` on `WAREHOUSE-notify.lock`, released when the process ends however it ends, so a killed
/// run never leaves a stale lock behind.
final class NotifyLock {
    private let descriptor: Int32

    init(warehousePath: String) throws {
        let path = warehousePath + "-notify.lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw FileProblem(message: "cannot open the notify lock \(path): \(String(cString: strerror(errno)))")
        }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw FileProblem(message: "cannot lock \(path): \(reason)")
            }
        }
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
