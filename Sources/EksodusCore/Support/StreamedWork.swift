import Foundation

/// Values made one after the other on a thread of its own, each available to the caller as soon as it is made: the caller
/// works on the first while the thread makes the next (plan encodes item rows while SQLite stores the ones before).
///
/// `@unchecked Sendable`: each slot is written once, by the thread, before its semaphore is signalled, and read only after
/// waiting on it; the slots are a buffer of their own, never an array two threads touch.
final class StreamedWork<Value>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Value?>
    private let made: [DispatchSemaphore]
    private let make: (Int) -> Value

    init(count: Int, _ make: @escaping (Int) -> Value) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
        made = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        self.make = make
        let thread = Thread { [self] in
            for index in 0..<count {
                slots[index] = self.make(index)
                made[index].signal()
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Value `index`, once it is made.
    func value(_ index: Int) -> Value {
        made[index].wait()
        made[index].signal()
        guard let value = slots[index] else { preconditionFailure("signalled before its value was set") }
        return value
    }

    /// The thread holds the work until it has made every value: the slots outlive it.
    deinit {
        slots.deinitialize()
        slots.deallocate()
    }
}
