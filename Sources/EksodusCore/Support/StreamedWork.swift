import Foundation

/// Values made one after the other on a thread of its own, each taken by the caller as soon as it is made: the caller
/// works on one while the thread makes the next (plan encodes item rows while SQLite stores the ones before). The thread
/// stays at most `ahead` values ahead of the caller, so only those are held at once.
///
/// `@unchecked Sendable`: each slot is written once, by the thread, before its semaphore is signalled, and read (and
/// emptied) only after waiting on it; the slots are a buffer of their own, never an array two threads touch.
final class StreamedWork<Value>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Value?>
    private let made: [DispatchSemaphore]
    private let make: (Int) -> Value
    private let room: DispatchSemaphore
    /// Set by `stop()` (under `lock`): the thread makes nothing more.
    private var stopped = false
    private let lock = NSLock()

    init(count: Int, ahead: Int = 2, _ make: @escaping (Int) -> Value) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
        made = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        self.make = make
        room = DispatchSemaphore(value: max(1, ahead))
        let thread = Thread { [self] in
            for index in 0..<count {
                room.wait()
                if isStopped { break }
                slots[index] = self.make(index)
                made[index].signal()
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Value `index`, once it is made; each is taken once, in order, which lets the thread make one more.
    func take(_ index: Int) -> Value {
        made[index].wait()
        guard let value = slots[index] else { preconditionFailure("signalled before its value was set") }
        slots[index] = nil
        room.signal()
        return value
    }

    /// No more values: a caller that gives up early (an error) lets the waiting thread end instead of blocking for good.
    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        room.signal()
    }

    private var isStopped: Bool {
        lock.lock(); defer { lock.unlock() }
        return stopped
    }

    /// The thread holds the work until it has made every value (or was stopped): the slots outlive it.
    deinit {
        slots.deinitialize()
        slots.deallocate()
    }
}
