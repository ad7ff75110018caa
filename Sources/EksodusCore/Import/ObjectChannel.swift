import Foundation

/// A bounded queue between the threads that parse files and the one that writes the inventory.
/// Producers block while it is full, so memory stays flat however large the input.
final class ObjectChannel<Message>: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [Message] = []
    private var head = 0
    private let capacity: Int
    private var openProducers: Int
    private var cancelled = false

    init(capacity: Int, producers: Int) {
        self.capacity = capacity
        self.openProducers = producers
    }

    /// Adds a message; returns false when the consumer has given up and the producer should stop.
    @discardableResult
    func put(_ message: Message) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count - head >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        queue.append(message)
        condition.broadcast()
        return true
    }

    /// The next message, or nil once every producer has finished and the queue is empty.
    func take() -> Message? {
        condition.lock()
        defer { condition.unlock() }
        while head == queue.count && openProducers > 0 { condition.wait() }
        guard head < queue.count else { return nil }
        let message = queue[head]
        head += 1
        if head > 64 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return message
    }

    func producerFinished() {
        condition.lock()
        openProducers -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Wakes and stops every producer.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
