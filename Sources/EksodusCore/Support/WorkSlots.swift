import Foundation

/// The results of work on several threads, by element: each thread takes the next index no one has taken, and sets its
/// result; `results()` gives them in the elements' order once every thread is done (`ParallelMap`, `Estate.loadEach`).
///
/// `@unchecked Sendable`: `next` and `slots` are read and written only while holding `lock`.
final class WorkSlots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var slots: [Value?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func take() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < slots.count else { return nil }
        next += 1
        return next - 1
    }

    func set(_ index: Int, _ value: Value) {
        lock.lock(); defer { lock.unlock() }
        slots[index] = value
    }

    func results() -> [Value] {
        lock.lock(); defer { lock.unlock() }
        return slots.map { slot in
            guard let slot else { preconditionFailure("an element was taken but never set") }
            return slot
        }
    }
}
