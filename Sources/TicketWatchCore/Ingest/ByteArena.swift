/// A growable byte buffer with manually managed storage, so that spans into it can be handed to SQLite as
/// borrowed text (`Statement.bindBorrowedText`). Offsets stay valid across growth; pointers are valid only
/// until the next append (growth moves the storage), which is why the loader binds a batch only once it is full.
final class ByteArena {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 64 * 1024) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Appends `bytes` and returns their offset.
    @discardableResult
    func append(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let offset = count
        reserve(bytes.count)
        if let source = bytes.baseAddress, !bytes.isEmpty {
            (base + count).update(from: source, count: bytes.count)
        }
        count += bytes.count
        return offset
    }

    /// Appends `n` uninitialised bytes for `body` to fill in place; returns their offset.
    @discardableResult
    func append(count n: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Void) -> Int {
        let offset = count
        reserve(n)
        body(base + count)
        count += n
        return offset
    }

    func span(_ offset: Int, _ length: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + offset, count: length)
    }

    func removeAll() { count = 0 }

    private func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        var grown = capacity * 2
        while grown < count + extra { grown *= 2 }
        let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        storage.update(from: base, count: count)
        base.deallocate()
        base = storage
        capacity = grown
    }
}

@available(*, unavailable, message: "pointers into the arena belong to one loader on one thread")
extension ByteArena: Sendable {}
