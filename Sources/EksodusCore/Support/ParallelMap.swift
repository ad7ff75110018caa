import Foundation

/// `map` over independent elements on as many threads as the machine has cores (one thread, the caller's, on a single
/// core), each taking the next element not yet taken; results come back in the elements' order.
enum ParallelMap {
    static func map<Element: Sendable, Result: Sendable>(_ elements: [Element], _ transform: @escaping @Sendable (Element) -> Result) -> [Result] {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, elements.count)
        guard workers > 1 else { return elements.map(transform) }
        let shared = WorkSlots<Result>(count: elements.count)
        func work() {
            while let index = shared.take() { shared.set(index, transform(elements[index])) }
        }
        // The caller is one of the workers; its own threads (`BackgroundWork`) have the stack the deep work needs.
        let others = (1..<workers).map { _ in BackgroundWork { work() } }
        work()
        for other in others { try? other.value() }
        return shared.results()
    }
}
