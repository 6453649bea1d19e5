/// Keeps two `notify` runs on one warehouse from posting the same pending alerts at once (the timer's run and
/// one started by hand): the second waits for the first, then finds those alerts delivered.
final class NotifyLock {
    private let lock: FileLock

    init(warehousePath: String) throws {
        guard case .acquired(let lock) = try FileLock.acquire(warehousePath + "-notify.lock", wait: true) else {
            throw FileProblem(message: "cannot lock \(warehousePath)-notify.lock")
        }
        self.lock = lock
    }
}
