import Foundation

/// Work that runs on a thread of its own while its caller goes on with other work; `value()` waits for its result. For
/// independent halves of one command on a machine with more than one core.
///
/// `@unchecked Sendable`: the result is written once, by the thread, before the semaphore is signalled, and read only
/// after waiting on it; the work must not share mutable state with the caller.
final class BackgroundWork<Value>: @unchecked Sendable {
    private let work: () throws -> Value
    private var result: Result<Value, Error>?
    private let finished = DispatchSemaphore(value: 0)

    init(_ work: @escaping () throws -> Value) {
        self.work = work
        let thread = Thread { [self] in
            result = Result(catching: self.work)
            finished.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The work's result (or its error), once it has finished; may be asked more than once.
    func value() throws -> Value {
        finished.wait()
        finished.signal()
        guard let result else { preconditionFailure("signalled before its result was set") }
        return try result.get()
    }
}
