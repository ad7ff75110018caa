import Foundation

/// `map` over independent elements on as many threads as the machine has cores (one thread, the caller's, on a single
/// core), each taking the next element not yet taken; results come back in the elements' order.
enum ParallelMap {
    static func map<Element: Sendable, Result: Sendable>(_ elements: [Element], _ transform: @escaping @Sendable (Element) -> Result) -> [Result] {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, elements.count)
        guard workers > 1 else { return elements.map(transform) }
        let shared = Shared<Result>(count: elements.count)
        func work() {
            while let index = shared.take() { shared.set(index, transform(elements[index])) }
        }
        // The caller is one of the workers; its own threads (`BackgroundWork`) have the stack the deep work needs.
        let others = (1..<workers).map { _ in BackgroundWork { work() } }
        work()
        for other in others { try? other.value() }
        return shared.results()
    }

    /// `@unchecked Sendable`: `next` and `slots` are read and written only while holding `lock`.
    private final class Shared<Result>: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private var slots: [Result?]

        init(count: Int) { slots = Array(repeating: nil, count: count) }

        func take() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard next < slots.count else { return nil }
            next += 1
            return next - 1
        }

        func set(_ index: Int, _ result: Result) {
            lock.lock(); defer { lock.unlock() }
            slots[index] = result
        }

        func results() -> [Result] {
            lock.lock(); defer { lock.unlock() }
            return slots.map { $0! }
        }
    }
}
