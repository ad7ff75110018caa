#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif
import EksodusCore
import Foundation

/// One progress line on standard error, redrawn in place, only when standard error is a terminal and --quiet is not given:
/// piped or redirected output never carries it. At most ten redraws a second; `finish()` clears the line.
final class TerminalProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private var finished = false
    private let began = Date()
    /// What the work is doing now (`prod (2/5): check 12/58 NET009`), set from the work's own thread. Its own lock: `draw`
    /// holds `lock` while it builds the line, which reads the step.
    private var step = ""
    private let stepLock = NSLock()
    /// A ticking line's text, and whether a step has been drawn yet (both under `lock`).
    private var tickingLine: (@Sendable () -> String)?
    private var stepShown = false

    private init() {}

    /// A progress line, or nil when it must not be drawn.
    static func onTerminal(quiet: Bool) -> TerminalProgress? {
        quiet || isatty(2) != 1 ? nil : TerminalProgress()
    }

    /// A line that says `label` and the time spent, redrawn twice a second until `finish()`, for work that cannot count its steps.
    static func ticking(_ label: String, quiet: Bool) -> TerminalProgress? {
        guard let progress = onTerminal(quiet: quiet) else { return nil }
        let line: @Sendable () -> String = { [progress] in
            let step = progress.currentStep
            return "\(label)… " + (step.isEmpty ? "" : step + "  ") + TerminalProgress.duration(Date().timeIntervalSince(progress.began))
        }
        progress.lock.lock()
        progress.tickingLine = line
        progress.lock.unlock()
        let thread = Thread { [progress] in
            while progress.draw(line) {
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
        thread.start()
        return progress
    }

    /// Sets the step a ticking line shows, as a closure the core can call without knowing about terminals.
    var stepReporter: @Sendable (String) -> Void {
        { [self] step in
            stepLock.lock()
            self.step = step
            stepLock.unlock()
            // The first step is drawn at once, even within the redraw limit: a run shorter than one tick still says what it
            // was doing. Later steps wait for the next tick.
            lock.lock()
            let line = stepShown ? nil : tickingLine
            lock.unlock()
            if let line { draw(line, now: true) }
        }
    }

    private var currentStep: String {
        stepLock.lock()
        defer { stepLock.unlock() }
        return step
    }

    /// Redraws the line unless the last redraw was under 0.1 s ago; false once finished.
    @discardableResult
    func draw(_ line: () -> String, now drawNow: Bool = false) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return false }
        let now = Date()
        guard drawNow || now.timeIntervalSince(lastDraw) >= 0.1 else { return true }
        lastDraw = now
        // The step is read before the line is made: one set while this redraw ran (after `line()` read none) was not shown,
        // and counting it as shown kept the step's own immediate draw from happening (a short run never named its step).
        let stepBefore = currentStep
        // Names come from the user's files: shown visibly, never as raw escape sequences.
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line().visibleLine).utf8))
        if !stepBefore.isEmpty { stepShown = true }
        return true
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return }
        finished = true
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    static func duration(_ seconds: TimeInterval) -> String {
        let whole = Int(seconds.rounded())
        return whole < 60 ? "\(whole)s" : whole < 3600 ? "\(whole / 60)m\(String(format: "%02d", whole % 60))s"
            : "\(whole / 3600)h\(String(format: "%02d", whole / 60 % 60))m"
    }

    static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f", Double(bytes) / 1_048_576)
    }

    /// `import`'s line: the file under way and how far into it, files done, objects per second, time left.
    static func line(_ progress: ImportProgress) -> String {
        var parts: [String] = []
        if let file = progress.currentFile {
            let name = URL(fileURLWithPath: file).lastPathComponent
            parts.append("\(name) \(megabytes(progress.currentBytes))" + (progress.currentSize.map { "/\(megabytes($0))" } ?? "") + " MB")
        }
        parts.append("files \(progress.filesDone)/\(progress.filesTotal)")
        parts.append("\(progress.objects) objects (\(Int(progress.objectsPerSecond.rounded()))/s)")
        if let left = progress.secondsLeft { parts.append("about \(duration(left)) left") }
        return "  " + parts.joined(separator: "  ")
    }
}
