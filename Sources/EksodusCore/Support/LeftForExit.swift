import Foundation

/// Large values a one-shot command is done with, left for the process's exit to reclaim. Freeing a 93k-object estate object
/// by object cost assess and plan a tenth of a second each, the plan's items and a report's runbook as much again; at exit
/// the kernel takes the whole heap back at once. Off unless the command-line tool turns it on (`enable`): a library user and
/// the tests keep ordinary lifetimes, and nothing is ever left behind in a long-lived process.
///
/// `@unchecked Sendable`: every access to `kept` and `enabled` holds `lock`.
public final class LeftForExit: @unchecked Sendable {
    private static let shared = LeftForExit()
    private let lock = NSLock()
    private var enabled = false
    private var kept: [Any] = []

    /// Called once by a process that exits when its command is done.
    public static func enable() {
        shared.lock.withLock { shared.enabled = true }
    }

    /// Keeps a reference to `value` until the process exits, when leaving is enabled; otherwise does nothing. A value type's
    /// buffers (arrays, strings) are shared, not copied: the caller's copy going out of scope then frees nothing.
    static func keep(_ value: Any) {
        shared.lock.withLock {
            guard shared.enabled else { return }
            shared.kept.append(value)
        }
    }
}
