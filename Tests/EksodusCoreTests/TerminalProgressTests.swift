#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest
@testable import EksodusCore

/// On a terminal, assess and plan draw a progress line that says what they are doing, on standard error only, and finish.
/// Run on a pseudo-terminal: the line must name the step (a check, a cluster, the items being stored), the command must
/// end (the line's redraw and the step it reads must never wait on each other), and standard output stays clean.
final class TerminalProgressTests: XCTestCase {
    /// What the terminal showed, filled by the reading thread.
    final class Shown: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func append(_ bytes: ArraySlice<UInt8>) { lock.lock(); data.append(contentsOf: bytes); lock.unlock() }
        var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }
    }

    func binary() throws -> URL {
        var folders = [Bundle(for: Self.self).bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL]
        if let executable = Bundle.main.executableURL { folders.append(executable.deletingLastPathComponent()) }
        guard let found = folders.map({ $0.appendingPathComponent("eksodus") }).first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw XCTSkip("the eksodus binary is not built beside the tests (swift build)")
        }
        return found
    }

    /// Runs the binary with standard error on a new pseudo-terminal; gives its exit status, stdout and what the terminal showed.
    func onTerminal(_ arguments: [String], in folder: URL) throws -> (status: Int32, stdout: String, terminal: String) {
        #if canImport(Glibc)
        var master: Int32 = -1, slave: Int32 = -1
        guard openpty(&master, &slave, nil, nil, nil) == 0 else { throw XCTSkip("no pseudo-terminal here") }
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = ProcessInfo.processInfo.environment.filter { $0.key != "EKSODUS_DB" }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        close(slave)
        let shown = Shown()
        let drained = DispatchSemaphore(value: 0)
        let reader = Thread { [master] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(master, &buffer, buffer.count)
                if count <= 0 { break }
                shown.append(buffer[0..<count])
            }
            drained.signal()
        }
        reader.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate(); XCTFail("\(arguments.first ?? "") did not finish on a terminal") }
        process.waitUntilExit()
        // Once the command has exited, read() on the master ends (EIO) only after everything it wrote is read: wait for that
        // rather than a fixed pause, which a loaded machine outran.
        _ = drained.wait(timeout: .now() + 30)
        close(master)
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), shown.text)
        #else
        throw XCTSkip("pseudo-terminals are opened through Glibc here")
        #endif
    }

    func testAssessAndPlanSayWhatTheyAreDoingAndFinish() throws {
        let folder = try temporaryFolder(self)
        _ = try Demo(folder: folder, now: fixedNow).run()
        let assess = try onTerminal(["assess", "--target-version", "1.35", "-o", "json"], in: folder)
        XCTAssertEqual(assess.status, 0, assess.terminal)
        XCTAssertTrue(assess.terminal.contains("assessing… "), assess.terminal)
        XCTAssertTrue(assess.terminal.contains("reading the inventory"), assess.terminal)
        XCTAssertFalse(assess.stdout.contains("assessing"), "the progress line never reaches standard output")
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(assess.stdout.utf8)))
        let plan = try onTerminal(["plan", "--target-version", "1.35", "--region", "eu-west-1", "--account-id", "123456789012"], in: folder)
        XCTAssertEqual(plan.status, 0, plan.terminal)
        XCTAssertTrue(plan.terminal.contains("planning… "), plan.terminal)
        XCTAssertFalse(plan.stdout.contains("planning…"))
    }
}
